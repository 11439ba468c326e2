package dev.trainyard.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookSignerTest {

    /** The test vector of the Standard Webhooks specification's reference libraries. */
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    static WebhooksProperties settings(Map<String, String> secrets, List<String> allowedNetworks) {
        List<WebhooksProperties.OwnerSecret> owners = secrets.entrySet().stream()
                .map(e -> new WebhooksProperties.OwnerSecret(e.getKey(), e.getValue()))
                .toList();
        return new WebhooksProperties(
                owners,
                allowedNetworks,
                8,
                Duration.ofSeconds(5),
                Duration.ofHours(1),
                Duration.ofSeconds(10),
                Duration.ofSeconds(1),
                4);
    }

    @Test
    void signsTheStandardWebhooksTestVector() {
        WebhookSigner signer = new WebhookSigner(settings(Map.of("alice", SECRET), List.of()));

        assertThat(signer.sign("alice", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330L, "{\"test\": 2432232314}"))
                .contains("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void signsOnlyForOwnersWithASecret() {
        WebhookSigner signer = new WebhookSigner(settings(Map.of("alice", SECRET), List.of()));

        assertThat(signer.canSign("alice")).isTrue();
        assertThat(signer.canSign("bob")).isFalse();
        assertThat(signer.sign("bob", "id", 1, "{}")).isEmpty();
    }

    @Test
    void aMalformedSecretStopsStartUpNamingThePrincipalButNeverTheSecret() {
        for (String secret : List.of("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_not base64!", "whsec_c2hvcnQ=")) {
            assertThatThrownBy(() -> new WebhookSigner(settings(Map.of("carol", secret), List.of())))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("trainyard.webhooks.secrets: the secret of carol")
                    .hasMessageNotContaining(secret);
        }
    }

    @Test
    void aPrincipalNamedTwiceStopsStartUp() {
        WebhooksProperties twice = new WebhooksProperties(
                List.of(
                        new WebhooksProperties.OwnerSecret("alice", SECRET),
                        new WebhooksProperties.OwnerSecret("alice", SECRET)),
                List.of(),
                8,
                Duration.ofSeconds(5),
                Duration.ofHours(1),
                Duration.ofSeconds(10),
                Duration.ofSeconds(1),
                4);
        assertThatThrownBy(() -> new WebhookSigner(twice)).hasMessageContaining("alice twice");
    }

    @Test
    void theSettingsNeverPrintTheSecrets() {
        assertThat(settings(Map.of("alice", SECRET), List.of()).toString())
                .contains("alice")
                .doesNotContain(SECRET)
                .doesNotContain("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    }

    @Test
    void retriesWaitTheFirstRetryDoublingUpToTheLongest() {
        Duration first = Duration.ofSeconds(5);
        Duration longest = Duration.ofMinutes(1);

        assertThat(List.of(1, 2, 3, 4, 5, 6, 40).stream()
                        .map(attempt -> WebhookDispatcher.backoff(first, longest, attempt))
                        .toList())
                .containsExactly(
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(10),
                        Duration.ofSeconds(20),
                        Duration.ofSeconds(40),
                        longest,
                        longest,
                        longest);
    }
}
