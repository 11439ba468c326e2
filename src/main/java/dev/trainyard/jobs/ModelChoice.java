package dev.trainyard.jobs;

import java.util.Arrays;
import java.util.Locale;
import org.springframework.core.convert.converter.Converter;
import org.springframework.stereotype.Component;

/** Which model a download gives, by the name the {@code which} parameter uses. */
enum ModelChoice {
    /** The final model, once the job has SUCCEEDED. */
    LAST,
    /** The checkpoint with the best validation accuracy, at any time. */
    BEST;

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Reads {@code which=last|best}; anything else is a 400 naming the parameter and the two names. */
    @Component
    static class FromParameter implements Converter<String, ModelChoice> {
        @Override
        public ModelChoice convert(String source) {
            return Arrays.stream(values())
                    .filter(choice -> choice.toString().equals(source))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("not a model choice"));
        }
    }
}
