package dev.trainyard.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Cuts labelled images into minibatches of NCHW float features scaled to [0, 1] and one-hot labels.
 * The last, smaller batch is kept, so an epoch has {@code ceil(count / batchSize)} steps.
 */
public final class Minibatches {

    private final LabeledImages images;
    private final int batchSize;

    public Minibatches(LabeledImages images, int batchSize) {
        this.images = images;
        this.batchSize = batchSize;
    }

    public static int stepsPerEpoch(int imageCount, int batchSize) {
        return (imageCount + batchSize - 1) / batchSize;
    }

    public int stepsPerEpoch() {
        return stepsPerEpoch(images.count(), batchSize);
    }

    public int imageCount() {
        return images.count();
    }

    /** The batches of one training epoch, in an order fixed by {@code seed} and {@code epoch}. */
    public Iterator<DataSet> shuffled(long seed, int epoch) {
        int[] order = identity(images.count());
        Random random = new Random(seed * 1_000_003L + epoch);
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return batches(order);
    }

    /** The batches in file order, for evaluation. */
    public Iterator<DataSet> inOrder() {
        return batches(identity(images.count()));
    }

    private static int[] identity(int count) {
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        return order;
    }

    private Iterator<DataSet> batches(int[] order) {
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < order.length;
            }

            @Override
            public DataSet next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int size = Math.min(batchSize, order.length - next);
                DataSet batch = assemble(order, next, size);
                next += size;
                return batch;
            }
        };
    }

    private DataSet assemble(int[] order, int from, int size) {
        int imageSize = images.imageSize();
        int classes = images.classes().size();
        float[] features = new float[size * imageSize];
        float[] labels = new float[size * classes];
        byte[] pixels = images.pixels();
        for (int i = 0; i < size; i++) {
            int image = order[from + i];
            int source = image * imageSize;
            int target = i * imageSize;
            for (int p = 0; p < imageSize; p++) {
                features[target + p] = (pixels[source + p] & 0xFF) / 255f;
            }
            labels[i * classes + images.labels()[image]] = 1f;
        }
        return new DataSet(
                Nd4j.create(features, new long[] {size, images.channels(), images.height(), images.width()},
                        DataType.FLOAT),
                Nd4j.create(labels, new long[] {size, classes}, DataType.FLOAT));
    }
}
