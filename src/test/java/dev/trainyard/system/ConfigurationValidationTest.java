package dev.trainyard.system;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trainyard.TestServer;
import dev.trainyard.TrainyardApplication;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** Bad settings stop the server at start-up with the setting's name, instead of failing later. */
class ConfigurationValidationTest {

    @ParameterizedTest
    @ValueSource(strings = {
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
    void invalidSettingFailsStartUp(String setting) {
        String key = setting.substring(0, setting.indexOf('=')).replaceAll("\\[0].*", "");
        assertThatThrownBy(() -> new SpringApplicationBuilder(TrainyardApplication.class).run(
                "--server.port=0", "--trainyard.data-dir=" + TestServer.newDataDir(), "--" + setting).close())
                .hasStackTraceContaining(key);
    }
}
