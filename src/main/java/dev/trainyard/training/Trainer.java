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
import java.util.Optional;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/**
 * Trains one network for a job: loads the data, builds the network with the job's schedule (or restores it from the
 * job's latest checkpoint), runs the epochs step by step (checking for a stop request before each step), evaluates
 * after every epoch, checkpoints after every epoch and on a stop, and saves the model at the end.
 */
@Service
public class Trainer {

    /** Written beside the model: its class names and the per-channel normalisation it expects. */
    public static final String MODEL_CARD_FILE = "model-card.json";
    /** Written beside the model: the final network's confusion matrix on the test (else validation) images. */
    public static final String EVALUATION_FILE = "evaluation.json";

    private final JsonMapper json = JsonMapper.builder().build();

    private final DatasetCatalog datasets;
    private final TrainingProperties properties;
    private final CheckpointProperties checkpointSettings;
    private final Dl4jRuntime runtime;

    public Trainer(DatasetCatalog datasets, TrainingProperties properties, CheckpointProperties checkpointSettings,
                   Dl4jRuntime runtime) {
        this.datasets = datasets;
        this.properties = properties;
        this.checkpointSettings = checkpointSettings;
        this.runtime = runtime;
    }

    public TrainingOutcome train(TrainingRequest request, TrainingObserver observer)
            throws InterruptedException, IOException {
        TrainTestSplit data = datasets.load(request.dataset());
        Normalization normalization = request.augment().normalize() ? Normalization.of(data.train())
                : Normalization.IDENTITY;
        Files.createDirectories(request.modelFile().getParent());
        Files.write(request.modelFile().resolveSibling(MODEL_CARD_FILE), json.writeValueAsBytes(new ModelCard(
                request.model().id(), data.train().classes(), normalization.mean(), normalization.std())));
        Minibatches train = new Minibatches(data.train(), request.batchSize(), normalization, request.augment());
        LearningRateSchedule schedule = request.schedule().toSchedule(request.epochs(), train.stepsPerEpoch());
        CheckpointStore checkpoints = new CheckpointStore(request.checkpointDirectory(), checkpointSettings.keep());
        Optional<Checkpoint> resume = checkpoints.latest();
        Network network = resume.isPresent()
                ? request.model().restore(checkpoints.file(resume.get()).toFile(), true)
                : request.model().create(request.seed(), request.optimizer(), schedule, data.train().classes().size());
        AppliedRate appliedRate = new AppliedRate(network);
        network.setListeners(appliedRate);
        long step = resume.map(Checkpoint::step).orElse(0L);
        int firstEpoch = resume.map(Checkpoint::epoch).orElse(0);
        observer.started(train.stepsPerEpoch(), schedule.totalSteps(), step, firstEpoch, new RunRecord(
                runtime.dl4jVersion(), runtime.backend(), runtime.deviceName(), runtime.oneDnnHelpersActive(),
                System.getProperty("java.version"), datasets.fingerprint(request.dataset()), data.train().count(),
                data.validation() == null ? 0 : data.validation().count(), data.test() == null ? 0 : data.test().count(),
                data.train().classes().size()));

        for (int epoch = firstEpoch; epoch < request.epochs(); epoch++) {
            long epochStart = System.nanoTime();
            boolean resumedHere = resume.isPresent() && epoch == firstEpoch;
            int batch = resumedHere ? resume.get().batch() : 0;
            double lossSum = resumedHere ? resume.get().epochLossSum() : 0;
            long stepAtStart = step;
            try (PrefetchingIterator<DataSet> batches = new PrefetchingIterator<>(
                    train.shuffled(request.seed(), epoch, batch), properties.prefetchDepth(), "trainyard-batches")) {
                while (batches.hasNext()) {
                    if (observer.stopRequested() || Thread.currentThread().isInterrupted()) {
                        if (step > stepAtStart) {
                            observer.beforeSave();
                            checkpoints.save(network, epoch, batch, step, lossSum, null);
                        }
                        return TrainingOutcome.STOPPED;
                    }
                    DataSet minibatch = batches.next();
                    long stepStart = System.nanoTime();
                    // why: DL4J's score adds the weight-decay penalty of the weights before the update; users
                    // compare the cross-entropy alone
                    double penalty = network.penalty();
                    network.fit(minibatch);
                    double loss = network.score() - penalty;
                    int images = minibatch.numExamples();
                    release(minibatch);
                    double seconds = (System.nanoTime() - stepStart) / 1e9;
                    if (!Double.isFinite(loss)) {
                        throw new TrainingDivergedException(step, appliedRate.value, loss);
                    }
                    lossSum += loss * images;
                    observer.stepFinished(new TrainingObserver.StepReport(step, epoch, loss, appliedRate.value,
                            images, seconds));
                    step++;
                    batch++;
                }
            }
            TrainingObserver.Evaluation validation = evaluate(network, data.validation(), request.batchSize(),
                    normalization);
            TrainingObserver.Evaluation test = evaluate(network, data.test(), request.batchSize(), normalization);
            network.incrementEpochCount();
            observer.epochFinished(new TrainingObserver.EpochReport(epoch + 1, lossSum / train.imageCount(),
                    validation, test, (System.nanoTime() - epochStart) / 1e9));
            TrainingObserver.Evaluation judged = validation != null ? validation : test;
            observer.beforeSave();
            checkpoints.save(network, epoch + 1, 0, step, 0, judged == null ? null : judged.accuracy());
        }
        save(network, request.modelFile(), observer);
        LabeledImages judged = data.test() != null ? data.test() : data.validation();
        if (judged != null && judged.count() > 0) {
            int classes = judged.classes().size();
            int[][] confusion = new int[classes][classes];
            evaluate(network, judged, request.batchSize(), normalization, confusion);
            Files.write(request.modelFile().resolveSibling(EVALUATION_FILE), json.writeValueAsBytes(ConfusionMatrix.of(
                    data.test() != null ? "test" : "validation", judged.classes(), confusion)));
        }
        return TrainingOutcome.COMPLETED;
    }

    /** Mean cross-entropy and accuracy of the network on a split; null for a split that is absent. */
    public static TrainingObserver.Evaluation evaluate(Network network, LabeledImages images, int batchSize,
                                                Normalization normalization) {
        return images == null || images.count() == 0 ? null
                : evaluate(network, images, batchSize, normalization, new int[images.classes().size()][images.classes().size()]);
    }

    /** As {@link #evaluate(Network, LabeledImages, int, Normalization)}, counting into {@code confusion}. */
    static TrainingObserver.Evaluation evaluate(Network network, LabeledImages images, int batchSize,
                                                Normalization normalization, int[][] confusion) {
        double lossSum = 0;
        long correct = 0;
        Iterator<DataSet> batches = new Minibatches(images, batchSize, normalization, AugmentSpec.NONE).inOrder();
        while (batches.hasNext()) {
            DataSet batch = batches.next();
            INDArray probabilities = network.output(batch.getFeatures());
            float[] p = probabilities.data().asFloat();
            float[] labels = batch.getLabels().data().asFloat();
            int classes = (int) probabilities.size(1);
            int examples = batch.numExamples();
            probabilities.close();
            release(batch);
            for (int i = 0; i < examples; i++) {
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
                confusion[actual][predicted]++;
                lossSum -= Math.log(Math.max(p[i * classes + actual], 1e-12));
            }
        }
        return new TrainingObserver.Evaluation(lossSum / images.count(), (double) correct / images.count());
    }

    /**
     * Frees a minibatch's off-heap buffers now. why: the garbage collector would free them only when the heap fills,
     * and a step allocates far more off-heap (the batch) than on-heap, so resident memory would climb for epochs.
     */
    private static void release(DataSet minibatch) {
        minibatch.getFeatures().close();
        minibatch.getLabels().close();
    }

    private static void save(Network network, Path modelFile, TrainingObserver observer) throws IOException {
        Files.createDirectories(modelFile.getParent());
        Path partial = Files.createTempFile(modelFile.getParent(), ".model-", ".zip.part");
        try {
            network.save(partial.toFile());
            observer.beforeSave();
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
        private final Network network;
        private double value = Double.NaN;

        AppliedRate(Network network) {
            this.network = network;
        }

        @Override
        public void iterationDone(Model model, int iteration, int epoch) {
            value = network.learningRate();
        }
    }
}
