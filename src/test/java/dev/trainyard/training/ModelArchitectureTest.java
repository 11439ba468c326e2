package dev.trainyard.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

class ModelArchitectureTest {

    @BeforeAll
    static void enableLayerHelpers() {
        new Dl4jRuntime(new TrainingProperties(true, 4));
    }

    @Test
    void seednetHasTheSeedsShapesAndParameterCounts() {
        ModelSummary summary = ModelSummary.of(ModelArchitecture.SEEDNET, 64);

        assertThat(summary.layers()).extracting(ModelSummary.LayerRow::name).containsExactly(
                "Conv2D-1", "Conv2D-2", "Conv2D-3", "Conv2D-4", "Flatten-1", "Linear-1", "Linear-2");
        assertThat(summary.layers()).extracting(ModelSummary.LayerRow::outputShape).containsExactly(
                List.of(64L, 32L, 32L, 32L), List.of(64L, 64L, 15L, 15L), List.of(64L, 64L, 7L, 7L),
                List.of(64L, 64L, 4L, 4L), List.of(64L, 1024L), List.of(64L, 64L), List.of(64L, 10L));
        assertThat(summary.layers()).extracting(ModelSummary.LayerRow::parameters)
                .containsExactly(896L, 18_496L, 36_928L, 36_928L, 0L, 65_600L, 650L);
        assertThat(summary.layers().get(0).inputShape()).containsExactly(64L, 3L, 32L, 32L);
        assertThat(summary.totalParameters()).isEqualTo(159_498);
        assertThat(summary.toTable()).contains("Total params: 159,498");
    }

    @Test
    void lenet5IsTheClassicFiveLayerNetworkFor32x32x3() {
        ModelSummary summary = ModelSummary.of(ModelArchitecture.LENET5, 8);

        assertThat(summary.layers()).extracting(ModelSummary.LayerRow::name).containsExactly(
                "Conv2D-1", "MaxPool2D-1", "Conv2D-2", "MaxPool2D-2", "Flatten-1", "Linear-1", "Linear-2",
                "Linear-3");
        assertThat(summary.layers().get(4).outputShape()).containsExactly(8L, 400L);
        assertThat(summary.totalParameters()).isEqualTo(456 + 2_416 + 48_120 + 10_164 + 850);
    }

    @Test
    void convLayersRunOnOneDnnHelpers() {
        MultiLayerNetwork network = new MultiLayerNetwork(
                ModelArchitecture.SEEDNET.configuration(1, new Sgd(0.1), 0, true, 10));
        network.init();
        network.output(Nd4j.rand(DataType.FLOAT, 2, 3, 32, 32));

        for (int layer = 0; layer < 4; layer++) {
            assertThat(((ConvolutionLayer) network.getLayer(layer)).getHelper())
                    .as("helper of conv layer %d", layer)
                    .isInstanceOf(MKLDNNConvHelper.class);
        }
    }
}
