package dev.trainyard.bench;

import dev.trainyard.data.Augmentation;
import dev.trainyard.data.Cifar10Properties;
import dev.trainyard.data.DatasetCatalog;
import dev.trainyard.data.DatasetChoice;
import dev.trainyard.data.DecodedCacheProperties;
import dev.trainyard.data.ImageDecoder;
import dev.trainyard.data.ImageProperties;
import dev.trainyard.data.LabeledImages;
import dev.trainyard.data.Minibatches;
import dev.trainyard.data.Normalization;
import dev.trainyard.data.PrefetchingIterator;
import dev.trainyard.data.TrainTestSplit;
import dev.trainyard.system.DataDirectory;
import dev.trainyard.system.TrainyardProperties;
import dev.trainyard.training.Dl4jRuntime;
import dev.trainyard.training.ModelArchitecture;
import dev.trainyard.training.ModelSummary;
import dev.trainyard.training.Network;
import dev.trainyard.training.Trainer;
import dev.trainyard.training.TrainingProperties;
import dev.trainyard.training.onednn.ConvolutionPath;
import dev.trainyard.training.onednn.InstalledConvolutions;
import dev.trainyard.training.onednn.OneDnnLibrary;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.executioner.OpExecutioner;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.profiler.OpProfiler;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Measures how fast trainyard trains on this machine, the figures docs/benchmarks.md reports: training steps with
 * the real data pipeline (JPEG folder decoded once, augmented batches assembled ahead on the prefetch thread) and
 * with pre-staged batches, the share of each step spent waiting for data, one evaluation pass, and a float32 matrix
 * product as the machine's achievable GFLOP/s. Run with {@code mvn -q -Pbench verify} (see the README); arguments
 * as {@code key=value}:
 * <ul>
 *   <li>{@code data=<data-dir>} and {@code path=<folder under data-dir/datasets>} (default: 6,000 generated
 *       JPEGs in a temporary folder)</li>
 *   <li>{@code models=seednet,resnet20} (default seednet), {@code paths=onednn,dl4j} (trainyard's oneDNN
 *       convolution path and DL4J's own; the first is also timed on pre-staged batches, profiled and evaluated),
 *       {@code batch=64}, {@code rounds=5}, {@code steps=100} (timed steps per path per round), {@code warmup=20},
 *       {@code evalImages=10000}, {@code helpers=true} (DL4J's oneDNN layer helpers for its own path; DL4J reads
 *       the switch once per layer, so compare settings in separate runs), {@code profile=true} (ND4J's per-op time
 *       table over {@code steps} extra steps)</li>
 *   <li>{@code peer=<peer-bench/run.sh>} and {@code peerData=<folder holding train/>}: in each seednet round, after
 *       trainyard's paths, one run of the PyTorch peer ({@code ../shared/peer-bench}) on pre-staged batches in its
 *       own process; {@code peerThreads=2}</li>
 * </ul>
 */
public final class TrainingBenchmark {

    private final Map<String, String> options;

    private TrainingBenchmark(Map<String, String> options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            int equals = arg.indexOf('=');
            if (equals < 1) {
                throw new IllegalArgumentException("arguments are key=value, got " + arg);
            }
            options.put(arg.substring(0, equals), arg.substring(equals + 1));
        }
        new TrainingBenchmark(options).run();
    }

    private String option(String key, String otherwise) {
        return options.getOrDefault(key, otherwise);
    }

    private int number(String key, int otherwise) {
        return Integer.parseInt(option(key, Integer.toString(otherwise)));
    }

    private void run() throws Exception {
        Dl4jRuntime runtime = new Dl4jRuntime(new TrainingProperties(
                Boolean.parseBoolean(option("helpers", "true")),
                TrainingProperties.Convolutions.ONEDNN,
                number("blasThreads", 1),
                4));
        OneDnnLibrary library = OneDnnLibrary.load();
        List<String> models =
                List.of(option("models", option("model", "seednet")).split(","));
        List<String> paths = List.of(option("paths", "onednn,dl4j").split(","));
        int batchSize = number("batch", 64);
        int rounds = number("rounds", number("runs", 5));
        int steps = number("steps", 100);
        int warmup = number("warmup", 20);
        int evalImages = number("evalImages", 10_000);

        Path dataDir = options.containsKey("data") ? Path.of(option("data", "")) : generatedImages();
        String path = option("path", options.containsKey("data") ? "cifar10-jpg/train" : "generated");
        DatasetCatalog catalog = new DatasetCatalog(
                new DataDirectory(new TrainyardProperties(dataDir)),
                new Cifar10Properties(URI.create("http://127.0.0.1:9/unused"), "0".repeat(64), Duration.ofSeconds(1)),
                new DecodedCacheProperties(4),
                new ImageDecoder(new ImageProperties(25_000_000)),
                Clock.systemUTC());
        long loadStart = System.nanoTime();
        TrainTestSplit data = catalog.load(new DatasetChoice.ImageFolder(path, null, null, null, 0));
        double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
        LabeledImages images = data.train();
        Normalization normalization = Normalization.of(images);
        Minibatches batches = new Minibatches(images, batchSize, normalization, new Augmentation(4, true, true));

        System.out.printf("trainyard training benchmark, %s%n", LocalDate.now());
        environment(runtime, library);
        System.out.printf(
                "data: %,d images from %s (loaded in %.1f s; a second run reads the decoded cache)%n",
                images.count(), dataDir.resolve("datasets").resolve(path), loadSeconds);
        System.out.printf(
                "method: per model, %d warm-up steps per path, then %d rounds; each round times %d steps "
                        + "with the data pipeline on each path (%s) and then, for seednet, runs the PyTorch peer (%s); "
                        + "a rate is the steps' images over their wall time; medians over rounds%n%n",
                warmup,
                rounds,
                steps,
                String.join(", ", paths),
                options.containsKey("peer") ? option("peer", "") : "not given: peer=<run.sh>");
        double peak = matmulGflops(2048, 10);
        for (String id : models) {
            ModelArchitecture model = ModelArchitecture.byId(id).orElseThrow();
            benchmark(model, library, paths, batches, batchSize, warmup, rounds, steps, peak);
        }
        System.out.printf("float32 matrix product 2048^3 (ND4J mmul): %.1f GFLOP/s (median of 10)%n", peak);
        if (evalImages > 0) {
            evaluation(catalog, path, library, models.get(0), batchSize, evalImages, normalization);
        }
    }

    /** One model: its paths and the peer, round after round, then pre-staged steps and the profile on the first. */
    private void benchmark(
            ModelArchitecture model,
            OneDnnLibrary library,
            List<String> paths,
            Minibatches batches,
            int batchSize,
            int warmup,
            int rounds,
            int steps,
            double peak)
            throws Exception {
        ModelSummary summary = ModelSummary.of(model, 1);
        double flopsPerImage = 3 * forwardFlops(summary);
        System.out.printf(
                "model: %s, %,d parameters, %.1f MFLOP per image per training step (3 x forward), "
                        + "batch %d, Nesterov SGD, weight decay 5e-4%n",
                model.id(), summary.totalParameters(), flopsPerImage / 1e6, batchSize);
        List<PathUnderTest> contenders = new ArrayList<>();
        for (String name : paths) {
            Network network = model.create(1, new Nesterovs(0.01, 0.9), 5e-4, false, 10);
            ConvolutionPath path = new ConvolutionPath(
                    name.equals("onednn") ? library : OneDnnLibrary.unavailable("DL4J's own path, for comparison"));
            InstalledConvolutions installed = path.install(network.model(), ModelArchitecture.INPUT);
            System.out.printf("  path %s: %s%n", name, installed.coverage());
            contenders.add(new PathUnderTest(name, network, installed, new PipelineRun(batches, contenders.size())));
        }
        for (PathUnderTest contender : contenders) {
            contender.pipeline().steps(contender, warmup);
        }
        Optional<PeerBench> peerBench = PeerBench.from(options).filter(peer -> model == ModelArchitecture.SEEDNET);
        boolean withPeer = peerBench.isPresent();
        double[][] msPerStep = new double[contenders.size() + 1][rounds];
        double[][] waitShare = new double[contenders.size()][rounds];
        for (int round = 0; round < rounds; round++) {
            StringBuilder line = new StringBuilder("  round " + (round + 1) + ":");
            for (int c = 0; c < contenders.size(); c++) {
                PathUnderTest contender = contenders.get(c);
                double[] timed = contender.pipeline().steps(contender, steps);
                msPerStep[c][round] = timed[0];
                waitShare[c][round] = timed[1];
                line.append(String.format(
                        " %s %.1f ms/step (%.0f images/s, waiting for data %.1f%%);",
                        contender.name(), timed[0], batchSize * 1000 / timed[0], timed[1]));
            }
            if (withPeer) {
                msPerStep[contenders.size()][round] = peerBench.orElseThrow().msPerStep(Math.max(steps, 100));
                double peer = msPerStep[contenders.size()][round];
                line.append(String.format(
                        " peer %.1f ms/step (%.0f images/s); %s/peer %.2fx",
                        peer, batchSize * 1000 / peer, contenders.get(0).name(), peer / msPerStep[0][round]));
            }
            System.out.println(line);
        }
        System.out.printf("  medians over %d rounds, with the data pipeline:%n", rounds);
        for (int c = 0; c < contenders.size(); c++) {
            double median = median(msPerStep[c]);
            System.out.printf(
                    "    %-8s %.1f ms/step = %.0f images/s (rounds %.0f .. %.0f), %.1f GFLOP/s = %.0f%% of "
                            + "the matrix product, waiting for data %.1f%%%n",
                    contenders.get(c).name(),
                    median,
                    batchSize * 1000 / median,
                    batchSize * 1000 / max(msPerStep[c]),
                    batchSize * 1000 / min(msPerStep[c]),
                    batchSize * 1000 / median * flopsPerImage / 1e9,
                    100 * batchSize * 1000 / median * flopsPerImage / 1e9 / peak,
                    median(waitShare[c]));
        }
        if (withPeer) {
            double[] ratios = new double[rounds];
            for (int round = 0; round < rounds; round++) {
                ratios[round] = msPerStep[contenders.size()][round] / msPerStep[0][round];
            }
            double peer = median(msPerStep[contenders.size()]);
            System.out.printf(
                    "    %-8s %.1f ms/step = %.0f images/s (pre-staged batches, its own medians per round)%n",
                    "peer", peer, batchSize * 1000 / peer);
            System.out.printf(
                    "    %s / peer in images/s, per round: %s; median %.2fx%n",
                    contenders.get(0).name(),
                    Arrays.toString(Arrays.stream(ratios)
                            .map(r -> Math.round(r * 100) / 100.0)
                            .toArray()),
                    median(ratios));
        }
        PathUnderTest first = contenders.get(0);
        double[] staged = stagedSteps(first, batches, warmup, rounds, steps);
        System.out.printf(
                "  %s on pre-staged batches: ms/step min %.1f median %.1f max %.1f -> %.0f images/s%n",
                first.name(), min(staged), median(staged), max(staged), batchSize * 1000 / median(staged));
        if (Boolean.parseBoolean(option("profile", "false"))) {
            profile(first, batches, steps);
        }
        for (PathUnderTest contender : contenders) {
            if (!contender.installed().implementations().isEmpty()) {
                System.out.printf(
                        "  oneDNN implementations (%s): %s%n",
                        contender.name(), contender.installed().implementations());
            }
            contender.pipeline().close();
            contender.installed().close();
        }
        System.out.println();
    }

    /** One evaluation pass over {@code evalImages} held-out images on the first model's path, three times. */
    private void evaluation(
            DatasetCatalog catalog,
            String path,
            OneDnnLibrary library,
            String modelId,
            int batchSize,
            int evalImages,
            Normalization normalization)
            throws InterruptedException, IOException {
        LabeledImages evaluated = catalog.load(new DatasetChoice.ImageFolder(path, null, evalImages, null, 0))
                .train();
        ModelArchitecture model = ModelArchitecture.byId(modelId).orElseThrow();
        Network network = model.create(1, new Nesterovs(0.01, 0.9), 5e-4, false, 10);
        int evalBatch = number("evalBatch", batchSize);
        double[] seconds = new double[3];
        try (InstalledConvolutions installed =
                new ConvolutionPath(library).install(network.model(), ModelArchitecture.INPUT)) {
            for (int i = 0; i < seconds.length; i++) {
                long start = System.nanoTime();
                Trainer.evaluate(network, evaluated, evalBatch, normalization);
                seconds[i] = (System.nanoTime() - start) / 1e9;
            }
            System.out.printf(
                    "evaluation pass over %,d images (%s, batch %d, path %s): median %.2f s of 3 "
                            + "(%.0f images/s)%n",
                    evaluated.count(),
                    model.id(),
                    evalBatch,
                    installed.coverage().path(),
                    median(seconds),
                    evaluated.count() / median(seconds));
        }
    }

    /** A network on one convolution path, with its own data pipeline. */
    private record PathUnderTest(String name, Network network, InstalledConvolutions installed, PipelineRun pipeline) {}

    /** The trainer's loop: batches assembled on the prefetch thread, the wait for each timed apart. */
    private static final class PipelineRun implements AutoCloseable {
        private final Minibatches batches;
        private final long seed;
        private int epoch;
        private PrefetchingIterator<DataSet> prefetched;

        PipelineRun(Minibatches batches, long seed) {
            this.batches = batches;
            this.seed = seed;
            this.prefetched = new PrefetchingIterator<>(batches.shuffled(seed, epoch, 0), 4, "trainyard-batches");
        }

        /** Trains {@code count} steps; milliseconds per step and the percentage of wall time spent waiting. */
        double[] steps(PathUnderTest contender, int count) {
            long waited = 0;
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                long waitStart = System.nanoTime();
                if (!prefetched.hasNext()) {
                    prefetched.close();
                    prefetched = new PrefetchingIterator<>(batches.shuffled(seed, ++epoch, 0), 4, "trainyard-batches");
                }
                DataSet batch = prefetched.next();
                waited += System.nanoTime() - waitStart;
                contender.installed().step(() -> contender.network().fit(batch));
                batch.getFeatures().close();
                batch.getLabels().close();
            }
            long elapsed = System.nanoTime() - start;
            return new double[] {elapsed / 1e6 / count, 100.0 * waited / elapsed};
        }

        @Override
        public void close() {
            prefetched.close();
        }
    }

    /** Fits batches assembled before the clock starts, cycling through 16 of them; ms/step per run. */
    private static double[] stagedSteps(PathUnderTest contender, Minibatches batches, int warmup, int runs, int steps) {
        List<DataSet> staged = new ArrayList<>();
        Iterator<DataSet> source = batches.shuffled(2, 0, 0);
        while (staged.size() < 16 && source.hasNext()) {
            staged.add(source.next());
        }
        double[] msPerStep = new double[runs];
        int next = 0;
        for (int run = -1; run < runs; run++) {
            int count = run < 0 ? warmup : steps;
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                DataSet batch = staged.get(next++ % staged.size());
                contender.installed().step(() -> contender.network().fit(batch));
            }
            if (run >= 0) {
                msPerStep[run] = (System.nanoTime() - start) / 1e6 / count;
            }
        }
        return msPerStep;
    }

    /** ND4J's per-op time table over {@code steps} pre-staged steps (profiling slows the steps themselves). */
    private static void profile(PathUnderTest contender, Minibatches batches, int steps) {
        Iterator<DataSet> source = batches.shuffled(3, 0, 0);
        DataSet batch = source.next();
        OpProfiler.getInstance().reset();
        Nd4j.getExecutioner().setProfilingMode(OpExecutioner.ProfilingMode.OPERATIONS);
        for (int i = 0; i < steps; i++) {
            contender.installed().step(() -> contender.network().fit(batch));
        }
        Nd4j.getExecutioner().setProfilingMode(OpExecutioner.ProfilingMode.DISABLED);
        System.out.printf("per-op profile over %d steps (ND4J OpProfiler):%n", steps);
        OpProfiler.getInstance().printOutDashboard();
    }

    /** Median GFLOP/s of {@code n x n} float32 matrix products, after 3 warm-up products. */
    private static double matmulGflops(int n, int repeats) {
        INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray c = Nd4j.create(DataType.FLOAT, n, n);
        for (int i = 0; i < 3; i++) {
            a.mmuli(b, c);
        }
        double[] gflops = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long start = System.nanoTime();
            a.mmuli(b, c);
            gflops[i] = 2.0 * n * n * n / (System.nanoTime() - start);
        }
        Arrays.sort(gflops);
        return gflops[repeats / 2];
    }

    /**
     * Multiply-adds of one image's forward pass, counted twice (multiply and add): for a convolution, its weights
     * times its output positions; for a dense layer, its weights.
     */
    static double forwardFlops(ModelSummary summary) {
        double flops = 0;
        for (ModelSummary.LayerRow row : summary.layers()) {
            List<Long> out = row.outputShape();
            if (row.type().equals("Conv2D")) {
                long channels = out.get(1);
                long inputs = row.inputShape().get(1);
                // a bias adds one parameter per output channel to inputs x channels x kernel area weights
                long weights = (row.parameters() - channels) % (inputs * channels) == 0
                        ? row.parameters() - channels
                        : row.parameters();
                flops += 2.0 * weights * out.get(2) * out.get(3);
            } else if (row.type().equals("Linear")) {
                flops += 2.0 * (row.parameters() - out.get(1));
            }
        }
        return flops;
    }

    private static void environment(Dl4jRuntime runtime, OneDnnLibrary library) throws IOException {
        var nativeOps = NativeOpsHolder.getInstance().getDeviceNativeOps();
        String flags;
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            flags = lines.filter(line -> line.startsWith("flags")).findFirst().orElse("");
        }
        List<String> simd = Stream.of("avx2", "fma", "avx512f", "avx512bw", "avx512_bf16", "avx512_vnni")
                .filter(flag -> flags.matches(".*\\b" + flag + "\\b.*"))
                .toList();
        System.out.printf("machine: %s; CPU SIMD %s%n", runtime.deviceName(), simd);
        System.out.printf(
                "ND4J: backend %s, %s; OpenMP threads %d, GOMP_SPINCOUNT %s; Java %s, %s%n",
                runtime.backend(),
                nativeOps.buildInfo().replace('\n', ' ').strip(),
                nativeOps.ompGetMaxThreads(),
                runtime.openMpSpinCount(),
                System.getProperty("java.version"),
                System.getProperty("java.vm.name"));
        System.out.printf(
                "DL4J's oneDNN layer helpers: %s; trainyard's oneDNN path: %s; OpenBLAS threads %d%n",
                runtime.oneDnnHelpersActive() ? "in use" : "not in use",
                library.available()
                        ? "oneDNN " + library.version().orElseThrow()
                        : library.unavailableReason().orElseThrow(),
                runtime.blasThreads());
    }

    /** 10 classes of 600 random 32x32 JPEGs, for a run without real data. */
    private static Path generatedImages() throws IOException {
        Path dataDir = Files.createTempDirectory("trainyard-bench");
        Random random = new Random(7);
        for (int c = 0; c < 10; c++) {
            Path folder = Files.createDirectories(dataDir.resolve("datasets/generated/class" + c));
            for (int i = 0; i < 600; i++) {
                BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < 32; y++) {
                    for (int x = 0; x < 32; x++) {
                        image.setRGB(x, y, random.nextInt(1 << 24));
                    }
                }
                ImageIO.write(
                        image,
                        "jpg",
                        folder.resolve(String.format("%04d.jpg", i)).toFile());
            }
        }
        return dataDir;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double min(double[] values) {
        return Arrays.stream(values).min().orElse(Double.NaN);
    }

    private static double max(double[] values) {
        return Arrays.stream(values).max().orElse(Double.NaN);
    }
}
