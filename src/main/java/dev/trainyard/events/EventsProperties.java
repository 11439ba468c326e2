package dev.trainyard.events;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Event streams and long polls.
 *
 * @param pollInterval       how often the server looks for new events, steps and changes of watched jobs; it bounds
 *                           how late a stream or a long poll hears of a change. Nothing is read while nobody watches
 * @param heartbeat          how often an idle stream gets a comment line, so that proxies keep it open
 * @param maxStreamsPerOwner open streams one owner may hold on this server; past it a new one answers 429
 * @param maxWaitsPerOwner   long polls one owner may have waiting on this server; past it a new one answers 429
 * @param maxWait            the longest {@code timeout} a long poll may ask for
 * @param maxStreamDuration  a stream is closed after this long; the client reconnects with {@code Last-Event-ID}
 *                           and misses nothing (it may land on another replica)
 * @param maxQueuedEvents    events waiting to be sent to one slow client; past it its stream is closed
 */
@Validated
@ConfigurationProperties("trainyard.events")
public record EventsProperties(
        @NotNull @DefaultValue("250ms") Duration pollInterval,
        @NotNull @DefaultValue("15s") Duration heartbeat,
        @Min(1) @Max(10_000) @DefaultValue("16") int maxStreamsPerOwner,
        @Min(1) @Max(100_000) @DefaultValue("200") int maxWaitsPerOwner,
        @NotNull @DefaultValue("60s") Duration maxWait,
        @NotNull @DefaultValue("1h") Duration maxStreamDuration,
        @Min(10) @Max(1_000_000) @DefaultValue("2000") int maxQueuedEvents) {

    public EventsProperties {
        if (pollInterval != null && (pollInterval.toMillis() < 10 || pollInterval.toMillis() > 5_000)) {
            throw new IllegalArgumentException(
                    "trainyard.events.poll-interval must be 10ms to 5s (was " + pollInterval + ")");
        }
    }
}
