package dev.trainyard.data;

import java.util.Arrays;
import java.util.Locale;

/**
 * Per-channel mean and standard deviation of pixel values scaled to [0, 1], computed once from the training images.
 * {@link #IDENTITY} only scales to [0, 1].
 */
public record Normalization(float[] mean, float[] std) {

    public static final Normalization IDENTITY = new Normalization(new float[] {0, 0, 0}, new float[] {1, 1, 1});

    public static Normalization of(LabeledImages images) {
        int channels = images.channels();
        int plane = images.height() * images.width();
        double[] sum = new double[channels];
        double[] squares = new double[channels];
        byte[] pixels = images.pixels();
        for (int image = 0; image < images.count(); image++) {
            int base = image * images.imageSize();
            for (int c = 0; c < channels; c++) {
                long s = 0;
                long q = 0;
                for (int p = base + c * plane, end = p + plane; p < end; p++) {
                    int value = pixels[p] & 0xFF;
                    s += value;
                    q += (long) value * value;
                }
                sum[c] += s;
                squares[c] += q;
            }
        }
        float[] mean = new float[channels];
        float[] std = new float[channels];
        double n = (double) images.count() * plane;
        for (int c = 0; c < channels; c++) {
            double m = sum[c] / n;
            double variance = Math.max(squares[c] / n - m * m, 0);
            mean[c] = (float) (m / 255);
            std[c] = (float) Math.max(Math.sqrt(variance) / 255, 1e-3);
        }
        return new Normalization(mean, std);
    }

    /** For each channel, the normalised value of every byte value 0..255. */
    float[][] lookupTables() {
        float[][] tables = new float[mean.length][256];
        for (int c = 0; c < mean.length; c++) {
            for (int v = 0; v < 256; v++) {
                tables[c][v] = (v / 255f - mean[c]) / std[c];
            }
        }
        return tables;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Normalization that && Arrays.equals(mean, that.mean) && Arrays.equals(std, that.std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT, "Normalization[mean=%s, std=%s]", Arrays.toString(mean), Arrays.toString(std));
    }
}
