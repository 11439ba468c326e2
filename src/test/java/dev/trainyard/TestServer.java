package dev.trainyard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.test.context.DynamicPropertyRegistry;

/** Settings shared by tests that start the application: a fresh data directory and three known tokens. */
public final class TestServer {

    public static final String ALICE = "alice-token-0123456789";
    public static final String BOB = "bob-token-0123456789";
    public static final String ROOT = "root-token-0123456789";

    private TestServer() {
    }

    public static Path newDataDir() {
        try {
            return Files.createTempDirectory("trainyard-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Registers the data directory, the tokens, and {@code slots} executor slots. */
    public static void register(DynamicPropertyRegistry registry, Path dataDir, String slots) {
        registry.add("trainyard.data-dir", dataDir::toString);
        registry.add("trainyard.executor.slots", () -> slots);
        registry.add("trainyard.executor.poll-interval", () -> "200ms");
        registry.add("trainyard.executor.progress-interval", () -> "100ms");
        registry.add("trainyard.security.tokens[0].principal", () -> "alice");
        registry.add("trainyard.security.tokens[0].token", () -> ALICE);
        registry.add("trainyard.security.tokens[1].principal", () -> "bob");
        registry.add("trainyard.security.tokens[1].token", () -> BOB);
        registry.add("trainyard.security.tokens[2].principal", () -> "root");
        registry.add("trainyard.security.tokens[2].token", () -> ROOT);
        registry.add("trainyard.security.tokens[2].admin", () -> "true");
        // no network in tests: a download attempt must fail fast instead of waiting
        registry.add("trainyard.datasets.cifar10.url", () -> "http://127.0.0.1:9/cifar-10-binary.tar.gz");
    }
}
