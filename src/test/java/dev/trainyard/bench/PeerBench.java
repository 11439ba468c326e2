package dev.trainyard.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PyTorch peer ({@code ../shared/peer-bench}: seednet in libtorch through DJL), run in its own process between
 * trainyard's measurements so that both see the same machine. Options {@code peer=<run.sh>},
 * {@code peerData=<folder holding train/>}, {@code peerThreads=2}.
 */
record PeerBench(String script, String data, String threads) {

    private static final Pattern RESULT =
            Pattern.compile("RESULT train-step \\[pre-staged tensors\\].*median ([0-9.]+) ms/step");

    static Optional<PeerBench> from(Map<String, String> options) {
        return Optional.ofNullable(options.get("peer"))
                .map(script -> new PeerBench(
                        script, options.getOrDefault("peerData", ""), options.getOrDefault("peerThreads", "2")));
    }

    /** The peer's median ms per step of one timed run of {@code steps} steps on pre-staged batches. */
    double msPerStep(int steps) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(List.of(
                        script, threads, "mode=bench", "variants=A", "repeats=1", "steps=" + steps, "data=" + data))
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("the peer failed: " + output);
        }
        Matcher result = RESULT.matcher(output);
        if (!result.find()) {
            throw new IllegalStateException("no RESULT line in the peer's output: " + output);
        }
        return Double.parseDouble(result.group(1));
    }
}
