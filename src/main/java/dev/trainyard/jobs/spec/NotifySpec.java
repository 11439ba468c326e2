package dev.trainyard.jobs.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Locale;

/**
 * A webhook: where trainyard POSTs the job's events, signed the Standard Webhooks way with the owner's secret.
 *
 * @param url    an http or https URL without user info; one resolving to a loopback, link-local or private address
 *               is refused unless the server's allow-list names it
 * @param events which events to send (default {@code [state]}): {@code state} (every state change, the end
 *               included), {@code epoch} (each epoch's results), {@code checkpoint}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(description = "Webhook: POSTs the job's events to a URL")
public record NotifySpec(
        @Schema(maxLength = MAX_URL_LENGTH, example = "https://ci.example.com/hooks/trainyard")
        @NotBlank
        @Size(max = MAX_URL_LENGTH, message = "must be at most 2000 characters")
        String url,

        @ArraySchema(schema = @Schema(defaultValue = "state"))
        @Size(min = 1, max = 3, message = "must name 1 to 3 of state, epoch, checkpoint")
        List<@NotNull Event> events) {

    public static final int MAX_URL_LENGTH = 2000;

    /** The events a webhook can send, named as event streams name them. */
    public enum Event {
        STATE,
        EPOCH,
        CHECKPOINT;

        @JsonValue
        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** This webhook with its events defaulted to state changes, each named once, in a fixed order. */
    public NotifySpec withDefaults() {
        return new NotifySpec(
                url,
                events == null
                        ? List.of(Event.STATE)
                        : events.stream().distinct().sorted().toList());
    }
}
