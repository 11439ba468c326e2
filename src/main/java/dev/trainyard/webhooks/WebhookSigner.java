package dev.trainyard.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.stereotype.Component;

/**
 * Signs webhook requests the Standard Webhooks way: HMAC-SHA256 with the owner's secret over
 * {@code <webhook-id>.<webhook-timestamp>.<body>}, sent as {@code webhook-signature: v1,<base64>}, so a receiver can
 * verify them with any Standard Webhooks library.
 */
@Component
public class WebhookSigner {

    static final String SECRET_PREFIX = "whsec_";

    private final Map<String, byte[]> keys = new HashMap<>();

    public WebhookSigner(WebhooksProperties settings) {
        for (WebhooksProperties.OwnerSecret owner : settings.secrets()) {
            if (keys.put(owner.principal(), key(owner.principal(), owner.secret())) != null) {
                throw new IllegalStateException(
                        "trainyard.webhooks.secrets names principal " + owner.principal() + " twice");
            }
        }
    }

    /** Whether {@code owner} has a secret to sign with. */
    public boolean canSign(String owner) {
        return keys.containsKey(owner);
    }

    /** The {@code webhook-signature} header value, or empty when the owner has no secret. */
    public Optional<String> sign(String owner, String id, long timestamp, String body) {
        byte[] key = keys.get(owner);
        return key == null ? Optional.empty() : Optional.of(signature(key, id, timestamp, body));
    }

    static String signature(byte[] key, String id, long timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] digest = mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    /** The secret's key bytes; the error names the principal, never the secret. */
    static byte[] key(String principal, String secret) {
        String invalid = "trainyard.webhooks.secrets: the secret of " + principal
                + " must be 'whsec_' followed by the base64 of 24 to 64 random bytes";
        if (secret == null || !secret.startsWith(SECRET_PREFIX)) {
            throw new IllegalStateException(invalid);
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(invalid);
        }
        if (key.length < 24 || key.length > 64) {
            throw new IllegalStateException(invalid);
        }
        return key;
    }
}
