package dev.trainyard.bench;

import dev.trainyard.training.Dl4jRuntime;
import dev.trainyard.training.ModelArchitecture;
import dev.trainyard.training.Network;
import dev.trainyard.training.TrainingProperties;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;

/**
 * Times training steps of one model on random pre-staged data, with DL4J's layer helpers on or off.
 * Run one process per setting, since DL4J reads the helper switch once per layer:
 * {@code java -cp target/classes:target/test-classes:$(cat target/test-classpath.txt)
 * dev.trainyard.bench.StepBenchmark [helpers=true|false] [steps per run=50] [model=seednet] [batch=64]}
 */
public final class StepBenchmark {

    private StepBenchmark() {
    }

    public static void main(String[] args) {
        boolean helpers = args.length == 0 || Boolean.parseBoolean(args[0]);
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        ModelArchitecture model = ModelArchitecture.byId(args.length > 2 ? args[2] : "seednet").orElseThrow();
        int batchSize = args.length > 3 ? Integer.parseInt(args[3]) : 64;
        Dl4jRuntime runtime = new Dl4jRuntime(new TrainingProperties(helpers, 4));
        Network network = model.create(1, new Nesterovs(0.01, 0.9), 5e-4, false, 10);
        DataSet batch = new DataSet(Nd4j.rand(DataType.FLOAT, batchSize, 3, 32, 32), oneHotLabels(batchSize));
        for (int i = 0; i < 20; i++) {
            network.fit(batch);
        }
        int runs = 5;
        double[] msPerStep = new double[runs];
        for (int run = 0; run < runs; run++) {
            long start = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                network.fit(batch);
            }
            msPerStep[run] = (System.nanoTime() - start) / 1e6 / steps;
        }
        Arrays.sort(msPerStep);
        System.out.printf("%s batch %d, helpers %s (oneDNN active: %s): ms/step min %.1f median %.1f max %.1f"
                        + " -> %.0f images/s (median of %d runs x %d steps)%n", model.id(), batchSize, helpers,
                runtime.oneDnnHelpersActive(), msPerStep[0], msPerStep[runs / 2], msPerStep[runs - 1],
                batchSize * 1000 / msPerStep[runs / 2], runs, steps);
    }

    /** Classes 0..9 repeated over the batch, one-hot. */
    private static org.nd4j.linalg.api.ndarray.INDArray oneHotLabels(int batchSize) {
        float[] labels = new float[batchSize * 10];
        for (int i = 0; i < batchSize; i++) {
            labels[i * 10 + i % 10] = 1f;
        }
        return Nd4j.create(labels, new long[] {batchSize, 10}, DataType.FLOAT);
    }
}
