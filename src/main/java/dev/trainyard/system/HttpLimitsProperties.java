package dev.trainyard.system;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * What a request body may be. Limits apply to the bytes read, chunked bodies included, not only to what
 * {@code Content-Length} declares.
 *
 * @param maxJsonBody  the largest JSON body (a job spec is a few hundred bytes)
 * @param maxImageBody the largest image to classify, sent as the body or as a multipart part
 * @param bodyTimeout  a body must arrive within this long; a slower one is answered 408 and its connection closed
 */
@Validated
@ConfigurationProperties("trainyard.http")
public record HttpLimitsProperties(
        @NotNull @DefaultValue("1MB") DataSize maxJsonBody,
        @NotNull @DefaultValue("10MB") DataSize maxImageBody,
        @NotNull @DefaultValue("20s") Duration bodyTimeout) {}
