package dev.trainyard.system;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import jakarta.servlet.MultipartConfigElement;
import java.time.Clock;
import org.apache.catalina.core.StandardHost;
import org.hibernate.validator.HibernateValidatorConfiguration;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.validation.autoconfigure.ValidationConfigurationCustomizer;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Cross-cutting beans: the clock, upload limits, Tomcat's own error pages and the OpenAPI document's header. */
@Configuration(proxyBeanMethods = false)
class SystemConfiguration {

    private static final long MULTIPART_FRAMING = 64 * 1024;

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    /** Validation reports fields by their JSON names. */
    @Bean
    ValidationConfigurationCustomizer jsonPropertyNames() {
        return configuration -> {
            if (configuration instanceof HibernateValidatorConfiguration hibernate) {
                hibernate.propertyNodeNameProvider(new JsonPropertyNames());
            }
        };
    }

    /** Multipart uploads (an image to classify) obey the same limit as an image sent as the body. */
    @Bean
    MultipartConfigElement multipartLimits(HttpLimitsProperties limits) {
        long image = limits.maxImageBody().toBytes();
        // why: the multipart framing around one image part is a few hundred bytes
        return new MultipartConfigElement(null, image, image + MULTIPART_FRAMING, 0);
    }

    /** why: errors Tomcat answers itself (unparseable requests) are problem details too, not its HTML page. */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> problemErrorReports() {
        return factory -> factory.addContextCustomizers(context -> {
            if (context.getParent() instanceof StandardHost host) {
                host.setErrorReportValveClass(ProblemReportValve.class.getName());
            }
        });
    }

    @Bean
    OpenAPI trainyardOpenApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("trainyard")
                        .version("v1")
                        .description("Queue, train, watch and download image classifiers trained with DL4J."))
                .addServersItem(new Server().url("/").description("the server this document came from"))
                .components(new Components()
                        .addSecuritySchemes(
                                "bearer",
                                new SecurityScheme()
                                        .type(SecurityScheme.Type.HTTP)
                                        .scheme("bearer")))
                .addSecurityItem(new SecurityRequirement().addList("bearer"));
    }
}
