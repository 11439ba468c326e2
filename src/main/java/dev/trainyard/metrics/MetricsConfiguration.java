package dev.trainyard.metrics;

import io.micrometer.core.instrument.config.MeterFilter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** What the open Prometheus endpoint may show. */
@Configuration(proxyBeanMethods = false)
class MetricsConfiguration {

    /**
     * why: Spring Boot's disk meters carry the server's working directory as a label, on an endpoint anyone can
     * read; {@code trainyard.storage.free} reports the same space without saying where it is.
     */
    @Bean
    MeterFilter noDiskPaths() {
        return MeterFilter.deny(id -> id.getName().startsWith("disk.") && id.getTag("path") != null);
    }
}
