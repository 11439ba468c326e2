package dev.trainyard.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

class ModelArchitectureTest {

    @BeforeAll
    static void enableLayerHelpers() {
        new Dl4jRuntime(new TrainingProperties(true, TrainingProperties.Convolutions.ONEDNN, 1, 4));
    }

    @Test
    void seednetHasTheSeedsShapesAndParameterCounts() {
        ModelSummary summary = ModelSummary.of(ModelArchitecture.SEEDNET, 64);

        assertThat(summary.layers())
                .extracting(ModelSummary.LayerRow::name)
                .containsExactly("Conv2D-1", "Conv2D-2", "Conv2D-3", "Conv2D-4", "Flatten-1", "Linear-1", "Linear-2");
        assertThat(summary.layers())
                .extracting(ModelSummary.LayerRow::outputShape)
                .containsExactly(
                        List.of(64L, 32L, 32L, 32L),
                        List.of(64L, 64L, 15L, 15L),
                        List.of(64L, 64L, 7L, 7L),
                        List.of(64L, 64L, 4L, 4L),
                        List.of(64L, 1024L),
                        List.of(64L, 64L),
                        List.of(64L, 10L));
        assertThat(summary.layers())
                .extracting(ModelSummary.LayerRow::parameters)
                .containsExactly(896L, 18_496L, 36_928L, 36_928L, 0L, 65_600L, 650L);
        assertThat(summary.layers().get(0).inputShape()).containsExactly(64L, 3L, 32L, 32L);
        assertThat(summary.totalParameters()).isEqualTo(159_498);
        assertThat(summary.toTable()).contains("Total params: 159,498");
    }

    @Test
    void lenet5IsTheClassicFiveLayerNetworkFor32x32x3() {
        ModelSummary summary = ModelSummary.of(ModelArchitecture.LENET5, 8);

        assertThat(summary.layers())
                .extracting(ModelSummary.LayerRow::name)
                .containsExactly(
                        "Conv2D-1",
                        "MaxPool2D-1",
                        "Conv2D-2",
                        "MaxPool2D-2",
                        "Flatten-1",
                        "Linear-1",
                        "Linear-2",
                        "Linear-3");
        assertThat(summary.layers().get(4).outputShape()).containsExactly(8L, 400L);
        assertThat(summary.totalParameters()).isEqualTo(456 + 2_416 + 48_120 + 10_164 + 850);
    }

    @Test
    void resnet20HasThreeStagesOfResidualBlocksAndAbout270kParameters() {
        ModelSummary summary = ModelSummary.of(ModelArchitecture.RESNET20, 4);

        long convolutions = 432 + 6 * 2_304 + (4_608 + 5 * 9_216) + (18_432 + 5 * 36_864) + 512 + 2_048;
        long batchNormChannels = 16 + 6 * 16 + 7 * 32 + 7 * 64;
        assertThat(summary.trainableParameters()).isEqualTo(convolutions + 2 * batchNormChannels + 650);
        assertThat(summary.totalParameters()).isEqualTo(summary.trainableParameters() + 2 * batchNormChannels);
        assertThat(summary.layers())
                .filteredOn(row -> row.type().equals("Conv2D"))
                .hasSize(21);
        assertThat(summary.layers()).filteredOn(row -> row.type().equals("Add")).hasSize(9);
        assertThat(summary.layers())
                .filteredOn(row -> row.name().endsWith(".add"))
                .extracting(ModelSummary.LayerRow::outputShape)
                .containsExactly(
                        List.of(4L, 16L, 32L, 32L),
                        List.of(4L, 16L, 32L, 32L),
                        List.of(4L, 16L, 32L, 32L),
                        List.of(4L, 32L, 16L, 16L),
                        List.of(4L, 32L, 16L, 16L),
                        List.of(4L, 32L, 16L, 16L),
                        List.of(4L, 64L, 8L, 8L),
                        List.of(4L, 64L, 8L, 8L),
                        List.of(4L, 64L, 8L, 8L));
        assertThat(summary.layers().get(summary.layers().size() - 1).outputShape())
                .containsExactly(4L, 10L);
        assertThat(summary.toTable()).contains("stage2.block1.shortcut.conv");
    }

    @Test
    void resnet20ClassifiesABatchIntoProbabilities() {
        Network network = ModelArchitecture.RESNET20.create(1, new Sgd(0.1), 5e-4, false, 10);

        float[] probabilities =
                network.output(Nd4j.rand(DataType.FLOAT, 2, 3, 32, 32)).data().asFloat();

        assertThat(probabilities).hasSize(20);
        double firstRow = 0;
        for (int c = 0; c < 10; c++) {
            firstRow += probabilities[c];
        }
        assertThat(firstRow).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-5));
    }

    @Test
    void convLayersRunOnOneDnnHelpers() {
        MultiLayerNetwork network =
                ((Network.LayerStack) ModelArchitecture.SEEDNET.create(1, new Sgd(0.1), 0, true, 10)).network();
        network.output(Nd4j.rand(DataType.FLOAT, 2, 3, 32, 32));

        for (int layer = 0; layer < 4; layer++) {
            assertThat(((ConvolutionLayer) network.getLayer(layer)).getHelper())
                    .as("helper of conv layer %d", layer)
                    .isInstanceOf(MKLDNNConvHelper.class);
        }
    }

    @Test
    void resnet20ConvAndBatchNormLayersRunOnOneDnnHelpers() {
        ComputationGraph graph =
                ((Network.Graph) ModelArchitecture.RESNET20.create(1, new Sgd(0.1), 0, false, 10)).graph();
        graph.fit(new org.nd4j.linalg.dataset.DataSet(
                Nd4j.rand(DataType.FLOAT, 2, 3, 32, 32),
                Nd4j.eye(10).getRows(0, 1).castTo(DataType.FLOAT)));

        for (org.deeplearning4j.nn.api.Layer layer : graph.getLayers()) {
            if (layer instanceof ConvolutionLayer conv) {
                assertThat(conv.getHelper())
                        .as("helper of %s", layer.getConfig().getLayerName())
                        .isInstanceOf(MKLDNNConvHelper.class);
            }
            if (layer instanceof BatchNormalization batchNorm) {
                assertThat(batchNorm.getHelper())
                        .as("helper of %s", layer.getConfig().getLayerName())
                        .isInstanceOf(MKLDNNBatchNormHelper.class);
            }
        }
    }
}
