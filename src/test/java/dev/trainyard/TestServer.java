package dev.trainyard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.test.context.DynamicPropertyRegistry;

/** Settings shared by tests that start the application: a fresh data directory and three known tokens. */
public final class TestServer {

    public static final String ALICE = "alice-token-0123456789";
    public static final String BOB = "bob-token-0123456789";
    public static final String ROOT = "root-token-0123456789";

    private TestServer() {}

    public static Path newDataDir() {
        try {
            return Files.createTempDirectory("trainyard-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Registers the data directory, the tokens, and {@code slots} executor slots. */
    public static void register(DynamicPropertyRegistry registry, Path dataDir, String slots) {
        settings(dataDir, slots).forEach((key, value) -> registry.add(key, () -> value));
    }

    /** The same settings as command-line arguments, for a server started outside the test's context. */
    public static List<String> arguments(Path dataDir, String slots) {
        return settings(dataDir, slots).entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toList();
    }

    private static Map<String, String> settings(Path dataDir, String slots) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("trainyard.data-dir", dataDir.toString());
        settings.put("trainyard.executor.slots", slots);
        settings.put("trainyard.executor.poll-interval", "200ms");
        settings.put("trainyard.executor.progress-interval", "100ms");
        settings.put("trainyard.experiments.launch-interval", "200ms");
        settings.put("trainyard.security.tokens[0].principal", "alice");
        settings.put("trainyard.security.tokens[0].token", ALICE);
        settings.put("trainyard.security.tokens[1].principal", "bob");
        settings.put("trainyard.security.tokens[1].token", BOB);
        settings.put("trainyard.security.tokens[2].principal", "root");
        settings.put("trainyard.security.tokens[2].token", ROOT);
        settings.put("trainyard.security.tokens[2].admin", "true");
        // no network in tests: a download attempt must fail fast instead of waiting
        settings.put("trainyard.datasets.cifar10.url", "http://127.0.0.1:9/cifar-10-binary.tar.gz");
        return settings;
    }
}
