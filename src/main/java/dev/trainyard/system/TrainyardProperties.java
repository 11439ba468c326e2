package dev.trainyard.system;

import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings that every feature shares.
 *
 * @param dataDir where trainyard keeps its H2 database, {@code datasets/}, {@code jobs/<id>/} and {@code admin.token}
 */
@Validated
@ConfigurationProperties("trainyard")
public record TrainyardProperties(
        @NotNull @DefaultValue("./data") Path dataDir) {}
