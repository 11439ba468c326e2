package dev.trainyard.bench;

import dev.trainyard.training.Dl4jRuntime;
import dev.trainyard.training.ModelArchitecture;
import dev.trainyard.training.TrainingProperties;
import java.util.Arrays;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;

/**
 * Times seednet training steps at batch 64 on random pre-staged data, with DL4J's layer helpers on or off.
 * Run one process per setting, since DL4J reads the helper switch once per layer:
 * {@code java -cp target/classes:target/test-classes:$(cat target/test-classpath.txt)
 * dev.trainyard.bench.SeednetStepBenchmark true|false}
 */
public final class SeednetStepBenchmark {

    private SeednetStepBenchmark() {
    }

    public static void main(String[] args) {
        boolean helpers = args.length == 0 || Boolean.parseBoolean(args[0]);
        Dl4jRuntime runtime = new Dl4jRuntime(new TrainingProperties(helpers, 4));
        MultiLayerNetwork network = new MultiLayerNetwork(
                ModelArchitecture.SEEDNET.configuration(1, new Nesterovs(0.01, 0.9), 5e-4, true, 10));
        network.init();
        DataSet batch = new DataSet(Nd4j.rand(DataType.FLOAT, 64, 3, 32, 32),
                oneHotLabels());
        for (int i = 0; i < 20; i++) {
            network.fit(batch);
        }
        int runs = 5;
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        double[] msPerStep = new double[runs];
        for (int run = 0; run < runs; run++) {
            long start = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                network.fit(batch);
            }
            msPerStep[run] = (System.nanoTime() - start) / 1e6 / steps;
        }
        Arrays.sort(msPerStep);
        System.out.printf("seednet batch 64, helpers %s (oneDNN active: %s): ms/step min %.1f median %.1f max %.1f"
                        + " -> %.0f images/s (median of %d runs x %d steps)%n", helpers, runtime.oneDnnHelpersActive(),
                msPerStep[0], msPerStep[runs / 2], msPerStep[runs - 1], 64_000 / msPerStep[runs / 2], runs, steps);
    }

    /** Classes 0..9 repeated over the batch of 64, one-hot. */
    private static org.nd4j.linalg.api.ndarray.INDArray oneHotLabels() {
        float[] labels = new float[64 * 10];
        for (int i = 0; i < 64; i++) {
            labels[i * 10 + i % 10] = 1f;
        }
        return Nd4j.create(labels, new long[] {64, 10}, DataType.FLOAT);
    }
}
