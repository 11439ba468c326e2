package dev.trainyard.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Writes a small CIFAR-10-format dataset (the same binary records as the real archive) that a network can learn:
 * each class has its own colour, overlaid with noise, so test accuracy rises well above chance within a few epochs.
 */
public final class Cifar10Fixture {

    private Cifar10Fixture() {}

    /** Writes data_batch_1..5.bin with {@code perTrainFile} records each and test_batch.bin with {@code test}. */
    public static Path write(Path datasets, int perTrainFile, int test, long seed) throws IOException {
        Path folder = datasets.resolve(Cifar10Archive.FOLDER);
        Files.createDirectories(folder);
        Random random = new Random(seed);
        for (String name : Cifar10Archive.TRAIN_FILES) {
            Files.write(folder.resolve(name), records(perTrainFile, random));
        }
        Files.write(folder.resolve(Cifar10Archive.TEST_FILE), records(test, random));
        return folder;
    }

    static byte[] records(int count, Random random) {
        byte[] bytes = new byte[count * Cifar10Archive.RECORD_BYTES];
        for (int r = 0; r < count; r++) {
            int label = random.nextInt(10);
            int offset = r * Cifar10Archive.RECORD_BYTES;
            bytes[offset] = (byte) label;
            int[] colour = {(label * 37) % 256, (label * 91 + 40) % 256, (label * 53 + 80) % 256};
            for (int channel = 0; channel < 3; channel++) {
                for (int pixel = 0; pixel < 1024; pixel++) {
                    int value = colour[channel] + random.nextInt(41) - 20;
                    bytes[offset + 1 + channel * 1024 + pixel] = (byte) Math.max(0, Math.min(255, value));
                }
            }
        }
        return bytes;
    }
}
