package dev.trainyard.system.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.pattern.DynamicConverter;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;
import org.springframework.boot.logging.LogFile;
import org.springframework.boot.logging.LoggingInitializationContext;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.logging.LoggingSystemFactory;
import org.springframework.boot.logging.logback.LogbackLoggingSystem;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.util.ClassUtils;

/**
 * Spring Boot's Logback set-up (its defaults, or a user's logback-spring.xml), with the message and stack-trace
 * conversion words of every pattern layout replaced by ones that pass through {@link LogRedaction}. Chosen by
 * {@link Factory}, listed in {@code META-INF/spring.factories} ahead of Boot's own.
 */
public class RedactingLogbackLoggingSystem extends LogbackLoggingSystem {

    private static final List<String> MESSAGE_WORDS = List.of("m", "msg", "message");
    private static final List<String> THROWABLE_WORDS =
            List.of("wEx", "wex", "ex", "exception", "throwable", "xEx", "xException", "xThrowable");

    public RedactingLogbackLoggingSystem(ClassLoader classLoader) {
        super(classLoader);
    }

    @Override
    protected void loadDefaults(LoggingInitializationContext initializationContext, LogFile logFile) {
        super.loadDefaults(initializationContext, logFile);
        redact((LoggerContext) LoggerFactory.getILoggerFactory());
    }

    @Override
    protected void loadConfiguration(
            LoggingInitializationContext initializationContext, String location, LogFile logFile) {
        super.loadConfiguration(initializationContext, location, logFile);
        redact((LoggerContext) LoggerFactory.getILoggerFactory());
    }

    /** Registers the redacting converters and restarts every encoder, so its layout is parsed with them. */
    @SuppressWarnings("unchecked")
    static void redact(LoggerContext context) {
        Map<String, Supplier<DynamicConverter<?>>> rules = (Map<String, Supplier<DynamicConverter<?>>>)
                context.getObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS);
        if (rules == null) {
            rules = new HashMap<>();
            context.putObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS, rules);
        }
        for (String word : MESSAGE_WORDS) {
            rules.put(word, RedactedMessageConverter::new);
        }
        for (String word : THROWABLE_WORDS) {
            rules.put(word, RedactedThrowableConverter::new);
        }
        for (Logger logger : context.getLoggerList()) {
            for (Iterator<Appender<ch.qos.logback.classic.spi.ILoggingEvent>> appenders = logger.iteratorForAppenders();
                    appenders.hasNext(); ) {
                if (appenders.next() instanceof OutputStreamAppender<?> output && output.getEncoder() != null) {
                    Encoder<?> encoder = output.getEncoder();
                    encoder.stop();
                    encoder.start();
                }
            }
        }
    }

    /** Picks this logging system wherever Spring Boot would pick Logback's. */
    @Order(Ordered.HIGHEST_PRECEDENCE)
    public static class Factory implements LoggingSystemFactory {

        private static final boolean LOGBACK =
                ClassUtils.isPresent("ch.qos.logback.classic.LoggerContext", Factory.class.getClassLoader());

        @Override
        public LoggingSystem getLoggingSystem(ClassLoader classLoader) {
            return LOGBACK ? new RedactingLogbackLoggingSystem(classLoader) : null;
        }
    }
}
