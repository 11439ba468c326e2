package dev.trainyard.system.logging;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** {@code %m}, {@code %msg} and {@code %message}, through {@link LogRedaction}. */
public class RedactedMessageConverter extends MessageConverter {

    @Override
    public String convert(ILoggingEvent event) {
        return LogRedaction.clean(super.convert(event), LogRedaction.secrets(getContext()));
    }
}
