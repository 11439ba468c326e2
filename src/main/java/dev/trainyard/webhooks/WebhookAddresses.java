package dev.trainyard.webhooks;

import dev.trainyard.jobs.NotifyTargets;
import dev.trainyard.jobs.spec.NotifySpec;
import dev.trainyard.system.Violations;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Which URLs a webhook may call: http or https, no user info, and a host whose every address is public, or in the
 * server's allow-list. Checked when a job is submitted and again before every attempt, as a name may resolve
 * elsewhere by then.
 */
@Component
public class WebhookAddresses implements NotifyTargets {

    /** Loopback, private, link-local, shared, reserved, multicast and broadcast blocks (IANA special-purpose). */
    private static final List<Cidr> NOT_PUBLIC = Stream.of(
                    "0.0.0.0/8",
                    "10.0.0.0/8",
                    "100.64.0.0/10",
                    "127.0.0.0/8",
                    "169.254.0.0/16",
                    "172.16.0.0/12",
                    "192.0.0.0/24",
                    "192.0.2.0/24",
                    "192.168.0.0/16",
                    "198.18.0.0/15",
                    "198.51.100.0/24",
                    "203.0.113.0/24",
                    "224.0.0.0/3",
                    "::/127",
                    "100::/64",
                    "2001:db8::/32",
                    "fc00::/7",
                    "fe80::/10",
                    "fec0::/10",
                    "ff00::/8")
            .map(Cidr::parse)
            .toList();

    /** IPv6 blocks that carry an IPv4 address (NAT64, IPv4-compatible, 6to4): that address is checked too. */
    private static final Cidr NAT64 = Cidr.parse("64:ff9b::/96");

    private static final Cidr COMPATIBLE = Cidr.parse("::/96");
    private static final Cidr SIX_TO_FOUR = Cidr.parse("2002::/16");

    static final String NOT_ALLOWED = "must name a host that resolves to public addresses only (loopback, "
            + "link-local and private ones are refused unless the server allow-lists them)";

    /** Looks up a host's addresses; the system resolver in production. */
    @FunctionalInterface
    interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final List<Cidr> allowed;
    private final Resolver resolver;
    private final WebhookSigner signer;

    @Autowired
    public WebhookAddresses(WebhooksProperties settings, WebhookSigner signer) {
        this(settings, signer, InetAddress::getAllByName);
    }

    WebhookAddresses(WebhooksProperties settings, WebhookSigner signer, Resolver resolver) {
        this.allowed = settings.allowedNetworks().stream()
                .map(block -> {
                    try {
                        return Cidr.parse(block);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalStateException("trainyard.webhooks.allowed-networks: " + e.getMessage());
                    }
                })
                .toList();
        this.resolver = resolver;
        this.signer = signer;
    }

    @Override
    public void check(String owner, NotifySpec notify, String field, Violations violations) {
        refusal(notify.url()).ifPresent(reason -> violations.add(field + ".url", reason));
        if (!signer.canSign(owner)) {
            violations.add(
                    field,
                    "webhooks need a signing secret for you in the server's settings "
                            + "(trainyard.webhooks.secrets); ask its operator");
        }
    }

    /** Why a request to {@code url} may not be made, or empty when it may. */
    public Optional<String> refusal(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return Optional.of("must be an absolute http or https URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            return Optional.of("must be an absolute http or https URL");
        }
        if (uri.getRawUserInfo() != null) {
            return Optional.of("must not carry user info (user:password@); put a token in the path or query");
        }
        if (uri.getRawFragment() != null) {
            return Optional.of("must not have a fragment (#...)");
        }
        String host = uri.getHost().startsWith("[")
                ? uri.getHost().substring(1, uri.getHost().length() - 1)
                : uri.getHost();
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException | SecurityException e) {
            return Optional.of(NOT_ALLOWED);
        }
        if (addresses.length == 0 || Arrays.stream(addresses).anyMatch(address -> !permitted(address))) {
            return Optional.of(NOT_ALLOWED);
        }
        return Optional.empty();
    }

    private boolean permitted(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (allowed.stream().anyMatch(block -> block.contains(bytes))) {
            return true;
        }
        if (NOT_PUBLIC.stream().anyMatch(block -> block.contains(bytes))) {
            return false;
        }
        byte[] embedded = embeddedIpv4(bytes);
        return embedded == null || NOT_PUBLIC.stream().noneMatch(block -> block.contains(embedded));
    }

    private static byte[] embeddedIpv4(byte[] address) {
        if (NAT64.contains(address) || COMPATIBLE.contains(address)) {
            return Arrays.copyOfRange(address, 12, 16);
        }
        if (SIX_TO_FOUR.contains(address)) {
            return Arrays.copyOfRange(address, 2, 6);
        }
        return null;
    }
}
