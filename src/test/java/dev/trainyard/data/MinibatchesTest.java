package dev.trainyard.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

class MinibatchesTest {

    private final LabeledImages images =
            new LabeledImages(Cifar10FixturePixels.random(40, 3), labels(40), 40, 3, 32, 32, Cifar10Archive.CLASSES);

    private static byte[] labels(int count) {
        byte[] labels = new byte[count];
        for (int i = 0; i < count; i++) {
            labels[i] = (byte) (i % 10);
        }
        return labels;
    }

    private static List<float[]> features(Iterator<DataSet> batches) {
        List<float[]> all = new ArrayList<>();
        batches.forEachRemaining(batch -> all.add(batch.getFeatures().data().asFloat()));
        return all;
    }

    @Test
    void augmentationIsTheSameForTheSameSeedAndEpoch() {
        Minibatches batches = new Minibatches(images, 16, Normalization.of(images), new Augmentation(4, true, true));

        assertThat(features(batches.shuffled(7, 3, 0)))
                .usingRecursiveComparison()
                .isEqualTo(features(batches.shuffled(7, 3, 0)));
        assertThat(features(batches.shuffled(7, 3, 0)))
                .usingRecursiveComparison()
                .isNotEqualTo(features(batches.shuffled(7, 4, 0)));
        assertThat(features(batches.shuffled(7, 3, 0)))
                .usingRecursiveComparison()
                .isNotEqualTo(features(batches.shuffled(8, 3, 0)));
    }

    @Test
    void startingMidEpochGivesTheSameBatchesAsTheUninterruptedEpoch() {
        Minibatches batches = new Minibatches(images, 16, Normalization.of(images), new Augmentation(4, true, true));

        List<float[]> whole = features(batches.shuffled(7, 3, 0));
        List<float[]> resumed = features(batches.shuffled(7, 3, 1));

        assertThat(resumed).usingRecursiveComparison().isEqualTo(whole.subList(1, whole.size()));
    }

    @Test
    void batchesHeldTogetherKeepTheirOwnContentsThoughAssemblyReusesItsArrays() {
        Minibatches batches = new Minibatches(images, 8, Normalization.of(images), new Augmentation(4, true, true));
        List<DataSet> held = new ArrayList<>();
        batches.shuffled(7, 3, 0).forEachRemaining(held::add);

        for (int i = 0; i < held.size(); i++) {
            DataSet alone = batches.shuffled(7, 3, i).next();
            assertThat(held.get(i).getFeatures().data().asFloat())
                    .as("features of batch %d", i)
                    .containsExactly(alone.getFeatures().data().asFloat());
            assertThat(held.get(i).getLabels().data().asFloat())
                    .as("labels of batch %d", i)
                    .containsExactly(alone.getLabels().data().asFloat());
        }
    }

    @Test
    void lastBatchIsKeptAndEvaluationIsNotAugmented() {
        Minibatches batches = new Minibatches(images, 16, Normalization.IDENTITY, new Augmentation(4, true, false));

        List<float[]> inOrder = features(batches.inOrder());

        assertThat(batches.stepsPerEpoch()).isEqualTo(3);
        assertThat(inOrder).hasSize(3);
        assertThat(inOrder.get(2)).hasSize(8 * 3072);
        assertThat(inOrder.get(0)[5]).isEqualTo((images.pixels()[5] & 0xFF) / 255f);
    }

    @Test
    void normalisedTrainingDataHasZeroMeanAndUnitDeviationPerChannel() {
        Normalization normalization = Normalization.of(images);
        Minibatches batches = new Minibatches(images, 40, normalization, Augmentation.NONE);

        float[] all = batches.inOrder().next().getFeatures().data().asFloat();

        for (int c = 0; c < 3; c++) {
            double sum = 0;
            double squares = 0;
            int n = 0;
            for (int image = 0; image < 40; image++) {
                for (int p = 0; p < 1024; p++) {
                    double value = all[image * 3072 + c * 1024 + p];
                    sum += value;
                    squares += value * value;
                    n++;
                }
            }
            assertThat(sum / n).isCloseTo(0, within(1e-3));
            assertThat(Math.sqrt(squares / n)).isCloseTo(1, within(1e-3));
        }
    }

    @Test
    void cropsShiftTheImageAndPadWithZeroAndFlipsMirrorIt() {
        byte[] pixels = new byte[3072];
        pixels[0] = (byte) 200; // red channel, row 0, column 0
        LabeledImages one = new LabeledImages(pixels, new byte[] {1}, 1, 3, 32, 32, Cifar10Archive.CLASSES);
        Minibatches batches = new Minibatches(one, 1, Normalization.IDENTITY, new Augmentation(4, true, false));

        int seen = 0;
        for (int epoch = 0; epoch < 50; epoch++) {
            float[] red =
                    batches.shuffled(1, epoch, 0).next().getFeatures().data().asFloat();
            for (int i = 0; i < 1024; i++) {
                if (red[i] > 0) {
                    int y = i / 32;
                    int x = i % 32;
                    boolean nearLeft = x <= 4 && y <= 4;
                    boolean nearRight = x >= 27 && y <= 4;
                    assertThat(nearLeft || nearRight)
                            .as("bright pixel at (%d,%d)", x, y)
                            .isTrue();
                    assertThat(red[i]).isEqualTo(200 / 255f);
                    seen++;
                }
            }
        }
        assertThat(seen).isPositive();
    }

    /** Random pixel bytes. */
    static final class Cifar10FixturePixels {
        static byte[] random(int count, long seed) {
            byte[] bytes = new byte[count * 3072];
            new Random(seed).nextBytes(bytes);
            return bytes;
        }
    }
}
