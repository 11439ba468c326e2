package dev.trainyard.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * CIFAR-10 in its binary form, as unpacked from cifar-10-binary.tar.gz into {@code cifar-10-batches-bin/}:
 * records of one label byte and 3,072 pixel bytes (1,024 red, 1,024 green, 1,024 blue, row-major 32x32).
 * Any number of records per file is accepted, so small fixtures use the same reader as the real data.
 */
final class Cifar10Archive {

    static final String FOLDER = "cifar-10-batches-bin";
    static final List<String> TRAIN_FILES =
            List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin");
    static final String TEST_FILE = "test_batch.bin";
    static final List<String> CLASSES =
            List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");
    static final int IMAGE_BYTES = 3 * 32 * 32;
    static final int RECORD_BYTES = 1 + IMAGE_BYTES;
    static final int NOMINAL_TRAIN = 50_000;

    private final Path folder;
    private final DatasetFolders datasets;

    /** @param datasets the datasets folder, to which every file read is confined */
    Cifar10Archive(Path folder, DatasetFolders datasets) {
        this.folder = folder;
        this.datasets = datasets;
    }

    Path folder() {
        return folder;
    }

    List<String> missingFiles() {
        List<String> missing = new ArrayList<>();
        for (String name : allFiles()) {
            if (!Files.isRegularFile(folder.resolve(name))) {
                missing.add(name);
            }
        }
        return missing;
    }

    boolean isComplete() {
        return missingFiles().isEmpty();
    }

    int trainCount() throws IOException {
        return countRecords(TRAIN_FILES);
    }

    LabeledImages readTrain(Integer limit) throws IOException {
        return read(TRAIN_FILES, limit);
    }

    LabeledImages readTest(Integer limit) throws IOException {
        return read(List.of(TEST_FILE), limit);
    }

    static List<String> allFiles() {
        List<String> all = new ArrayList<>(TRAIN_FILES);
        all.add(TEST_FILE);
        return all;
    }

    private int countRecords(List<String> files) throws IOException {
        long records = 0;
        for (String name : files) {
            long size = Files.size(datasets.confine(folder.resolve(name)));
            if (size % RECORD_BYTES != 0) {
                throw new IOException(name + " is " + size + " bytes, not a whole number of " + RECORD_BYTES
                        + "-byte CIFAR-10 records: the file is truncated or not CIFAR-10 binary");
            }
            records += size / RECORD_BYTES;
        }
        return Math.toIntExact(records);
    }

    private LabeledImages read(List<String> files, Integer limit) throws IOException {
        int available = countRecords(files);
        int count = limit == null ? available : Math.min(limit, available);
        byte[] pixels = new byte[count * IMAGE_BYTES];
        byte[] labels = new byte[count];
        int index = 0;
        for (String name : files) {
            if (index == count) {
                break;
            }
            byte[] content = datasets.readAllBytes(folder.resolve(name));
            for (int offset = 0; offset < content.length && index < count; offset += RECORD_BYTES, index++) {
                int label = content[offset];
                if (label < 0 || label >= CLASSES.size()) {
                    throw new IOException(name + " record " + offset / RECORD_BYTES + " has label " + label
                            + "; CIFAR-10 labels are 0..9");
                }
                labels[index] = (byte) label;
                System.arraycopy(content, offset + 1, pixels, index * IMAGE_BYTES, IMAGE_BYTES);
            }
        }
        return new LabeledImages(pixels, Arrays.copyOf(labels, count), count, 3, 32, 32, CLASSES);
    }
}
