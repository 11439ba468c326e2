package dev.trainyard.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainyard.ApiClient;
import dev.trainyard.TestServer;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The dashboard's page and assets are served under a strict Content-Security-Policy and build no HTML from data. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DashboardSecurityTest {

    private static final Path STATIC = Path.of("src/main/resources/static");

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestServer.register(registry, TestServer.newDataDir(), "0");
    }

    @Test
    void thePageAndItsAssetsAreServedWithoutATokenUnderAStrictPolicy() {
        ApiClient anonymous = new ApiClient(port, null);
        for (String path : List.of(
                "/",
                "/assets/app.js",
                "/assets/pages/job.js",
                "/assets/app.css",
                "/webjars/uplot/dist/uPlot.iife.min.js")) {
            HttpResponse<String> answer = anonymous.get(path, "*/*");
            assertThat(answer.statusCode()).as(path).isEqualTo(200);
            String policy =
                    answer.headers().firstValue("Content-Security-Policy").orElseThrow();
            assertThat(policy)
                    .contains("default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'")
                    .doesNotContain("unsafe-inline", "unsafe-eval", "*");
            assertThat(answer.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        }
        assertThat(anonymous.get("/", "text/html").body()).contains("<title>trainyard</title>");
    }

    @Test
    void apiAnswersMayLoadNothingAndSwaggerUiKeepsItsOwnRules() {
        ApiClient alice = new ApiClient(port, TestServer.ALICE);
        assertThat(alice.get("/api/v1/jobs").headers().firstValue("Content-Security-Policy"))
                .hasValueSatisfying(policy -> assertThat(policy).startsWith("default-src 'none'"));
        HttpResponse<String> swagger = alice.get("/swagger-ui/index.html", "text/html");
        assertThat(swagger.statusCode()).isEqualTo(200);
        assertThat(swagger.headers().firstValue("Content-Security-Policy")).isEmpty();
    }

    @Test
    void thePageHasNoInlineScriptOrStyleAndTheScriptsNeverParseHtml() throws IOException {
        String index = Files.readString(STATIC.resolve("index.html"));
        assertThat(Pattern.compile("<script(?![^>]*\\bsrc=)").matcher(index).find())
                .as("every script element loads a file")
                .isFalse();
        assertThat(index).doesNotContain("<style", "style=");
        assertThat(Pattern.compile("\\son[a-z]+\\s*=").matcher(index).find())
                .as("no inline event handler")
                .isFalse();
        try (Stream<Path> files = Files.walk(STATIC)) {
            for (Path script : files.filter(f -> f.toString().endsWith(".js")).toList()) {
                assertThat(Files.readString(script))
                        .as(script.toString())
                        .doesNotContain(
                                "innerHTML",
                                "outerHTML",
                                "insertAdjacentHTML",
                                "document.write",
                                "eval(",
                                "new Function",
                                "setAttribute('style'");
            }
        }
    }
}
