package dev.trainyard.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Cuts labelled images into minibatches of normalised NCHW float features and one-hot labels. Training batches
 * ({@link #shuffled}) are augmented with seeded random crops and flips; evaluation batches ({@link #inOrder}) never
 * are. The last, smaller batch is kept, so an epoch has {@code ceil(count / batchSize)} steps.
 */
public final class Minibatches {

    private final LabeledImages images;
    private final int batchSize;
    private final float[][] lookup;
    private final Augmentation augment;

    /**
     * @param augment crops and flips for {@link #shuffled}; {@link Augmentation#NONE} for none
     */
    public Minibatches(LabeledImages images, int batchSize, Normalization normalization, Augmentation augment) {
        this.images = images;
        this.batchSize = batchSize;
        this.lookup = normalization.lookupTables();
        this.augment = augment;
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

    /**
     * The batches of one training epoch from batch {@code fromBatch} on. The order is fixed by {@code seed} and
     * {@code epoch}, and each batch's crops and flips by its index too, so a run resumed mid-epoch sees exactly the
     * batches an uninterrupted run would have.
     */
    public Iterator<DataSet> shuffled(long seed, int epoch, int fromBatch) {
        int[] order = identity(images.count());
        Random random = new Random(seed * 1_000_003L + epoch);
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        long epochSeed = random.nextLong();
        return batches(order, fromBatch, augment, batch -> new Random(epochSeed + batch * 0x9E3779B97F4A7C15L));
    }

    /** The batches in stored order, without augmentation, for evaluation. */
    public Iterator<DataSet> inOrder() {
        return batches(identity(images.count()), 0, Augmentation.NONE, batch -> null);
    }

    private static int[] identity(int count) {
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        return order;
    }

    private Iterator<DataSet> batches(
            int[] order,
            int fromBatch,
            Augmentation augmentation,
            java.util.function.IntFunction<Random> randomOfBatch) {
        return new Iterator<>() {
            private int next = Math.min(order.length, fromBatch * batchSize);
            // why: reused for every full batch (ND4J copies them off-heap), so that a step allocates no
            // 800 KB array on the heap for the garbage collector to move
            private final float[] features = new float[batchSize * images.imageSize()];
            private final float[] labels =
                    new float[batchSize * images.classes().size()];

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
                boolean full = size == batchSize;
                DataSet batch = assemble(
                        order,
                        next,
                        size,
                        augmentation,
                        randomOfBatch.apply(next / batchSize),
                        full ? features : new float[size * images.imageSize()],
                        full ? labels : new float[size * images.classes().size()]);
                next += size;
                return batch;
            }
        };
    }

    private DataSet assemble(
            int[] order,
            int from,
            int size,
            Augmentation augmentation,
            Random random,
            float[] features,
            float[] labels) {
        int channels = images.channels();
        int height = images.height();
        int width = images.width();
        int plane = height * width;
        int imageSize = images.imageSize();
        int classes = images.classes().size();
        int crop = augmentation.randomCrop();
        boolean flips = augmentation.horizontalFlip();
        java.util.Arrays.fill(labels, 0f);
        byte[] pixels = images.pixels();
        for (int i = 0; i < size; i++) {
            int image = order[from + i];
            int source = image * imageSize;
            int target = i * imageSize;
            int dx = crop > 0 ? random.nextInt(2 * crop + 1) - crop : 0;
            int dy = crop > 0 ? random.nextInt(2 * crop + 1) - crop : 0;
            boolean flip = flips && random.nextBoolean();
            for (int c = 0; c < channels; c++) {
                float[] table = lookup[c];
                float padding = table[0];
                int channelSource = source + c * plane;
                int channelTarget = target + c * plane;
                for (int y = 0; y < height; y++) {
                    int sy = y + dy;
                    int rowTarget = channelTarget + y * width;
                    if (sy < 0 || sy >= height) {
                        java.util.Arrays.fill(features, rowTarget, rowTarget + width, padding);
                        continue;
                    }
                    int rowSource = channelSource + sy * width;
                    for (int x = 0; x < width; x++) {
                        int sx = (flip ? width - 1 - x : x) + dx;
                        features[rowTarget + x] =
                                sx < 0 || sx >= width ? padding : table[pixels[rowSource + sx] & 0xFF];
                    }
                }
            }
            labels[i * classes + images.labels()[image]] = 1f;
        }
        return new DataSet(
                Nd4j.create(features, new long[] {size, channels, height, width}, DataType.FLOAT),
                Nd4j.create(labels, new long[] {size, classes}, DataType.FLOAT));
    }
}
