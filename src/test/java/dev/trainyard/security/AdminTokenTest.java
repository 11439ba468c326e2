package dev.trainyard.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainyard.TestServer;
import dev.trainyard.system.DataDirectory;
import dev.trainyard.system.TrainyardProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdminTokenTest {

    @Test
    void withoutConfiguredTokensAnOwnerOnlyAdminTokenIsCreatedOnceAndAccepted() throws Exception {
        Path dataDir = TestServer.newDataDir();
        DataDirectory directory = new DataDirectory(new TrainyardProperties(dataDir));

        ApiTokens tokens = new ApiTokens(new ApiSecurityProperties(List.of()), directory);

        Path file = dataDir.resolve("admin.token");
        assertThat(Files.getPosixFilePermissions(file))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        String token = Files.readString(file).strip();
        assertThat(token).hasSizeGreaterThanOrEqualTo(32);
        assertThat(tokens.authenticate(token)).contains(new Caller("admin", true));
        assertThat(tokens.authenticate(token + "x")).isEmpty();
        new ApiTokens(new ApiSecurityProperties(List.of()), directory);
        assertThat(Files.readString(file).strip()).isEqualTo(token);
    }

    @Test
    void configuredTokensReplaceTheGeneratedOne() {
        Path dataDir = TestServer.newDataDir();
        ApiTokens tokens = new ApiTokens(
                new ApiSecurityProperties(List.of(new ApiSecurityProperties.Token("ci", "ci-token-0123456789", false))),
                new DataDirectory(new TrainyardProperties(dataDir)));

        assertThat(tokens.authenticate("ci-token-0123456789")).contains(new Caller("ci", false));
        assertThat(Files.exists(dataDir.resolve("admin.token"))).isFalse();
    }
}
