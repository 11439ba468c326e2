package dev.trainyard.system;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The disk under the data directory.
 *
 * @param minFree no job starts while less than this is free under the data directory (queued jobs say they wait for
 *                disk space); 0 turns the guard off
 */
@Validated
@ConfigurationProperties("trainyard.storage")
public record StorageProperties(
        @NotNull @DefaultValue("512MB") DataSize minFree) {

    public StorageProperties {
        if (minFree != null && minFree.isNegative()) {
            throw new IllegalArgumentException("trainyard.storage.min-free must not be negative (was " + minFree + ")");
        }
    }
}
