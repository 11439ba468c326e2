package dev.trainyard.system.logging;

import ch.qos.logback.classic.spi.IThrowableProxy;
import org.springframework.boot.logging.logback.ExtendedWhitespaceThrowableProxyConverter;

/** Stack traces as Spring Boot writes them ({@code %wEx}), through {@link LogRedaction}. */
public class RedactedThrowableConverter extends ExtendedWhitespaceThrowableProxyConverter {

    @Override
    protected String throwableProxyToString(IThrowableProxy proxy) {
        return LogRedaction.clean(super.throwableProxyToString(proxy), LogRedaction.secrets(getContext()));
    }
}
