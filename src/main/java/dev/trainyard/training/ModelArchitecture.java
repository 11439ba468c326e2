package dev.trainyard.training;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The networks a job can train, for 32x32 RGB images in NCHW layout and 10 classes. */
public enum ModelArchitecture {

    /** The seed tutorial's network: four 3x3 convolutions, then 1024 -> 64 -> 10; 159,498 parameters. */
    SEEDNET("seednet", "The seed tutorial's CNN: 4 conv layers (3x3), dense 1024->64->10, ReLU; 159,498 parameters") {
        @Override
        NeuralNetConfiguration.ListBuilder layers(NeuralNetConfiguration.ListBuilder list, int classes) {
            return list
                    .layer(conv(3, 32, 1, 1))
                    .layer(conv(32, 64, 2, 0))
                    .layer(conv(64, 64, 2, 0))
                    .layer(conv(64, 64, 2, 1))
                    .layer(new DenseLayer.Builder().nOut(64).activation(Activation.RELU).build())
                    .layer(output(classes));
        }

        private ConvolutionLayer conv(int in, int out, int stride, int padding) {
            return new ConvolutionLayer.Builder(3, 3).nIn(in).nOut(out).stride(stride, stride)
                    .padding(padding, padding).activation(Activation.RELU).build();
        }
    },

    /** LeCun's LeNet-5 adapted to 32x32x3 input, with ReLU and max pooling. */
    LENET5("lenet5", "LeNet-5 for 32x32x3: conv 5x5 (6), max-pool, conv 5x5 (16), max-pool, dense 120->84->10") {
        @Override
        NeuralNetConfiguration.ListBuilder layers(NeuralNetConfiguration.ListBuilder list, int classes) {
            return list
                    .layer(new ConvolutionLayer.Builder(5, 5).nIn(3).nOut(6).activation(Activation.RELU).build())
                    .layer(maxPool())
                    .layer(new ConvolutionLayer.Builder(5, 5).nOut(16).activation(Activation.RELU).build())
                    .layer(maxPool())
                    .layer(new DenseLayer.Builder().nOut(120).activation(Activation.RELU).build())
                    .layer(new DenseLayer.Builder().nOut(84).activation(Activation.RELU).build())
                    .layer(output(classes));
        }

        private SubsamplingLayer maxPool() {
            return new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                    .build();
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

    public String id() {
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

    abstract NeuralNetConfiguration.ListBuilder layers(NeuralNetConfiguration.ListBuilder list, int classes);

    /** The network's configuration for an effective optimizer spec under {@code schedule}. */
    MultiLayerConfiguration configuration(long seed, OptimizerSpec optimizer,
                                          dev.trainyard.schedule.LearningRateSchedule schedule, int classes) {
        return configuration(seed, optimizer.updater(schedule), optimizer.weightDecay(),
                optimizer.decoupledWeightDecay(), classes);
    }

    /**
     * The network's configuration with the given optimizer.
     *
     * @param weightDecay weight decay of weights (not biases)
     * @param decoupled   apply it to the weights directly, scaled by the learning rate (AdamW), instead of adding it
     *                    to the gradient as L2 (SGD, Adam)
     */
    public MultiLayerConfiguration configuration(long seed, IUpdater updater, double weightDecay, boolean decoupled,
                                                 int classes) {
        NeuralNetConfiguration.Builder builder = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .updater(updater)
                .weightInit(WeightInit.RELU)
                .convolutionMode(ConvolutionMode.Truncate);
        if (weightDecay > 0 && decoupled) {
            builder.weightDecay(weightDecay, true);
        } else if (weightDecay > 0) {
            builder.l2(weightDecay);
        }
        return layers(builder.list(), classes)
                .setInputType(INPUT)
                .build();
    }

    static OutputLayer output(int classes) {
        return new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .nOut(classes).activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build();
    }
}
