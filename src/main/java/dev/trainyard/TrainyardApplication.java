package dev.trainyard;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import sun.misc.Signal;

/** Entry point: a REST server that queues image-classifier training jobs and trains them with DL4J. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class TrainyardApplication {

    public static void main(String[] args) {
        // why: a JVM ended by SIGTERM exits with status 143 even after a clean shutdown; exiting through System.exit
        // runs the same shutdown (readiness down, jobs checkpointed and released) and reports it as the 0 it is
        Signal.handle(new Signal("TERM"), signal -> System.exit(0));
        SpringApplication.run(TrainyardApplication.class, args);
    }
}
