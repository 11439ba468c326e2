package dev.trainyard.training.onednn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The oneDNN path against DL4J's own convolution (im2col and matrix products, no helper), in float32: for random
 * shapes the network output, the loss and every parameter gradient (which through the layers above the first one
 * also checks the input gradients) agree within a relative 1e-4 of each array's largest magnitude.
 */
class GradientCheckTest {

    static final double TOLERANCE = 1e-4;
    static OneDnnLibrary library;

    @BeforeAll
    static void load() {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        library = OneDnnLibrary.load();
        assumeTrue(
                library.available(),
                () -> "oneDNN unavailable: " + library.unavailableReason().orElse(""));
    }

    /** One convolution layer's settings. */
    record Conv(int out, int kernel, int stride, int padding, boolean bias, Activation activation) {
        ConvolutionLayer layer(ConvolutionMode mode) {
            return new ConvolutionLayer.Builder(kernel, kernel)
                    .nOut(out)
                    .stride(stride, stride)
                    .padding(mode == ConvolutionMode.Same ? 0 : padding, mode == ConvolutionMode.Same ? 0 : padding)
                    .hasBias(bias)
                    .activation(activation)
                    .convolutionMode(mode)
                    .build();
        }
    }

    /** A stack of convolutions on an image, optionally with max pooling after the first (a plain NCHW edge). */
    record Case(
            long seed,
            int batch,
            int channels,
            int height,
            int width,
            ConvolutionMode mode,
            boolean pool,
            List<Conv> convs) {
        @Override
        public String toString() {
            return "batch " + batch + ", " + channels + "x" + height + "x" + width + ", " + mode
                    + (pool ? ", pooling after the first" : "") + ", " + convs;
        }
    }

    static Stream<Case> randomCases() {
        Random random = new Random(20261202);
        List<Case> cases = new ArrayList<>();
        Activation[] activations = {Activation.RELU, Activation.IDENTITY, Activation.TANH};
        while (cases.size() < 24) {
            ConvolutionMode mode = random.nextBoolean() ? ConvolutionMode.Truncate : ConvolutionMode.Same;
            int height = 5 + random.nextInt(16);
            int width = 5 + random.nextInt(16);
            int channels = new int[] {1, 3, 8, 16, 32}[random.nextInt(5)];
            boolean pool = random.nextInt(4) == 0;
            List<Conv> convs = new ArrayList<>();
            int h = height;
            int w = width;
            int layers = 1 + random.nextInt(3);
            boolean valid = true;
            for (int i = 0; i < layers && valid; i++) {
                int kernel = new int[] {1, 3, 3, 5}[random.nextInt(4)];
                int stride = 1 + random.nextInt(3);
                int padding = random.nextInt(3);
                Conv conv = new Conv(
                        new int[] {4, 16, 32, 64}[random.nextInt(4)],
                        kernel,
                        stride,
                        padding,
                        random.nextBoolean(),
                        activations[random.nextInt(activations.length)]);
                int oh = mode == ConvolutionMode.Same
                        ? (h + stride - 1) / stride
                        : (h + 2 * padding - kernel) / stride + 1;
                int ow = mode == ConvolutionMode.Same
                        ? (w + stride - 1) / stride
                        : (w + 2 * padding - kernel) / stride + 1;
                if (i == 0 && pool) {
                    oh /= 2;
                    ow /= 2;
                }
                valid = oh >= 1
                        && ow >= 1
                        && (mode == ConvolutionMode.Same || kernel <= h + 2 * padding && kernel <= w + 2 * padding);
                convs.add(conv);
                h = oh;
                w = ow;
            }
            if (valid) {
                cases.add(
                        new Case(random.nextLong(), 1 + random.nextInt(9), channels, height, width, mode, pool, convs));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest
    @MethodSource("randomCases")
    void layerStacksAgreeWithDl4jsOwnConvolution(Case c) {
        MultiLayerNetwork reference = stack(c);
        MultiLayerNetwork candidate = stack(c);
        INDArray features = Nd4j.rand(DataType.FLOAT, c.batch(), c.channels(), c.height(), c.width())
                .subi(0.5);
        INDArray labels = Nd4j.rand(DataType.FLOAT, c.batch(), 5);
        try (InstalledConvolutions path = new ConvolutionPath(library)
                .install(candidate, InputType.convolutional(c.height(), c.width(), c.channels()))) {
            assertThat(path.coverage().onPath()).isEqualTo(c.convs().size());
            assertAgree(reference, candidate, path, features, labels);
        }
    }

    @Test
    void aResidualBlockWithBatchNormAgrees() {
        ComputationGraph reference = residualBlock();
        ComputationGraph candidate = residualBlock();
        INDArray features = Nd4j.rand(DataType.FLOAT, 6, 8, 12, 12).subi(0.5);
        INDArray labels = Nd4j.rand(DataType.FLOAT, 6, 5);
        try (InstalledConvolutions path =
                new ConvolutionPath(library).install(candidate, InputType.convolutional(12, 12, 8))) {
            assertThat(path.coverage().onPath()).isEqualTo(4);
            assertAgree(reference, candidate, path, features, labels);
        }
    }

    @Test
    void consecutiveConvolutionsHandOverTheBlockedLayout() {
        Case c = new Case(
                7,
                4,
                3,
                32,
                32,
                ConvolutionMode.Truncate,
                false,
                List.of(
                        new Conv(32, 3, 1, 1, true, Activation.RELU), new Conv(64, 3, 2, 0, true, Activation.RELU),
                        new Conv(64, 3, 2, 0, true, Activation.RELU), new Conv(64, 3, 2, 1, true, Activation.RELU)));
        MultiLayerNetwork reference = stack(c);
        MultiLayerNetwork candidate = stack(c);
        INDArray features = Nd4j.rand(DataType.FLOAT, 4, 3, 32, 32).subi(0.5);
        INDArray labels = Nd4j.rand(DataType.FLOAT, 4, 5);
        try (InstalledConvolutions path =
                new ConvolutionPath(library).install(candidate, InputType.convolutional(32, 32, 3))) {
            assertThat(path.coverage().blockedLinks()).isEqualTo(3);
            assertAgree(reference, candidate, path, features, labels);
        }
    }

    private static void assertAgree(
            Model reference, Model candidate, InstalledConvolutions path, INDArray features, INDArray labels) {
        withoutHelpers(reference);
        for (int pass = 0; pass < 2; pass++) {
            INDArray expectedOutput = output(reference, features);
            INDArray actualOutput = output(candidate, features);
            assertClose("output", expectedOutput, actualOutput);
            gradients(reference, features, labels);
            INDArray input = features;
            path.step(() -> gradients(candidate, input, labels));
            assertThat(candidate.score())
                    .isCloseTo(
                            reference.score(),
                            org.assertj.core.data.Offset.offset(TOLERANCE * Math.max(1, Math.abs(reference.score()))));
            assertClose(
                    "gradient",
                    reference.gradient().gradient(),
                    candidate.gradient().gradient());
            for (var entry : reference.gradient().gradientForVariable().entrySet()) {
                assertClose(
                        "gradient of " + entry.getKey(),
                        entry.getValue(),
                        candidate.gradient().gradientForVariable().get(entry.getKey()));
            }
            features = features.mul(-1.5);
        }
    }

    private static INDArray output(Model model, INDArray features) {
        return model instanceof MultiLayerNetwork network
                ? network.output(features, false)
                : ((ComputationGraph) model).outputSingle(false, features);
    }

    private static void gradients(Model model, INDArray features, INDArray labels) {
        if (model instanceof MultiLayerNetwork network) {
            network.setInput(features);
            network.setLabels(labels);
        } else {
            ((ComputationGraph) model).setInputs(features);
            ((ComputationGraph) model).setLabels(labels);
        }
        model.computeGradientAndScore(org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces());
    }

    static void assertClose(String what, INDArray expected, INDArray actual) {
        assertThat(actual.shape()).as(what).isEqualTo(expected.shape());
        double scale = Math.max(expected.amaxNumber().doubleValue(), 1e-6);
        double difference = expected.sub(actual).amaxNumber().doubleValue();
        assertThat(difference / scale)
                .as(what + ": largest difference " + difference + " of " + scale)
                .isLessThan(TOLERANCE);
    }

    /** DL4J's own im2col convolution, whatever the process's helper setting. */
    static void withoutHelpers(Model model) {
        Layer[] layers = model instanceof MultiLayerNetwork network
                ? network.getLayers()
                : ((ComputationGraph) model).getLayers();
        Field helper = ConvolutionPath.helperField();
        for (Layer layer : layers) {
            if (layer instanceof org.deeplearning4j.nn.layers.convolution.ConvolutionLayer) {
                try {
                    helper.set(layer, null);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    private static MultiLayerNetwork stack(Case c) {
        NeuralNetConfiguration.ListBuilder list = base(c.seed()).list();
        for (int i = 0; i < c.convs().size(); i++) {
            list.layer(c.convs().get(i).layer(c.mode()));
            if (i == 0 && c.pool()) {
                list.layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                        .kernelSize(2, 2)
                        .stride(2, 2)
                        .build());
            }
        }
        list.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
                .nOut(5)
                .activation(Activation.IDENTITY)
                .build());
        MultiLayerNetwork network =
                new MultiLayerNetwork(list.setInputType(InputType.convolutional(c.height(), c.width(), c.channels()))
                        .build());
        network.init();
        return network;
    }

    /** A stem and one residual block with a strided 1x1 projection shortcut, as in resnet20, on 8x12x12. */
    private static ComputationGraph residualBlock() {
        ComputationGraphConfiguration.GraphBuilder graph = base(11).graphBuilder()
                .addInputs("input")
                .addLayer(
                        "stem",
                        new ConvolutionLayer.Builder(3, 3)
                                .nOut(16)
                                .padding(1, 1)
                                .hasBias(false)
                                .activation(Activation.IDENTITY)
                                .build(),
                        "input")
                .addLayer("stem.bn", new BatchNormalization.Builder().build(), "stem")
                .addLayer("stem.relu", new ActivationLayer(Activation.RELU), "stem.bn")
                .addLayer(
                        "a",
                        new ConvolutionLayer.Builder(3, 3)
                                .nOut(32)
                                .stride(2, 2)
                                .padding(1, 1)
                                .hasBias(false)
                                .activation(Activation.IDENTITY)
                                .build(),
                        "stem.relu")
                .addLayer("a.bn", new BatchNormalization.Builder().build(), "a")
                .addLayer("a.relu", new ActivationLayer(Activation.RELU), "a.bn")
                .addLayer(
                        "b",
                        new ConvolutionLayer.Builder(3, 3)
                                .nOut(32)
                                .padding(1, 1)
                                .hasBias(false)
                                .activation(Activation.IDENTITY)
                                .build(),
                        "a.relu")
                .addLayer("b.bn", new BatchNormalization.Builder().build(), "b")
                .addLayer(
                        "shortcut",
                        new ConvolutionLayer.Builder(1, 1)
                                .nOut(32)
                                .stride(2, 2)
                                .hasBias(false)
                                .activation(Activation.IDENTITY)
                                .build(),
                        "stem.relu")
                .addLayer("shortcut.bn", new BatchNormalization.Builder().build(), "shortcut")
                .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "b.bn", "shortcut.bn")
                .addLayer("relu", new ActivationLayer(Activation.RELU), "add")
                .addLayer(
                        "output",
                        new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
                                .nOut(5)
                                .activation(Activation.IDENTITY)
                                .build(),
                        "relu")
                .setOutputs("output")
                .setInputTypes(InputType.convolutional(12, 12, 8));
        ComputationGraph network = new ComputationGraph(graph.build());
        network.init();
        return network;
    }

    private static NeuralNetConfiguration.Builder base(long seed) {
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .updater(new Sgd(0.1))
                .weightInit(WeightInit.RELU);
    }
}
