package dev.trainyard.data;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The on-disk cache of decoded image folders under {@code <data-dir>/cache/decoded}.
 *
 * @param entries how many decoded folders to keep, most recently used first (about 3 KB per image each: 150 MB for
 *                the CIFAR-10 training JPEGs); 0 turns the cache off
 */
@Validated
@ConfigurationProperties("trainyard.datasets.decoded-cache")
public record DecodedCacheProperties(
        @Min(0) @DefaultValue("4") int entries) {}
