package dev.trainyard.training;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.trainyard.schedule.LearningRateSchedule;
import java.io.File;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The networks a job can train, for 32x32 RGB images in NCHW layout. */
public enum ModelArchitecture {

    /** The seed tutorial's network: four 3x3 convolutions, then 1024 -> 64 -> 10; 159,498 parameters. */
    SEEDNET("seednet", "The seed tutorial's CNN: 4 conv layers (3x3), dense 1024->64->10, ReLU; 159,498 parameters") {
        @Override
        Network build(NeuralNetConfiguration.Builder base, int classes) {
            return layerStack(base.list()
                    .layer(conv(3, 32, 1, 1))
                    .layer(conv(32, 64, 2, 0))
                    .layer(conv(64, 64, 2, 0))
                    .layer(conv(64, 64, 2, 1))
                    .layer(new DenseLayer.Builder()
                            .nOut(64)
                            .activation(Activation.RELU)
                            .build())
                    .layer(output(classes)));
        }

        private ConvolutionLayer conv(int in, int out, int stride, int padding) {
            return new ConvolutionLayer.Builder(3, 3)
                    .nIn(in)
                    .nOut(out)
                    .stride(stride, stride)
                    .padding(padding, padding)
                    .activation(Activation.RELU)
                    .build();
        }
    },

    /** LeCun's LeNet-5 adapted to 32x32x3 input, with ReLU and max pooling. */
    LENET5("lenet5", "LeNet-5 for 32x32x3: conv 5x5 (6), max-pool, conv 5x5 (16), max-pool, dense 120->84->10") {
        @Override
        Network build(NeuralNetConfiguration.Builder base, int classes) {
            return layerStack(base.list()
                    .layer(new ConvolutionLayer.Builder(5, 5)
                            .nIn(3)
                            .nOut(6)
                            .activation(Activation.RELU)
                            .build())
                    .layer(maxPool())
                    .layer(new ConvolutionLayer.Builder(5, 5)
                            .nOut(16)
                            .activation(Activation.RELU)
                            .build())
                    .layer(maxPool())
                    .layer(new DenseLayer.Builder()
                            .nOut(120)
                            .activation(Activation.RELU)
                            .build())
                    .layer(new DenseLayer.Builder()
                            .nOut(84)
                            .activation(Activation.RELU)
                            .build())
                    .layer(output(classes)));
        }

        private SubsamplingLayer maxPool() {
            return new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                    .kernelSize(2, 2)
                    .stride(2, 2)
                    .build();
        }
    },

    /**
     * He et al.'s ResNet-20 for CIFAR: a 3x3 stem, three stages of three residual blocks (16, 32, 64 channels;
     * the second and third stages halve the resolution), global average pooling and one dense layer. Where a
     * block changes shape its shortcut is a 1x1 convolution with batch norm (the paper's option B).
     */
    RESNET20(
            "resnet20",
            "ResNet-20 for CIFAR: 3x3 stem, 3 stages x 3 residual blocks (16/32/64 channels, batch norm),"
                    + " global average pool, dense 64->10; 1x1 projection shortcuts") {
        @Override
        Network build(NeuralNetConfiguration.Builder base, int classes) {
            ComputationGraphConfiguration.GraphBuilder graph =
                    base.graphBuilder().addInputs("input");
            String x = convBnRelu(graph, "stem", "input", 16, 1);
            int channels = 16;
            for (int stage = 1; stage <= 3; stage++) {
                for (int block = 1; block <= 3; block++) {
                    int stride = stage > 1 && block == 1 ? 2 : 1;
                    x = residualBlock(graph, "stage" + stage + ".block" + block, x, channels, stride);
                }
                channels *= 2;
            }
            graph.addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), x)
                    .addLayer("output", output(classes), "pool")
                    .setOutputs("output")
                    .setInputTypes(INPUT);
            ComputationGraph network = new ComputationGraph(graph.build());
            network.init();
            return new Network.Graph(network);
        }

        @Override
        public Network restore(File file, boolean withUpdater) throws IOException {
            return Network.Graph.restore(file, withUpdater);
        }

        private String residualBlock(
                ComputationGraphConfiguration.GraphBuilder graph, String name, String input, int channels, int stride) {
            String first = convBnRelu(graph, name + ".1", input, channels, stride);
            String second = convBn(graph, name + ".2", first, channels, 3, 1);
            String shortcut = stride == 1 ? input : convBn(graph, name + ".shortcut", input, channels, 1, stride);
            graph.addVertex(name + ".add", new ElementWiseVertex(ElementWiseVertex.Op.Add), second, shortcut)
                    .addLayer(name + ".relu", new ActivationLayer(Activation.RELU), name + ".add");
            return name + ".relu";
        }

        private String convBnRelu(
                ComputationGraphConfiguration.GraphBuilder graph, String name, String input, int channels, int stride) {
            graph.addLayer(
                    name + ".relu",
                    new ActivationLayer(Activation.RELU),
                    convBn(graph, name, input, channels, 3, stride));
            return name + ".relu";
        }

        /** A bias-free convolution (batch norm's shift makes a bias redundant) followed by batch norm. */
        private String convBn(
                ComputationGraphConfiguration.GraphBuilder graph,
                String name,
                String input,
                int channels,
                int kernel,
                int stride) {
            int padding = kernel / 2;
            graph.addLayer(
                            name + ".conv",
                            new ConvolutionLayer.Builder(kernel, kernel)
                                    .nOut(channels)
                                    .stride(stride, stride)
                                    .padding(padding, padding)
                                    .hasBias(false)
                                    .activation(Activation.IDENTITY)
                                    .build(),
                            input)
                    .addLayer(name + ".bn", new BatchNormalization.Builder().build(), name + ".conv");
            return name + ".bn";
        }
    };

    /** Input of every architecture: 32x32 RGB, channels first. */
    public static final InputType INPUT = InputType.convolutional(32, 32, 3);

    private final String id;
    private final String description;

    ModelArchitecture(String id, String description) {
        this.id = id;
        this.description = description;
    }

    /** The name a job spec, a model card and the API use. */
    @JsonValue
    public String id() {
        return id;
    }

    @Override
    public String toString() {
        return id;
    }

    public String description() {
        return description;
    }

    public static Optional<ModelArchitecture> byId(String id) {
        return Arrays.stream(values()).filter(model -> model.id.equals(id)).findFirst();
    }

    public static List<String> ids() {
        return Arrays.stream(values()).map(ModelArchitecture::id).toList();
    }

    /** The initialised network on the shared settings (seed, data type, updater, weight init) in {@code base}. */
    abstract Network build(NeuralNetConfiguration.Builder base, int classes);

    /** A network this architecture saved, with its updater state when {@code withUpdater}. */
    public Network restore(File file, boolean withUpdater) throws IOException {
        return Network.LayerStack.restore(file, withUpdater);
    }

    /** A new network trained by {@code optimizer} under {@code schedule}. */
    Network create(long seed, Optimizer optimizer, LearningRateSchedule schedule, int classes) {
        return create(
                seed, optimizer.updater(schedule), optimizer.weightDecay(), optimizer.decoupledWeightDecay(), classes);
    }

    /**
     * A new, initialised network with the given optimizer.
     *
     * @param weightDecay weight decay of weights (not biases)
     * @param decoupled   apply it to the weights directly, scaled by the learning rate (AdamW), instead of adding it
     *                    to the gradient as L2 (SGD, Adam)
     */
    public Network create(long seed, IUpdater updater, double weightDecay, boolean decoupled, int classes) {
        NeuralNetConfiguration.Builder builder = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .updater(updater)
                .weightInit(WeightInit.RELU)
                .convolutionMode(ConvolutionMode.Truncate)
                // Keeps each layer's forward pre-activation for backpropagation, which otherwise runs the forward
                // convolution a second time (conv2d was 8 calls per step for seednet's 4 conv layers).
                .cacheMode(CacheMode.DEVICE);
        if (weightDecay > 0 && decoupled) {
            builder.weightDecay(weightDecay, true);
        } else if (weightDecay > 0) {
            builder.l2(weightDecay);
        }
        return build(builder, classes);
    }

    private static Network layerStack(NeuralNetConfiguration.ListBuilder layers) {
        MultiLayerNetwork network =
                new MultiLayerNetwork(layers.setInputType(INPUT).build());
        network.init();
        return new Network.LayerStack(network);
    }

    static OutputLayer output(int classes) {
        return new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .nOut(classes)
                .activation(Activation.SOFTMAX)
                .weightInit(WeightInit.XAVIER)
                .build();
    }
}
