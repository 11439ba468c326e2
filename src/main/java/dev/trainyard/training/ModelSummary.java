package dev.trainyard.training;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * A network's layers with input and output shapes and parameter counts, in the style of Paddle's
 * {@code Model.summary}: flatten steps that DL4J does implicitly (between conv and dense layers) are shown as rows;
 * a graph's rows are its vertices, named as in the graph.
 *
 * @param layers          the rows, in order
 * @param totalParameters all parameters
 */
public record ModelSummary(
        String model, int batchSize, List<LayerRow> layers, long totalParameters, long trainableParameters) {

    /**
     * One row of the summary.
     *
     * @param name        type and 1-based index among layers of that type, e.g. {@code Conv2D-1}
     * @param inputShape  with the batch dimension first
     * @param parameters  weights and biases of the layer
     */
    public record LayerRow(String name, String type, List<Long> inputShape, List<Long> outputShape, long parameters) {}

    public static ModelSummary of(ModelArchitecture model, int batchSize) {
        Network network = model.create(0, new Sgd(0.1), 0, true, 10);
        List<LayerRow> rows = network instanceof Network.Graph graph
                ? graphRows(graph.graph(), batchSize)
                : stackRows(((Network.LayerStack) network).network(), batchSize);
        long total = network.parameterCount();
        long fixed = Arrays.stream(network.layers())
                .mapToLong(ModelSummary::runningStatistics)
                .sum();
        return new ModelSummary(model.id(), batchSize, List.copyOf(rows), total, total - fixed);
    }

    /** One row per layer, plus the flatten steps DL4J inserts between conv and dense layers. */
    private static List<LayerRow> stackRows(MultiLayerNetwork network, int batchSize) {
        MultiLayerConfiguration configuration = network.getLayerWiseConfigurations();
        List<InputType> outputs = configuration.getLayerActivationTypes(ModelArchitecture.INPUT);
        List<LayerRow> rows = new ArrayList<>();
        Map<String, Integer> counts = new HashMap<>();
        InputType input = ModelArchitecture.INPUT;
        for (int i = 0; i < outputs.size(); i++) {
            InputPreProcessor preProcessor = configuration.getInputPreProcess(i);
            if (preProcessor instanceof CnnToFeedForwardPreProcessor) {
                InputType flat = preProcessor.getOutputType(input);
                String type = "Flatten";
                rows.add(new LayerRow(indexed(type, counts), type, shape(input, batchSize), shape(flat, batchSize), 0));
                input = flat;
            }
            String type = typeName(configuration.getConf(i).getLayer());
            rows.add(new LayerRow(
                    indexed(type, counts),
                    type,
                    shape(input, batchSize),
                    shape(outputs.get(i), batchSize),
                    network.getLayer(i).numParams()));
            input = outputs.get(i);
        }
        return rows;
    }

    /** One row per graph vertex in the order the graph computes them, named as in the graph. */
    private static List<LayerRow> graphRows(ComputationGraph graph, int batchSize) {
        ComputationGraphConfiguration configuration = graph.getConfiguration();
        Map<String, InputType> outputs = configuration.getLayerActivationTypes(ModelArchitecture.INPUT);
        List<LayerRow> rows = new ArrayList<>();
        for (String name : configuration.getTopologicalOrderStr()) {
            if (configuration.getNetworkInputs().contains(name)) {
                continue;
            }
            String firstInput = configuration.getVertexInputs().get(name).get(0);
            InputType input = configuration.getNetworkInputs().contains(firstInput)
                    ? ModelArchitecture.INPUT
                    : outputs.get(firstInput);
            GraphVertex vertex = configuration.getVertices().get(name);
            String type = vertex instanceof LayerVertex layer
                    ? typeName(layer.getLayerConf().getLayer())
                    : vertex instanceof ElementWiseVertex
                            ? "Add"
                            : vertex.getClass().getSimpleName();
            rows.add(new LayerRow(
                    name,
                    type,
                    shape(input, batchSize),
                    shape(outputs.get(name), batchSize),
                    graph.getVertex(name).numParams()));
        }
        return rows;
    }

    /** Batch norm's running mean and variance: parameters to DL4J, but updated by averaging, not trained. */
    private static long runningStatistics(org.deeplearning4j.nn.api.Layer layer) {
        if (!(layer.conf().getLayer() instanceof BatchNormalization)) {
            return 0;
        }
        return layer.paramTable().entrySet().stream()
                .filter(param -> !param.getKey().equals(BatchNormalizationParamInitializer.GAMMA)
                        && !param.getKey().equals(BatchNormalizationParamInitializer.BETA))
                .mapToLong(param -> param.getValue().length())
                .sum();
    }

    private static String indexed(String type, Map<String, Integer> counts) {
        return type + "-" + counts.merge(type, 1, Integer::sum);
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
        if (layer instanceof BatchNormalization) {
            return "BatchNorm2D";
        }
        if (layer instanceof ActivationLayer activation) {
            return activation.getActivationFn().toString();
        }
        if (layer instanceof GlobalPoolingLayer) {
            return "GlobalAvgPool";
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

    /** The summary as a fixed-width table, like Paddle prints it; the name column fits the longest name. */
    public String toTable() {
        int nameWidth =
                layers.stream().mapToInt(row -> row.name().length()).max().orElse(0);
        nameWidth = Math.max(nameWidth, "Layer (type)".length() + 2);
        int width = nameWidth + 59;
        String format = "%-" + nameWidth + "s %-22s %-22s %,12d%n";
        StringBuilder table = new StringBuilder();
        String rule = "-".repeat(width) + "\n";
        table.append(rule)
                .append(String.format(
                        "%-" + nameWidth + "s %-22s %-22s %12s%n",
                        "Layer (type)",
                        "Input Shape",
                        "Output Shape",
                        "Param #"))
                .append("=".repeat(width))
                .append('\n');
        for (LayerRow row : layers) {
            table.append(String.format(format, row.name(), row.inputShape(), row.outputShape(), row.parameters()));
        }
        table.append("=".repeat(width))
                .append('\n')
                .append(String.format("Total params: %,d%n", totalParameters))
                .append(String.format("Trainable params: %,d%n", trainableParameters))
                .append(String.format("Non-trainable params: %,d%n", totalParameters - trainableParameters))
                .append(rule);
        return table.toString();
    }
}
