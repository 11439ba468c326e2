package dev.trainyard.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trainyard.jobs.spec.NotifySpec;
import dev.trainyard.system.InvalidRequestException;
import dev.trainyard.system.Violations;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which webhook URLs are refused, with a resolver that answers what each test names. */
class WebhookAddressesTest {

    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    /** Names that resolve as a hostile DNS server would make them. */
    private static final Map<String, String[]> NAMES = Map.of(
            "hooks.example.com", new String[] {"93.184.215.14"},
            "rebind.example.com", new String[] {"93.184.215.14", "127.0.0.1"},
            "metadata.example.com", new String[] {"169.254.169.254"},
            "v6.example.com", new String[] {"2606:2800:21f:cb07:6820:80da:af6b:8b2c"});

    private static InetAddress[] resolve(String host) throws UnknownHostException {
        String[] addresses = NAMES.get(host);
        if (addresses == null) {
            // literals resolve to themselves without a lookup, as the system resolver does
            if (!host.matches("[0-9a-fA-F:.]+")) {
                throw new UnknownHostException(host);
            }
            return new InetAddress[] {InetAddress.getByName(host)};
        }
        InetAddress[] result = new InetAddress[addresses.length];
        for (int i = 0; i < addresses.length; i++) {
            result[i] = InetAddress.getByAddress(
                    host, InetAddress.getByName(addresses[i]).getAddress());
        }
        return result;
    }

    private static WebhookAddresses addresses(List<String> allowed) {
        WebhooksProperties settings = WebhookSignerTest.settings(Map.of("alice", SECRET), allowed);
        return new WebhookAddresses(settings, new WebhookSigner(settings), WebhookAddressesTest::resolve);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://hooks.example.com/trainyard",
                "http://hooks.example.com:8080/a?token=x",
                "https://93.184.215.14/hook",
                "https://v6.example.com/hook",
                "https://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/hook"
            })
    void publicAddressesAreAllowed(String url) {
        assertThat(addresses(List.of()).refusal(url)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://127.0.0.1/",
                "http://127.0.0.2:8080/",
                "http://10.1.2.3/",
                "http://172.16.0.1/",
                "http://192.168.1.1/",
                "http://100.64.0.1/",
                "http://169.254.169.254/latest/meta-data/",
                "http://metadata.example.com/",
                "http://0.0.0.0/",
                "http://255.255.255.255/",
                "http://224.0.0.1/",
                "http://[::1]/",
                "http://[::]/",
                "http://[fd00::1]/",
                "http://[fe80::1]/",
                "http://[::ffff:10.0.0.1]/",
                "http://[::ffff:127.0.0.1]/",
                "http://[::10.0.0.1]/",
                "http://[64:ff9b::a00:1]/",
                "http://[2002:a00:1::]/",
                "http://rebind.example.com/",
                "http://no-such-host.invalid/"
            })
    void loopbackPrivateLinkLocalAndUnresolvableHostsAreRefusedAlike(String url) {
        // one message for all of them: the answer tells a caller nothing about the server's network or DNS
        assertThat(addresses(List.of()).refusal(url)).contains(WebhookAddresses.NOT_ALLOWED);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "ftp://hooks.example.com/",
                "file:///etc/passwd",
                "gopher://hooks.example.com/",
                "/relative/path",
                "hooks.example.com/hook",
                "http:///no-host",
                "http://exa mple.com/",
                "javascript:alert(1)"
            })
    void onlyAbsoluteHttpUrlsAreAccepted(String url) {
        assertThat(addresses(List.of()).refusal(url)).contains("must be an absolute http or https URL");
    }

    @Test
    void userInfoAndFragmentsAreRefused() {
        assertThat(addresses(List.of()).refusal("https://user:secret@hooks.example.com/"))
                .hasValueSatisfying(reason -> assertThat(reason).contains("user info"));
        assertThat(addresses(List.of()).refusal("https://hooks.example.com/#frag"))
                .hasValueSatisfying(reason -> assertThat(reason).contains("fragment"));
    }

    @Test
    void theAllowListOpensTheBlocksItNamesAndNoOthers() {
        WebhookAddresses addresses = addresses(List.of("127.0.0.1/32", "10.1.0.0/16", "fd00::/8"));

        assertThat(addresses.refusal("http://127.0.0.1:9000/hook")).isEmpty();
        assertThat(addresses.refusal("http://10.1.200.3/hook")).isEmpty();
        assertThat(addresses.refusal("http://[fd00::1]/hook")).isEmpty();
        assertThat(addresses.refusal("http://127.0.0.2/hook")).contains(WebhookAddresses.NOT_ALLOWED);
        assertThat(addresses.refusal("http://10.2.0.1/hook")).contains(WebhookAddresses.NOT_ALLOWED);
        assertThat(addresses.refusal("http://169.254.169.254/")).contains(WebhookAddresses.NOT_ALLOWED);
    }

    @Test
    void aMalformedAllowListStopsStartUp() {
        assertThatThrownBy(() -> addresses(List.of("localhost")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("trainyard.webhooks.allowed-networks");
        assertThatThrownBy(() -> addresses(List.of("10.0.0.0/33"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aSubmitterWithoutASecretIsToldSoOnTheNotifyField() {
        Violations violations = new Violations();
        addresses(List.of()).check("bob", new NotifySpec("https://hooks.example.com/", null), "notify", violations);

        assertThatThrownBy(violations::throwIfAny)
                .isInstanceOfSatisfying(
                        InvalidRequestException.class,
                        e -> assertThat(e.violations()).singleElement().satisfies(violation -> {
                            assertThat(violation.field()).isEqualTo("notify");
                            assertThat(violation.message()).contains("signing secret");
                        }));
    }
}
