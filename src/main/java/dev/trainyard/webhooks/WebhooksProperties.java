package dev.trainyard.webhooks;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Webhook signing and delivery.
 *
 * @param secrets         principals' signing secrets, listed like the API tokens so environment variables can name
 *                        any principal ({@code TRAINYARD_WEBHOOKS_SECRETS_0_PRINCIPAL}, {@code ..._0_SECRET}); a
 *                        principal without one cannot name a webhook
 * @param allowedNetworks CIDR blocks (e.g. {@code 10.1.0.0/16}, {@code 127.0.0.1/32}) that webhooks may call
 *                        although they are loopback, link-local or private; empty by default
 * @param maxAttempts     requests per delivery before it is given up (FAILED)
 * @param firstRetry      the wait after the first failed attempt; each later wait doubles, up to maxRetry
 * @param maxRetry        the longest wait between attempts
 * @param timeout         how long an attempt may take to connect and to get the receiver's status line
 * @param pollInterval    how often a server looks for due deliveries
 * @param senders         concurrent requests per server
 */
@Validated
@ConfigurationProperties("trainyard.webhooks")
public record WebhooksProperties(
        @DefaultValue List<@Valid OwnerSecret> secrets,
        @DefaultValue List<String> allowedNetworks,
        @Min(1) @Max(50) @DefaultValue("8") int maxAttempts,
        @NotNull @DefaultValue("5s") Duration firstRetry,
        @NotNull @DefaultValue("1h") Duration maxRetry,
        @NotNull @DefaultValue("10s") Duration timeout,
        @NotNull @DefaultValue("1s") Duration pollInterval,
        @Min(1) @Max(64) @DefaultValue("4") int senders) {

    /**
     * One principal's signing secret.
     *
     * @param secret in the Standard Webhooks format: {@code whsec_} and the base64 of 24 to 64 random bytes
     */
    public record OwnerSecret(
            @NotBlank String principal, @NotBlank String secret) {

        /** Names the principal, never the secret. */
        @Override
        public String toString() {
            return "OwnerSecret[principal=" + principal + "]";
        }
    }

    /** Names the principals with secrets, never the secrets. */
    @Override
    public String toString() {
        return "WebhooksProperties[secrets for "
                + secrets.stream().map(OwnerSecret::principal).toList() + ", allowedNetworks=" + allowedNetworks
                + ", maxAttempts=" + maxAttempts + ", firstRetry=" + firstRetry + ", maxRetry=" + maxRetry
                + ", timeout=" + timeout + ", pollInterval=" + pollInterval + ", senders=" + senders + "]";
    }
}
