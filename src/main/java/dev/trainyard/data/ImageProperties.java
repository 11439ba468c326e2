package dev.trainyard.data;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Images trainyard decodes: uploads to classify and the files of image folders.
 *
 * @param maxPixels the most pixels (width times height) an image may declare; a larger one is refused from its
 *                  header, before anything is decoded (a small file can declare a huge image)
 */
@Validated
@ConfigurationProperties("trainyard.images")
public record ImageProperties(
        @Min(1) @DefaultValue("25000000") long maxPixels) {}
