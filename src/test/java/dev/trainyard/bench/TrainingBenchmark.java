package dev.trainyard.bench;

import dev.trainyard.data.AugmentSpec;
import dev.trainyard.data.Cifar10Properties;
import dev.trainyard.data.DatasetCatalog;
import dev.trainyard.data.DatasetSpec;
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
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
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
 *   <li>{@code model=seednet}, {@code batch=64}, {@code runs=5}, {@code steps=100} (timed steps per run),
 *       {@code warmup=20}, {@code evalImages=10000}, {@code helpers=true} (oneDNN layer helpers; DL4J reads the
 *       switch once per layer, so compare settings in separate runs), {@code profile=true} (ND4J's per-op time
 *       table over {@code steps} extra steps)</li>
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
        Dl4jRuntime runtime = new Dl4jRuntime(new TrainingProperties(Boolean.parseBoolean(option("helpers", "true")),
                4));
        ModelArchitecture model = ModelArchitecture.byId(option("model", "seednet")).orElseThrow();
        int batchSize = number("batch", 64);
        int runs = number("runs", 5);
        int steps = number("steps", 100);
        int warmup = number("warmup", 20);
        int evalImages = number("evalImages", 10_000);

        Path dataDir = options.containsKey("data") ? Path.of(option("data", "")) : generatedImages();
        String path = option("path", options.containsKey("data") ? "cifar10-jpg/train" : "generated");
        DatasetCatalog catalog = new DatasetCatalog(new DataDirectory(new TrainyardProperties(dataDir)),
                new Cifar10Properties(URI.create("http://127.0.0.1:9/unused"), "0".repeat(64), Duration.ofSeconds(1)),
                new DecodedCacheProperties(4), new ImageDecoder(new ImageProperties(25_000_000)));
        long loadStart = System.nanoTime();
        TrainTestSplit data = catalog.load(new DatasetSpec(DatasetSpec.IMAGE_FOLDER, path, null, null, null, null));
        double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
        LabeledImages images = data.train();
        Normalization normalization = Normalization.of(images);
        Minibatches batches = new Minibatches(images, batchSize, normalization, new AugmentSpec(4, true, true));

        ModelSummary summary = ModelSummary.of(model, 1);
        double trainingFlopsPerImage = 3 * forwardFlops(summary);
        System.out.printf("trainyard training benchmark, %s%n", LocalDate.now());
        environment(runtime);
        System.out.printf("data: %,d images from %s (loaded in %.1f s; a second run reads the decoded cache)%n",
                images.count(), dataDir.resolve("datasets").resolve(path), loadSeconds);
        System.out.printf("model: %s, %,d parameters, %.1f MFLOP per image per training step (3 x forward), "
                + "batch %d, Nesterov SGD, weight decay 5e-4%n", model.id(), summary.totalParameters(),
                trainingFlopsPerImage / 1e6, batchSize);
        System.out.printf("method: %d warm-up steps, then %d runs of %d timed steps; min / median / max over runs%n%n",
                warmup, runs, steps);

        Network network = model.create(1, new Nesterovs(0.01, 0.9), 5e-4, false, images.classes().size());
        Timing pipeline = pipelineSteps(network, batches, warmup, runs, steps);
        Timing staged = stagedSteps(network, batches, warmup, runs, steps);
        if (Boolean.parseBoolean(option("profile", "false"))) {
            profile(network, batches, steps);
        }
        double peak = matmulGflops(2048, 10);

        report("steps with the data pipeline", pipeline, batchSize, trainingFlopsPerImage, peak);
        System.out.printf("  trainer waiting for data: median %.2f%% of step time (min %.2f%%, max %.2f%%)%n",
                pipeline.median(pipeline.waitShare), pipeline.min(pipeline.waitShare), pipeline.max(pipeline.waitShare));
        report("steps on pre-staged batches", staged, batchSize, trainingFlopsPerImage, peak);

        LabeledImages evaluated = catalog.load(new DatasetSpec(DatasetSpec.IMAGE_FOLDER, path, null, evalImages, null,
                null)).train();
        int evalCount = evaluated.count();
        int evalBatch = number("evalBatch", batchSize);
        double[] evalSeconds = new double[3];
        for (int i = 0; i < evalSeconds.length; i++) {
            long start = System.nanoTime();
            Trainer.evaluate(network, evaluated, evalBatch, normalization);
            evalSeconds[i] = (System.nanoTime() - start) / 1e9;
        }
        Arrays.sort(evalSeconds);
        double trainingShare = evalCount / (batchSize * 1000 / pipeline.median(pipeline.msPerStep));
        System.out.printf("evaluation pass over %,d images (batch %d): median %.2f s of 3 (%.0f images/s); training the same "
                        + "images takes %.2f s: evaluation is %.1fx faster%n", evalCount, evalBatch, evalSeconds[1],
                evalCount / evalSeconds[1], trainingShare, trainingShare / evalSeconds[1]);
        System.out.printf("float32 matrix product 2048^3 (ND4J mmul): %.1f GFLOP/s (median of 10)%n", peak);
    }

    /** Runs the trainer's loop: batches assembled on the prefetch thread, the wait for each timed apart. */
    private static Timing pipelineSteps(Network network, Minibatches batches, int warmup, int runs, int steps) {
        Timing timing = new Timing(runs);
        int epoch = 0;
        Iterator<DataSet> source = batches.shuffled(1, epoch, 0);
        PrefetchingIterator<DataSet> prefetched = new PrefetchingIterator<>(source, 4, "trainyard-batches");
        try {
            for (int run = -1; run < runs; run++) {
                int count = run < 0 ? warmup : steps;
                long waited = 0;
                long start = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    long waitStart = System.nanoTime();
                    if (!prefetched.hasNext()) {
                        prefetched.close();
                        prefetched = new PrefetchingIterator<>(batches.shuffled(1, ++epoch, 0), 4, "trainyard-batches");
                    }
                    DataSet batch = prefetched.next();
                    waited += System.nanoTime() - waitStart;
                    network.fit(batch);
                }
                if (run >= 0) {
                    long elapsed = System.nanoTime() - start;
                    timing.msPerStep[run] = elapsed / 1e6 / count;
                    timing.waitShare[run] = 100.0 * waited / elapsed;
                }
            }
        } finally {
            prefetched.close();
        }
        return timing;
    }

    /** Fits batches assembled before the clock starts, cycling through 16 of them. */
    private static Timing stagedSteps(Network network, Minibatches batches, int warmup, int runs, int steps) {
        List<DataSet> staged = new ArrayList<>();
        Iterator<DataSet> source = batches.shuffled(2, 0, 0);
        while (staged.size() < 16 && source.hasNext()) {
            staged.add(source.next());
        }
        Timing timing = new Timing(runs);
        int next = 0;
        for (int run = -1; run < runs; run++) {
            int count = run < 0 ? warmup : steps;
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                network.fit(staged.get(next++ % staged.size()));
            }
            if (run >= 0) {
                timing.msPerStep[run] = (System.nanoTime() - start) / 1e6 / count;
            }
        }
        return timing;
    }

    /** ND4J's per-op time table over {@code steps} pre-staged steps (profiling slows the steps themselves). */
    private static void profile(Network network, Minibatches batches, int steps) {
        Iterator<DataSet> source = batches.shuffled(3, 0, 0);
        DataSet batch = source.next();
        OpProfiler.getInstance().reset();
        Nd4j.getExecutioner().setProfilingMode(OpExecutioner.ProfilingMode.OPERATIONS);
        for (int i = 0; i < steps; i++) {
            network.fit(batch);
        }
        Nd4j.getExecutioner().setProfilingMode(OpExecutioner.ProfilingMode.DISABLED);
        System.out.printf("per-op profile over %d steps (ND4J OpProfiler):%n", steps);
        OpProfiler.getInstance().printOutDashboard();
    }

    private static void report(String what, Timing timing, int batchSize, double flopsPerImage, double peak) {
        double median = timing.median(timing.msPerStep);
        double imagesPerSecond = batchSize * 1000 / median;
        System.out.printf("%s: ms/step min %.1f median %.1f max %.1f -> median %.0f images/s (%.0f .. %.0f); "
                        + "%.1f GFLOP/s = %.0f%% of the matrix product%n", what, timing.min(timing.msPerStep),
                median, timing.max(timing.msPerStep), imagesPerSecond,
                batchSize * 1000 / timing.max(timing.msPerStep), batchSize * 1000 / timing.min(timing.msPerStep),
                imagesPerSecond * flopsPerImage / 1e9, 100 * imagesPerSecond * flopsPerImage / 1e9 / peak);
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
                        ? row.parameters() - channels : row.parameters();
                flops += 2.0 * weights * out.get(2) * out.get(3);
            } else if (row.type().equals("Linear")) {
                flops += 2.0 * (row.parameters() - out.get(1));
            }
        }
        return flops;
    }

    private static void environment(Dl4jRuntime runtime) throws IOException {
        var nativeOps = NativeOpsHolder.getInstance().getDeviceNativeOps();
        String flags;
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            flags = lines.filter(line -> line.startsWith("flags")).findFirst().orElse("");
        }
        List<String> simd = Stream.of("avx2", "fma", "avx512f", "avx512bw", "avx512_bf16", "avx512_vnni")
                .filter(flag -> flags.matches(".*\\b" + flag + "\\b.*")).toList();
        System.out.printf("machine: %s; CPU SIMD %s%n", runtime.deviceName(), simd);
        System.out.printf("ND4J: backend %s, %s; OpenMP threads %d, GOMP_SPINCOUNT %s; Java %s, %s%n",
                runtime.backend(), nativeOps.buildInfo().replace('\n', ' ').strip(), nativeOps.ompGetMaxThreads(),
                runtime.openMpSpinCount(),
                System.getProperty("java.version"), System.getProperty("java.vm.name"));
        System.out.printf("oneDNN layer helpers: %s%n", runtime.oneDnnHelpersActive() ? "in use" : "not in use");
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
                ImageIO.write(image, "jpg", folder.resolve(String.format("%04d.jpg", i)).toFile());
            }
        }
        return dataDir;
    }

    /** Per timed run: milliseconds per step and the share of it spent waiting for a batch. */
    private record Timing(double[] msPerStep, double[] waitShare) {

        Timing(int runs) {
            this(new double[runs], new double[runs]);
        }

        double median(double[] values) {
            double[] sorted = values.clone();
            Arrays.sort(sorted);
            return sorted[sorted.length / 2];
        }

        double min(double[] values) {
            return Arrays.stream(values).min().orElse(Double.NaN);
        }

        double max(double[] values) {
            return Arrays.stream(values).max().orElse(Double.NaN);
        }
    }
}
