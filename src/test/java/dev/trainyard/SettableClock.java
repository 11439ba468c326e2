package dev.trainyard;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * A clock that stands still until a test moves it, so tests move time instead of waiting for it. A Spring test
 * imports {@link InContext} to make it the application's clock.
 */
public final class SettableClock extends Clock {

    /** Puts a settable clock, started now, in place of the application's. */
    @TestConfiguration(proxyBeanMethods = false)
    public static class InContext {
        @Bean
        @Primary
        SettableClock settableClock() {
            return startingNow();
        }
    }

    private volatile Instant now;

    public SettableClock(Instant start) {
        this.now = start;
    }

    /** Starts at the real time, so that files and rows it stamps look ordinary. */
    public static SettableClock startingNow() {
        return new SettableClock(Instant.now());
    }

    public void advance(Duration duration) {
        now = now.plus(duration);
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("a settable clock is UTC");
    }
}
