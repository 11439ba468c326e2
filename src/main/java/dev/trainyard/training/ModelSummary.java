package dev.trainyard.training;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * A network's layers with input and output shapes and parameter counts, in the style of Paddle's
 * {@code Model.summary}: flatten steps that DL4J does implicitly (between conv and dense layers) are shown as rows.
 *
 * @param layers          the rows, in order
 * @param totalParameters all parameters
 */
public record ModelSummary(String model, int batchSize, List<LayerRow> layers, long totalParameters,
                           long trainableParameters) {

    /**
     * One row of the summary.
     *
     * @param name        type and 1-based index among layers of that type, e.g. {@code Conv2D-1}
     * @param inputShape  with the batch dimension first
     * @param parameters  weights and biases of the layer
     */
    public record LayerRow(String name, String type, List<Long> inputShape, List<Long> outputShape,
                           long parameters) {
    }

    public static ModelSummary of(ModelArchitecture model, int batchSize) {
        MultiLayerConfiguration configuration = model.configuration(0, new Sgd(0.1), 0, true, 10);
        MultiLayerNetwork network = new MultiLayerNetwork(configuration);
        network.init();
        List<InputType> outputs = configuration.getLayerActivationTypes(ModelArchitecture.INPUT);
        List<LayerRow> rows = new ArrayList<>();
        java.util.Map<String, Integer> counts = new java.util.HashMap<>();
        InputType input = ModelArchitecture.INPUT;
        for (int i = 0; i < outputs.size(); i++) {
            InputPreProcessor preProcessor = configuration.getInputPreProcess(i);
            if (preProcessor instanceof CnnToFeedForwardPreProcessor) {
                InputType flat = preProcessor.getOutputType(input);
                rows.add(row("Flatten", counts, input, flat, batchSize, 0));
                input = flat;
            }
            Layer layer = configuration.getConf(i).getLayer();
            rows.add(row(typeName(layer), counts, input, outputs.get(i), batchSize, network.getLayer(i).numParams()));
            input = outputs.get(i);
        }
        long total = network.numParams();
        return new ModelSummary(model.id(), batchSize, List.copyOf(rows), total, total);
    }

    private static LayerRow row(String type, java.util.Map<String, Integer> counts, InputType input,
                                InputType output, int batchSize, long parameters) {
        int index = counts.merge(type, 1, Integer::sum);
        return new LayerRow(type + "-" + index, type, shape(input, batchSize), shape(output, batchSize), parameters);
    }

    private static String typeName(Layer layer) {
        if (layer instanceof ConvolutionLayer) {
            return "Conv2D";
        }
        if (layer instanceof SubsamplingLayer) {
            return "MaxPool2D";
        }
        if (layer instanceof DenseLayer || layer instanceof OutputLayer) {
            return "Linear";
        }
        return layer.getClass().getSimpleName();
    }

    private static List<Long> shape(InputType type, int batchSize) {
        long[] shape = type.getShape(true);
        List<Long> dims = new ArrayList<>();
        dims.add((long) batchSize);
        for (int i = 1; i < shape.length; i++) {
            dims.add(shape[i]);
        }
        return List.copyOf(dims);
    }

    /** The summary as a fixed-width table, like Paddle prints it. */
    public String toTable() {
        String format = "%-14s %-22s %-22s %,12d%n";
        StringBuilder table = new StringBuilder();
        String rule = "-".repeat(73) + "\n";
        table.append(rule).append(String.format("%-14s %-22s %-22s %12s%n", "Layer (type)", "Input Shape",
                "Output Shape", "Param #")).append("=".repeat(73)).append('\n');
        for (LayerRow row : layers) {
            table.append(String.format(format, row.name(), row.inputShape(), row.outputShape(), row.parameters()));
        }
        table.append("=".repeat(73)).append('\n')
                .append(String.format("Total params: %,d%n", totalParameters))
                .append(String.format("Trainable params: %,d%n", trainableParameters))
                .append(String.format("Non-trainable params: %,d%n", totalParameters - trainableParameters))
                .append(rule);
        return table.toString();
    }
}
