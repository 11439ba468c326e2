package dev.trainyard.data;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Images held as bytes in channel-major order (all red values, then green, then blue), one label byte each.
 * Bytes keep CIFAR-10's 50,000 training images at 150 MB instead of 600 MB of floats.
 *
 * @param pixels  {@code count * channels * height * width} bytes, image after image
 * @param labels  class index per image
 * @param classes class names, by index
 */
public record LabeledImages(
        byte[] pixels, byte[] labels, int count, int channels, int height, int width, List<String> classes) {

    /** why: the hold-out must be the same for every job on the same data, so results compare. */
    static final long VALIDATION_SEED = 0x5EED_CAFEL;

    public int imageSize() {
        return channels * height * width;
    }

    /** The images at {@code indices}, in that order. */
    LabeledImages subset(int[] indices) {
        int size = imageSize();
        byte[] subsetPixels = new byte[indices.length * size];
        byte[] subsetLabels = new byte[indices.length];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(pixels, indices[i] * size, subsetPixels, i * size, size);
            subsetLabels[i] = labels[indices[i]];
        }
        return new LabeledImages(subsetPixels, subsetLabels, indices.length, channels, height, width, classes);
    }

    /** How many images a validation split of {@code fraction} holds out of {@code count}. */
    static int validationCount(int count, double fraction) {
        return (int) Math.round(count * fraction);
    }

    /**
     * Splits off a fixed, seeded share for validation; both parts keep the original order.
     *
     * @return the training part and the validation part
     */
    LabeledImages[] splitValidation(double fraction) {
        int held = validationCount(count, fraction);
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        Random random = new Random(VALIDATION_SEED);
        for (int i = count - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        int[] validation = Arrays.copyOfRange(order, 0, held);
        int[] train = Arrays.copyOfRange(order, held, count);
        Arrays.sort(validation);
        Arrays.sort(train);
        return new LabeledImages[] {subset(train), subset(validation)};
    }
}
