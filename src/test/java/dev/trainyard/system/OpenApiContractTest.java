package dev.trainyard.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainyard.ApiClient;
import dev.trainyard.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** The committed openapi.yaml is the contract: it must equal what the server generates. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OpenApiContractTest {

    static final Path CONTRACT = Path.of("openapi.yaml");
    static final Path GENERATED = Path.of("target/openapi.yaml");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestServer.register(registry, TestServer.newDataDir(), "0");
    }

    @LocalServerPort
    int port;

    @Test
    void committedContractMatchesTheGeneratedDocument() throws Exception {
        String generated = new ApiClient(port, null)
                .get("/v3/api-docs.yaml", "application/vnd.oai.openapi")
                .body();
        Files.createDirectories(GENERATED.getParent());
        Files.writeString(GENERATED, generated);

        assertThat(Files.exists(CONTRACT) ? Files.readString(CONTRACT) : "")
                .as("openapi.yaml differs from the API the code serves. If the change is intended, regenerate it: "
                        + "mvn test -Dtest=OpenApiContractTest; cp target/openapi.yaml openapi.yaml")
                .isEqualTo(generated);
    }

    /** why: a hard-coded server URL made Swagger UI's "Try it out" call another port behind an ingress or proxy. */
    @Test
    void theServerUrlIsRelativeSoTryItOutCallsTheServerThePageCameFrom() {
        ApiClient anonymous = new ApiClient(port, null);
        JsonNode document = anonymous.json(anonymous.get("/v3/api-docs"));
        assertThat(document.at("/servers/0/url").asString()).isEqualTo("/");
        assertThat(document.toString()).doesNotContain("localhost");
    }
}
