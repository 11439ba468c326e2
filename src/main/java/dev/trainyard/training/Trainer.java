package dev.trainyard.training;

import dev.trainyard.data.AugmentSpec;
import dev.trainyard.data.DatasetCatalog;
import dev.trainyard.data.LabeledImages;
import dev.trainyard.data.Minibatches;
import dev.trainyard.data.Normalization;
import dev.trainyard.data.PrefetchingIterator;
import dev.trainyard.data.TrainTestSplit;
import dev.trainyard.schedule.LearningRateSchedule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.springframework.context.annotation.DependsOn;
import org.springframework.stereotype.Service;

/**
 * Trains one network for a job: loads the data, builds the network with the job's schedule, runs the epochs step by
 * step (checking for a stop request before each step), evaluates on the test split after every epoch and saves the
 * model at the end.
 */
@Service
@DependsOn("dl4jRuntime")
public class Trainer {

    /** Written beside the model: the per-channel mean and standard deviation the model expects. */
    public static final String NORMALIZATION_FILE = "normalization.json";

    private final DatasetCatalog datasets;
    private final TrainingProperties properties;

    public Trainer(DatasetCatalog datasets, TrainingProperties properties) {
        this.datasets = datasets;
        this.properties = properties;
    }

    /** The schedule a request trains under; the preview shows the same object. */
    public static LearningRateSchedule schedule(TrainingRequest request, int trainImages) {
        return request.schedule().toSchedule(request.epochs(),
                Minibatches.stepsPerEpoch(trainImages, request.batchSize()));
    }

    public TrainingOutcome train(TrainingRequest request, TrainingObserver observer)
            throws InterruptedException, IOException {
        TrainTestSplit data = datasets.load(request.dataset());
        Normalization normalization = request.augment().normalize() ? Normalization.of(data.train())
                : Normalization.IDENTITY;
        Minibatches train = new Minibatches(data.train(), request.batchSize(), normalization, request.augment());
        LearningRateSchedule schedule = schedule(request, data.train().count());
        MultiLayerNetwork network = new MultiLayerNetwork(request.model().configuration(request.seed(),
                updater(request.optimizer(), schedule), request.optimizer().weightDecay(),
                data.train().classes().size()));
        network.init();
        AppliedRate appliedRate = new AppliedRate();
        network.setListeners(appliedRate);
        observer.started(train.stepsPerEpoch(), schedule.totalSteps());

        long step = 0;
        for (int epoch = 0; epoch < request.epochs(); epoch++) {
            long epochStart = System.nanoTime();
            double lossSum = 0;
            try (PrefetchingIterator<DataSet> batches = new PrefetchingIterator<>(
                    train.shuffled(request.seed(), epoch), properties.prefetchDepth(), "trainyard-batches")) {
                while (batches.hasNext()) {
                    if (observer.stopRequested() || Thread.currentThread().isInterrupted()) {
                        return TrainingOutcome.STOPPED;
                    }
                    DataSet batch = batches.next();
                    long stepStart = System.nanoTime();
                    network.fit(batch);
                    double loss = network.score();
                    double seconds = (System.nanoTime() - stepStart) / 1e9;
                    if (!Double.isFinite(loss)) {
                        throw new TrainingDivergedException(step, appliedRate.value, loss);
                    }
                    int images = batch.numExamples();
                    lossSum += loss * images;
                    observer.stepFinished(new TrainingObserver.StepReport(step, epoch, loss, appliedRate.value,
                            images, seconds));
                    step++;
                }
            }
            observer.epochFinished(new TrainingObserver.EpochReport(epoch + 1, lossSum / train.imageCount(),
                    evaluate(network, data.validation(), request.batchSize(), normalization),
                    evaluate(network, data.test(), request.batchSize(), normalization),
                    (System.nanoTime() - epochStart) / 1e9));
        }
        save(network, request.modelFile());
        Files.writeString(request.modelFile().resolveSibling(NORMALIZATION_FILE), normalization.toJson());
        return TrainingOutcome.COMPLETED;
    }

    static IUpdater updater(OptimizerSpec optimizer, LearningRateSchedule schedule) {
        return optimizer.momentum() > 0 ? new Nesterovs(schedule, optimizer.momentum()) : new Sgd(schedule);
    }

    /** Mean cross-entropy and accuracy of the network on a split; null for a split that is absent. */
    static TrainingObserver.Evaluation evaluate(MultiLayerNetwork network, LabeledImages images, int batchSize,
                                                Normalization normalization) {
        if (images == null || images.count() == 0) {
            return null;
        }
        double lossSum = 0;
        long correct = 0;
        Iterator<DataSet> batches = new Minibatches(images, batchSize, normalization, AugmentSpec.NONE).inOrder();
        while (batches.hasNext()) {
            DataSet batch = batches.next();
            INDArray probabilities = network.output(batch.getFeatures(), false);
            float[] p = probabilities.data().asFloat();
            float[] labels = batch.getLabels().data().asFloat();
            int classes = (int) probabilities.size(1);
            for (int i = 0; i < batch.numExamples(); i++) {
                int predicted = 0;
                int actual = 0;
                for (int c = 0; c < classes; c++) {
                    if (p[i * classes + c] > p[i * classes + predicted]) {
                        predicted = c;
                    }
                    if (labels[i * classes + c] > 0) {
                        actual = c;
                    }
                }
                correct += predicted == actual ? 1 : 0;
                lossSum -= Math.log(Math.max(p[i * classes + actual], 1e-12));
            }
        }
        return new TrainingObserver.Evaluation(lossSum / images.count(), (double) correct / images.count());
    }

    private static void save(MultiLayerNetwork network, Path modelFile) throws IOException {
        Files.createDirectories(modelFile.getParent());
        Path partial = Files.createTempFile(modelFile.getParent(), ".model-", ".zip.part");
        try {
            ModelSerializer.writeModel(network, partial.toFile(), true);
            Files.move(partial, modelFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    /**
     * Reads the learning rate of each step from the network when DL4J reports the step done: at that point the
     * iteration counter still holds the step's index, so this is the rate the updater just applied.
     */
    static final class AppliedRate extends BaseTrainingListener {
        private double value = Double.NaN;

        @Override
        public void iterationDone(Model model, int iteration, int epoch) {
            value = ((MultiLayerNetwork) model).getLearningRate(0);
        }
    }
}
