package dev.trainyard.data;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where CIFAR-10 comes from when it is not on disk yet.
 *
 * @param url     the binary archive (cifar-10-binary.tar.gz); point it at a mirror when the official page is slow
 * @param sha256  the archive's SHA-256; a download that does not match is discarded
 * @param timeout how long one download may take before it is abandoned
 */
@Validated
@ConfigurationProperties("trainyard.datasets.cifar10")
public record Cifar10Properties(
        @NotNull @DefaultValue("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz")
        URI url,

        @NotNull
        @Pattern(regexp = "[0-9a-f]{64}", message = "must be 64 lower-case hex digits")
        @DefaultValue("c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd")
        String sha256,

        @NotNull @DefaultValue("30m") Duration timeout) {}
