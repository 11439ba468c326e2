package dev.trainyard.jobs;

import java.time.Clock;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/** The clock the application uses, for test slices that do not load its configuration. */
@TestConfiguration(proxyBeanMethods = false)
class SystemClock {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
