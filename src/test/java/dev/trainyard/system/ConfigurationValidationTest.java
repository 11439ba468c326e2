package dev.trainyard.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.trainyard.TestServer;
import dev.trainyard.TrainyardApplication;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.BeanInstantiationException;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.validation.FieldError;

/** Bad settings stop the server at start-up with the setting's name, instead of failing later. */
class ConfigurationValidationTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "trainyard.executor.slots=many",
                "trainyard.training.prefetch-depth=0",
                "trainyard.training.convolutions=fastest",
                "trainyard.training.blas-threads=0",
                "trainyard.datasets.cifar10.sha256=not-a-checksum",
                "trainyard.security.tokens[0].principal=ci",
                "trainyard.executor.lease-timeout=15s",
                "trainyard.executor.replica-id=has/slash",
                "trainyard.jobs.max-queued-per-owner=0",
            })
    void invalidSettingFailsStartUpWithABindFailureNamingIt(String setting) {
        String key = setting.substring(0, setting.indexOf('='));
        Throwable failure = catchThrowable(() -> new SpringApplicationBuilder(TrainyardApplication.class)
                .run("--server.port=0", "--trainyard.data-dir=" + TestServer.newDataDir(), "--" + setting)
                .close());

        BindException bind = bindFailure(failure);
        assertThat(bind).as("a bind failure for %s, not %s", key, failure).isNotNull();
        // a list entry's failure may name another field of the same entry (a principal without its token)
        String entry = key.contains("].") ? key.substring(0, key.lastIndexOf("].") + 1) : key;
        assertThat(failedSettings(bind))
                .as("what failed to bind")
                .anySatisfy(name -> assertThat(name).startsWith(entry));
    }

    private static BindException bindFailure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof BindException bind) {
                return bind;
            }
        }
        return null;
    }

    /**
     * The settings a bind failure names: each field a validation refused, the setting a value could not be converted
     * for, or, when a settings record refused a combination in its constructor, the setting its message names.
     */
    private static List<String> failedSettings(BindException bind) {
        String prefix = bind.getName().toString();
        List<String> names = new ArrayList<>();
        if (bind.getCause() instanceof BindValidationException validation) {
            for (var error : validation.getValidationErrors().getAllErrors()) {
                if (error instanceof FieldError field) {
                    names.add(prefix + "." + DataObjectPropertyName.toDashedForm(field.getField()));
                }
            }
        } else if (bind.getProperty() != null) {
            names.add(prefix);
        } else if (bind.getCause() instanceof BeanInstantiationException refused
                && refused.getCause() instanceof IllegalArgumentException combination) {
            for (String word : combination.getMessage().split("[\\s()]+")) {
                if (word.startsWith(prefix + ".")) {
                    names.add(word);
                }
            }
        }
        return names;
    }
}
