package dev.trainyard.portable;

import java.io.DataInputStream;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A user's own DL4J program, run by {@link DownloadedModelTest} in a JVM whose class path holds DL4J and nothing of
 * trainyard: restores a downloaded model with its updater and prints its class probabilities for one input, one per
 * line. Arguments: the model zip, {@code network} or {@code graph}, and a file of 3x32x32 big-endian floats.
 * It must use nothing but DL4J, ND4J and the JDK.
 */
public final class PlainDl4jModel {

    private PlainDl4jModel() {}

    public static void main(String[] args) throws Exception {
        File model = new File(args[0]);
        float[] pixels = new float[3 * 32 * 32];
        try (DataInputStream in = new DataInputStream(Files.newInputStream(Path.of(args[2])))) {
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = in.readFloat();
            }
        }
        INDArray input = Nd4j.create(pixels, new long[] {1, 3, 32, 32}, DataType.FLOAT);
        INDArray output;
        if (args[1].equals("graph")) {
            ComputationGraph graph = ModelSerializer.restoreComputationGraph(model, true);
            output = graph.outputSingle(false, input);
        } else {
            MultiLayerNetwork network = ModelSerializer.restoreMultiLayerNetwork(model, true);
            output = network.output(input, false);
        }
        for (float probability : output.data().asFloat()) {
            System.out.println("p=" + probability);
        }
    }
}
