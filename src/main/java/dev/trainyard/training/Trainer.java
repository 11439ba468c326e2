package dev.trainyard.training;

import dev.trainyard.data.Augmentation;
import dev.trainyard.data.DatasetCatalog;
import dev.trainyard.data.LabeledImages;
import dev.trainyard.data.Minibatches;
import dev.trainyard.data.Normalization;
import dev.trainyard.data.PrefetchingIterator;
import dev.trainyard.data.TrainTestSplit;
import dev.trainyard.schedule.LearningRateSchedule;
import dev.trainyard.system.AtomicFiles;
import dev.trainyard.training.onednn.ConvolutionPath;
import dev.trainyard.training.onednn.InstalledConvolutions;
import java.io.IOException;
import java.util.Iterator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/**
 * Trains one network for a job: loads the data, builds the network with the job's schedule (or restores it from the
 * checkpoint it resumes from), runs the epochs step by step (checking for a stop request before each step),
 * evaluates and checkpoints after every epoch and on a stop, and saves the model at the end.
 *
 * <p>An interrupt (the shutdown backstop, when a stop request was not honoured in time) ends the run like a stop: it
 * checkpoints where it is and then throws {@link InterruptedException}, so the job goes back to the queue.
 */
@Service
public class Trainer {

    private final DatasetCatalog datasets;
    private final TrainingProperties properties;
    private final Dl4jRuntime runtime;
    private final ConvolutionPath convolutionPath;
    private final JsonMapper json;

    public Trainer(
            DatasetCatalog datasets,
            TrainingProperties properties,
            Dl4jRuntime runtime,
            ConvolutionPath convolutionPath,
            JsonMapper json) {
        this.json = json;
        this.datasets = datasets;
        this.properties = properties;
        this.runtime = runtime;
        this.convolutionPath = convolutionPath;
    }

    /** One run of a job: what it trains on and where it is. Closing it frees the native convolution path. */
    private final class Run implements AutoCloseable {
        final TrainingRequest request;
        final TrainingObserver observer;
        final TrainTestSplit data;
        final Normalization normalization;
        final Minibatches train;
        final CheckpointStore checkpoints;
        final Network network;
        final InstalledConvolutions convolutions;
        final AppliedRate appliedRate;
        long step;

        Run(TrainingRequest request, TrainingObserver observer) throws InterruptedException, IOException {
            this.request = request;
            this.observer = observer;
            this.data = datasets.load(request.dataset());
            this.normalization =
                    request.augment().normalize() ? Normalization.of(data.train()) : Normalization.IDENTITY;
            writeModelCard();
            this.train = new Minibatches(data.train(), request.batchSize(), normalization, request.augment());
            this.checkpoints = new CheckpointStore(request.files().checkpoints());
            this.network = buildOrRestore();
            this.convolutions = convolutionPath.install(network.model(), ModelArchitecture.INPUT);
            this.appliedRate = new AppliedRate(network);
            network.setListeners(appliedRate);
            this.step = request.resumeFrom() == null ? 0 : request.resumeFrom().step();
        }

        /** The card a downloaded model is used with: its classes and the normalisation its inputs need. */
        private void writeModelCard() throws IOException {
            AtomicFiles.write(
                    request.files().modelCard(),
                    json.writeValueAsBytes(new ModelCard(
                            request.model().id(), data.train().classes(), normalization.mean(), normalization.std())));
        }

        /** A new network under the job's schedule, or the one in the checkpoint the run resumes from. */
        private Network buildOrRestore() throws IOException {
            Checkpoint resume = request.resumeFrom();
            return resume != null
                    ? request.model().restore(checkpoints.file(resume).toFile(), true)
                    : request.model()
                            .create(
                                    request.seed(),
                                    request.optimizer(),
                                    schedule(),
                                    data.train().classes().size());
        }

        LearningRateSchedule schedule() {
            return request.schedule().over(request.epochs(), train.stepsPerEpoch());
        }

        RunRecord record() throws IOException {
            return new RunRecord(
                    runtime.dl4jVersion(),
                    runtime.backend(),
                    runtime.deviceName(),
                    runtime.oneDnnHelpersActive(),
                    convolutions.coverage(),
                    System.getProperty("java.version"),
                    datasets.fingerprint(request.dataset()),
                    data.train().count(),
                    data.validation() == null ? 0 : data.validation().count(),
                    data.test() == null ? 0 : data.test().count(),
                    data.train().classes().size());
        }

        @Override
        public void close() {
            convolutions.close();
        }
    }

    /**
     * Runs a job from its first (or resumed) epoch to its end or a stop: load and build ({@link Run}), then each
     * epoch ({@link #trainEpoch}), then the model and its evaluation ({@link #finish}).
     */
    public TrainingOutcome train(TrainingRequest request, TrainingObserver observer)
            throws InterruptedException, IOException {
        try (Run run = new Run(request, observer)) {
            Checkpoint resume = request.resumeFrom();
            int firstEpoch = resume == null ? 0 : resume.epoch();
            observer.started(
                    run.train.stepsPerEpoch(), run.schedule().totalSteps(), run.step, firstEpoch, run.record());
            for (int epoch = firstEpoch; epoch < request.epochs(); epoch++) {
                boolean resumedHere = resume != null && epoch == firstEpoch;
                if (!trainEpoch(
                        run, epoch, resumedHere ? resume.batch() : 0, resumedHere ? resume.epochLossSum() : 0)) {
                    return TrainingOutcome.STOPPED;
                }
            }
            finish(run);
            return TrainingOutcome.COMPLETED;
        }
    }

    /**
     * Trains one epoch from batch {@code firstBatch} on, then evaluates and checkpoints it.
     *
     * @return false when the run stopped before the epoch's end (it checkpointed where it stopped)
     */
    private boolean trainEpoch(Run run, int epoch, int firstBatch, double lossSumSoFar)
            throws IOException, InterruptedException {
        long epochStart = System.nanoTime();
        EpochSteps steps = runSteps(run, epoch, firstBatch, lossSumSoFar);
        if (steps.batch() < run.train.stepsPerEpoch() || steps.interrupted()) {
            checkpointStop(run, epoch, steps);
            return false;
        }
        endEpoch(run, epoch, steps.lossSum(), epochStart);
        return true;
    }

    /**
     * How far an epoch's steps got.
     *
     * @param batch       the next batch of the epoch to train
     * @param lossSum     the sum of the epoch's minibatch losses so far, each weighted by its batch size
     * @param trained     whether any step was trained in this call
     * @param interrupted whether the thread was interrupted (the flag is cleared; the run rethrows it after saving)
     */
    private record EpochSteps(int batch, double lossSum, boolean trained, boolean interrupted) {}

    /** Steps through the epoch's batches until they run out, a stop is requested or the thread is interrupted. */
    private EpochSteps runSteps(Run run, int epoch, int firstBatch, double lossSumSoFar) {
        int batch = firstBatch;
        double lossSum = lossSumSoFar;
        boolean interrupted = false;
        try (PrefetchingIterator<DataSet> batches = new PrefetchingIterator<>(
                run.train.shuffled(run.request.seed(), epoch, firstBatch),
                properties.prefetchDepth(),
                "trainyard-batches")) {
            long previousEnd = System.nanoTime();
            while (true) {
                if (run.observer.stopRequested() || Thread.currentThread().isInterrupted()) {
                    interrupted = Thread.interrupted();
                    break;
                }
                DataSet minibatch;
                try {
                    if (!batches.hasNext()) {
                        break;
                    }
                    minibatch = batches.next();
                } catch (PrefetchingIterator.WaitInterruptedException e) {
                    interrupted = Thread.interrupted();
                    break;
                }
                double loss = fit(run, minibatch);
                int images = minibatch.numExamples();
                release(minibatch);
                long end = System.nanoTime();
                lossSum += loss * images;
                run.observer.stepFinished(new TrainingObserver.StepReport(
                        run.step, epoch, loss, run.appliedRate.value, images, (end - previousEnd) / 1e9));
                previousEnd = end;
                run.step++;
                batch++;
            }
        }
        return new EpochSteps(batch, lossSum, batch > firstBatch, interrupted);
    }

    /** A run that stops mid-epoch saves where it is (if it trained anything) and rethrows an interrupt. */
    private static void checkpointStop(Run run, int epoch, EpochSteps steps) throws IOException, InterruptedException {
        if (steps.trained()) {
            run.observer.beforeSave();
            run.observer.checkpointSaved(
                    run.checkpoints.save(run.network, epoch, steps.batch(), run.step, steps.lossSum(), null));
        }
        if (steps.interrupted()) {
            throw new InterruptedException("training was interrupted at step " + run.step + "; it checkpointed there");
        }
    }

    /** Evaluates a finished epoch, checkpoints it and reports the two together. */
    private static void endEpoch(Run run, int epoch, double lossSum, long epochStart)
            throws IOException, InterruptedException {
        TrainingObserver.Evaluation validation =
                evaluate(run.network, run.data.validation(), run.request.batchSize(), run.normalization);
        TrainingObserver.Evaluation test =
                evaluate(run.network, run.data.test(), run.request.batchSize(), run.normalization);
        run.network.incrementEpochCount();
        TrainingObserver.Evaluation judged = validation != null ? validation : test;
        // why: an interrupt that came during evaluation must not break the checkpoint's file write (NIO channels
        // close on interrupt); the epoch is kept, then the run stops
        boolean interruptedLate = Thread.interrupted();
        run.observer.beforeSave();
        Checkpoint checkpoint =
                run.checkpoints.save(run.network, epoch + 1, 0, run.step, 0, judged == null ? null : judged.accuracy());
        run.observer.epochFinished(
                new TrainingObserver.EpochReport(
                        epoch + 1,
                        lossSum / run.train.imageCount(),
                        validation,
                        test,
                        (System.nanoTime() - epochStart) / 1e9),
                checkpoint);
        if (interruptedLate) {
            throw new InterruptedException(
                    "training was interrupted after epoch " + (epoch + 1) + "; it checkpointed there");
        }
    }

    /** One optimizer step; the loss as users compare it, and a divergence stops the run at once. */
    private static double fit(Run run, DataSet minibatch) {
        // why: DL4J's score adds the weight-decay penalty of the weights before the update; users compare the
        // cross-entropy alone
        double penalty = run.network.penalty();
        run.convolutions.step(() -> run.network.fit(minibatch));
        double loss = run.network.score() - penalty;
        if (!Double.isFinite(loss)) {
            release(minibatch);
            throw new TrainingDivergedException(run.step, run.appliedRate.value, loss);
        }
        return loss;
    }

    /** Saves the model, then the confusion matrix of the final network on the test (else validation) images. */
    private void finish(Run run) throws IOException {
        run.observer.beforeSave();
        ModelExport.write(run.network, run.request.files().model());
        LabeledImages judged = run.data.test() != null ? run.data.test() : run.data.validation();
        if (judged != null && judged.count() > 0) {
            Evaluation evaluation = score(run.network, judged, run.request.batchSize(), run.normalization)
                    .evaluation();
            AtomicFiles.write(
                    run.request.files().evaluation(),
                    json.writeValueAsBytes(ConfusionMatrix.of(
                            run.data.test() != null ? "test" : "validation", judged.classes(), evaluation)));
        }
    }

    /**
     * Mean cross-entropy and accuracy of the network on a split; null for a split that is absent.
     *
     * @throws TrainingDivergedException when the network predicts NaN: its weights are broken, and a finished job
     *                                   must not hand out such a model as a success
     */
    public static TrainingObserver.Evaluation evaluate(
            Network network, LabeledImages images, int batchSize, Normalization normalization) {
        return images == null || images.count() == 0
                ? null
                : score(network, images, batchSize, normalization).result();
    }

    /**
     * A split's result and ND4J's {@link Evaluation} of it (accuracy, confusion matrix).
     *
     * @param result the mean cross-entropy and the accuracy
     */
    record Scored(TrainingObserver.Evaluation result, Evaluation evaluation) {}

    /** Classifies every image of a non-empty split once: ND4J's evaluation, and the cross-entropy beside it. */
    static Scored score(Network network, LabeledImages images, int batchSize, Normalization normalization) {
        Evaluation evaluation = new Evaluation(images.classes());
        double lossSum = 0;
        Iterator<DataSet> batches = new Minibatches(images, batchSize, normalization, Augmentation.NONE).inOrder();
        while (batches.hasNext()) {
            DataSet batch = batches.next();
            try (INDArray probabilities = network.output(batch.getFeatures());
                    INDArray picked = probabilities.mul(batch.getLabels());
                    INDArray ofLabels = picked.sum(1)) {
                if (Double.isNaN(probabilities.sumNumber().doubleValue())) {
                    throw TrainingDivergedException.atEvaluation(network.iterationCount());
                }
                evaluation.eval(batch.getLabels(), probabilities);
                Transforms.log(Transforms.max(ofLabels, 1e-12, false), false);
                lossSum -= ofLabels.sumNumber().doubleValue();
            } finally {
                release(batch);
            }
        }
        return new Scored(new TrainingObserver.Evaluation(lossSum / images.count(), evaluation.accuracy()), evaluation);
    }

    /**
     * Frees a minibatch's off-heap buffers now. why: the garbage collector would free them only when the heap fills,
     * and a step allocates far more off-heap (the batch) than on-heap, so resident memory would climb for epochs.
     */
    private static void release(DataSet minibatch) {
        minibatch.getFeatures().close();
        minibatch.getLabels().close();
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
