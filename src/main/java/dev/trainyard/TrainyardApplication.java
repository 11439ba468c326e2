package dev.trainyard;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Entry point: a REST server that queues image-classifier training jobs and trains them with DL4J. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class TrainyardApplication {

    public static void main(String[] args) {
        SpringApplication.run(TrainyardApplication.class, args);
    }
}
