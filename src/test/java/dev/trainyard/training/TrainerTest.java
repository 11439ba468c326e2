package dev.trainyard.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.trainyard.TestServer;
import dev.trainyard.data.Augmentation;
import dev.trainyard.data.Cifar10Fixture;
import dev.trainyard.data.Cifar10Properties;
import dev.trainyard.data.DatasetCatalog;
import dev.trainyard.data.DatasetChoice;
import dev.trainyard.data.DecodedCacheProperties;
import dev.trainyard.data.ImageDecoder;
import dev.trainyard.data.ImageProperties;
import dev.trainyard.data.LabeledImages;
import dev.trainyard.data.Minibatches;
import dev.trainyard.data.Normalization;
import dev.trainyard.schedule.LearningRateSchedule;
import dev.trainyard.schedule.SchedulePlan;
import dev.trainyard.system.DataDirectory;
import dev.trainyard.system.JobFolder;
import dev.trainyard.system.TrainyardProperties;
import dev.trainyard.training.TrainingObserver.EpochReport;
import dev.trainyard.training.TrainingObserver.StepReport;
import dev.trainyard.training.onednn.ConvolutionCoverage;
import dev.trainyard.training.onednn.ConvolutionPath;
import dev.trainyard.training.onednn.OneDnnLibrary;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.json.JsonMapper;

class TrainerTest {

    static final Path DATA_DIR = TestServer.newDataDir();
    static Trainer trainer;
    static OneDnnLibrary oneDnn;

    @BeforeAll
    static void fixture() throws Exception {
        Cifar10Fixture.write(DATA_DIR.resolve("datasets"), 10, 10, 1);
        TrainingProperties properties = new TrainingProperties(true, TrainingProperties.Convolutions.ONEDNN, 1, 2);
        Dl4jRuntime runtime = new Dl4jRuntime(properties);
        trainer = new Trainer(
                catalog(),
                properties,
                runtime,
                new ConvolutionPath(oneDnn = OneDnnLibrary.load()),
                JsonMapper.builder().build());
    }

    /** The fixture's datasets; CIFAR-10's download address points nowhere, so nothing is fetched. */
    private static DatasetCatalog catalog() {
        return new DatasetCatalog(
                new DataDirectory(new TrainyardProperties(DATA_DIR)),
                new Cifar10Properties(URI.create("http://127.0.0.1:9/x"), "0".repeat(64), Duration.ofSeconds(1)),
                new DecodedCacheProperties(4),
                new ImageDecoder(new ImageProperties(25_000_000)),
                Clock.systemUTC());
    }

    private final Path jobDir =
            DATA_DIR.resolve("jobs").resolve(java.util.UUID.randomUUID().toString());

    /** The same rate at every step of the run. */
    private static SchedulePlan constant(double lr) {
        return (epochs, steps) -> new LearningRateSchedule(lr, lr, lr, 0, (long) epochs * steps);
    }

    private TrainingRequest request(SchedulePlan schedule, int epochs) {
        return request(schedule, epochs, jobDir);
    }

    private static TrainingRequest request(SchedulePlan schedule, int epochs, Path jobDir) {
        return request(ModelArchitecture.SEEDNET, schedule, epochs, jobDir);
    }

    private static TrainingRequest request(ModelArchitecture model, SchedulePlan schedule, int epochs, Path jobDir) {
        return request(model, schedule, epochs, jobDir, null);
    }

    private static TrainingRequest request(
            ModelArchitecture model, SchedulePlan schedule, int epochs, Path jobDir, Checkpoint resumeFrom) {
        return new TrainingRequest(
                model,
                new DatasetChoice.Cifar10(50, 10, 0),
                new Augmentation(4, true, true),
                epochs,
                10,
                new Optimizer(Optimizer.Kind.SGD, 0.9, 5e-4),
                schedule,
                3,
                JobFolder.at(jobDir),
                resumeFrom);
    }

    private static Network freshSeednet() {
        return ModelArchitecture.SEEDNET.create(
                1, new Optimizer(Optimizer.Kind.SGD, 0.9, 5e-4), constant(0.01).over(1, 1), 10);
    }

    @Test
    void evaluationIsTheMeanCrossEntropyAndTheShareClassifiedRight() throws Exception {
        Network network = freshSeednet();
        LabeledImages images =
                catalog().load(new DatasetChoice.Cifar10(null, 10, 0)).test();

        TrainingObserver.Evaluation evaluation = Trainer.evaluate(network, images, 4, Normalization.IDENTITY);

        double lossSum = 0;
        int correct = 0;
        var batches = new Minibatches(images, images.count(), Normalization.IDENTITY, Augmentation.NONE).inOrder();
        var all = batches.next();
        float[][] p = network.output(all.getFeatures()).toFloatMatrix();
        float[][] labels = all.getLabels().toFloatMatrix();
        for (int i = 0; i < p.length; i++) {
            int actual = 0;
            int predicted = 0;
            for (int c = 0; c < p[i].length; c++) {
                actual = labels[i][c] > 0 ? c : actual;
                predicted = p[i][c] > p[i][predicted] ? c : predicted;
            }
            correct += actual == predicted ? 1 : 0;
            lossSum -= Math.log(Math.max(p[i][actual], 1e-12));
        }
        assertThat(evaluation.accuracy()).isEqualTo((double) correct / p.length);
        assertThat(evaluation.loss()).isCloseTo(lossSum / p.length, within(1e-5));
    }

    @Test
    void aNetworkThatPredictsNaNFailsTheRunAsDiverged() throws Exception {
        Network network = freshSeednet();
        network.model().params().assign(Double.NaN);
        LabeledImages images =
                catalog().load(new DatasetChoice.Cifar10(null, 10, 0)).test();

        assertThatThrownBy(() -> Trainer.evaluate(network, images, 4, Normalization.IDENTITY))
                .isInstanceOf(TrainingDivergedException.class)
                .hasMessage("the network predicted NaN when evaluated after step 0; lower schedule.baseLr or lengthen "
                        + "the warmup");
    }

    @Test
    void infiniteLossFailsAtOnceNamingTheStepAndRate() {
        Recorder recorder = new Recorder(Long.MAX_VALUE);

        assertThatThrownBy(() -> trainer.train(request(constant(1e30), 2), recorder))
                .isInstanceOf(TrainingDivergedException.class)
                .hasMessageContaining("learning rate 1.0E30")
                .hasMessageContaining("at step " + recorder.steps.size());
        assertThat(recorder.steps.size()).isLessThan(5);
        assertThat(recorder.epochs).isEmpty();
    }

    @Test
    void reportedLossIsTheCrossEntropyWithoutTheWeightDecayPenalty() throws Exception {
        Recorder recorder = new Recorder(1);
        TrainingRequest heavyDecay = new TrainingRequest(
                ModelArchitecture.SEEDNET,
                new DatasetChoice.Cifar10(50, 10, 0),
                Augmentation.NONE,
                1,
                10,
                new Optimizer(Optimizer.Kind.SGD, 0.0, 5.0),
                constant(0.001),
                3,
                JobFolder.at(jobDir),
                null);

        trainer.train(heavyDecay, recorder);

        // an untrained 10-class softmax scores about ln(10) = 2.30; the penalty alone would add several units
        assertThat(recorder.steps.get(0).loss()).isBetween(1.5, 3.2);
    }

    @Test
    void stopRequestEndsTheRunBeforeTheNextStep() throws Exception {
        Recorder recorder = new Recorder(3);

        TrainingOutcome outcome = trainer.train(request(constant(0.01), 5), recorder);

        assertThat(outcome).isEqualTo(TrainingOutcome.STOPPED);
        assertThat(recorder.steps).hasSize(3);
        assertThat(recorder.checkpoints).singleElement().satisfies(checkpoint -> {
            assertThat(checkpoint.step()).isEqualTo(3);
            assertThat(checkpoint.batch()).isEqualTo(3);
            assertThat(new CheckpointStore(jobDir.resolve("checkpoints")).isIntact(checkpoint))
                    .isTrue();
        });
    }

    @Test
    void interruptCheckpointsWhereTheRunIsAndEndsItWithInterruptedException() throws Exception {
        Recorder recorder = new Recorder(Long.MAX_VALUE) {
            @Override
            public void stepFinished(StepReport step) {
                super.stepFinished(step);
                if (step.step() == 6) {
                    Thread.currentThread().interrupt();
                }
            }
        };

        assertThatThrownBy(() -> trainer.train(request(constant(0.01), 5), recorder))
                .isInstanceOf(InterruptedException.class);

        assertThat(Thread.interrupted())
                .as("the flag is not left set for the caller's database writes")
                .isFalse();
        assertThat(recorder.steps).hasSize(7);
        assertThat(recorder.checkpoints).extracting(Checkpoint::step).containsExactly(5L, 7L);
        assertThat(new CheckpointStore(jobDir.resolve("checkpoints")).isIntact(recorder.checkpoints.get(1)))
                .isTrue();
    }

    @Test
    void everyStepReportsTheRateTheScheduleGivesForItsIndex() throws Exception {
        Recorder recorder = new Recorder(Long.MAX_VALUE);
        SchedulePlan schedule =
                (epochs, steps) -> new LearningRateSchedule(0.01, 0.05, 0.001, 3, (long) epochs * steps);

        assertThat(trainer.train(request(schedule, 2), recorder)).isEqualTo(TrainingOutcome.COMPLETED);

        assertThat(recorder.totalSteps).isEqualTo(10);
        assertThat(recorder.record.datasetFingerprint()).hasSize(64);
        assertThat(recorder.record.backend()).isEqualTo("CPU");
        assertThat(recorder.record.trainImages()).isEqualTo(50);
        assertThat(recorder.record.testImages()).isEqualTo(10);
        assertThat(recorder.record.convolutions())
                .isEqualTo(
                        oneDnn.available()
                                ? new ConvolutionCoverage(ConvolutionCoverage.TRAINYARD_ONEDNN, 4, 4, 3, List.of())
                                : new ConvolutionCoverage(
                                        ConvolutionCoverage.DL4J,
                                        4,
                                        0,
                                        0,
                                        List.of(oneDnn.unavailableReason().orElseThrow())));
        var expected = schedule.over(2, 5);
        assertThat(recorder.steps)
                .extracting(TrainingObserver.StepReport::learningRate)
                .containsExactlyElementsOf(java.util.stream.LongStream.range(0, 10)
                        .mapToObj(expected::valueAt)
                        .toList());
        assertThat(recorder.epochs)
                .extracting(TrainingObserver.EpochReport::epoch)
                .containsExactly(1, 2);
        assertThat(jobDir.resolve("model.zip")).isRegularFile();
        assertThat(jobDir.resolve("model-card.json")).content().contains("\"classes\":[\"airplane\"");
        assertThat(jobDir.resolve("evaluation.json")).content().contains("\"split\":\"test\"");
        assertThat(recorder.epochs.get(1).test().accuracy()).isBetween(0.0, 1.0);
        assertThat(recorder.epochs.get(1).validation()).isNull();
    }

    @ParameterizedTest
    @EnumSource(names = {"SEEDNET", "RESNET20"})
    void runResumedAfterACrashContinuesTheScheduleAndRepeatsNoEpoch(ModelArchitecture model) throws Exception {
        SchedulePlan schedule =
                (epochs, steps) -> new LearningRateSchedule(0.0, 0.05, 0.0, steps, (long) epochs * steps);
        Recorder uninterrupted = new Recorder(Long.MAX_VALUE);
        trainer.train(
                request(model, schedule, 3, DATA_DIR.resolve("jobs/" + java.util.UUID.randomUUID())), uninterrupted);

        Path crashing = DATA_DIR.resolve("jobs/" + java.util.UUID.randomUUID());
        Recorder beforeCrash = new Recorder(Long.MAX_VALUE) {
            @Override
            public void stepFinished(StepReport step) {
                super.stepFinished(step);
                if (step.step() == 7) {
                    throw new IllegalStateException("simulated crash mid-epoch 2");
                }
            }
        };
        assertThatThrownBy(() -> trainer.train(request(model, schedule, 3, crashing), beforeCrash))
                .hasMessageContaining("simulated crash");
        Recorder afterCrash = new Recorder(Long.MAX_VALUE);
        Checkpoint lastRecorded = beforeCrash.checkpoints.get(beforeCrash.checkpoints.size() - 1);
        assertThat(trainer.train(request(model, schedule, 3, crashing, lastRecorded), afterCrash))
                .isEqualTo(TrainingOutcome.COMPLETED);

        assertThat(afterCrash.firstStep).isEqualTo(5); // the checkpoint after epoch 1
        assertThat(afterCrash.steps.get(0).step()).isEqualTo(5);
        List<Double> resumedRates = new ArrayList<>();
        beforeCrash.steps.stream()
                .filter(step -> step.step() < 5)
                .forEach(step -> resumedRates.add(step.learningRate()));
        afterCrash.steps.forEach(step -> resumedRates.add(step.learningRate()));
        assertThat(resumedRates)
                .containsExactlyElementsOf(uninterrupted.steps.stream()
                        .map(StepReport::learningRate)
                        .toList());
        assertThat(afterCrash.epochs).extracting(EpochReport::epoch).containsExactly(2, 3);
        for (int i = 0; i < afterCrash.steps.size(); i++) {
            assertThat(afterCrash.steps.get(i).loss())
                    .as("loss of step %d", i + 5)
                    .isCloseTo(uninterrupted.steps.get(i + 5).loss(), org.assertj.core.api.Assertions.within(1e-4));
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"SEEDNET", "RESNET20"})
    void checkpointRoundTripGivesTheSameNextStep(ModelArchitecture model) throws Exception {
        Recorder recorder = new Recorder(Long.MAX_VALUE);
        trainer.train(request(model, constant(0.02), 1, jobDir), recorder);
        CheckpointStore store = new CheckpointStore(jobDir.resolve("checkpoints"));
        Checkpoint saved = recorder.checkpoints.get(recorder.checkpoints.size() - 1);
        Network original = model.restore(store.file(saved).toFile(), true);
        Checkpoint again = store.save(original, saved.epoch(), 0, saved.step() + 1, 0, 0.5);

        Network restored = model.restore(store.file(again).toFile(), true);
        org.nd4j.linalg.dataset.DataSet batch = new org.nd4j.linalg.dataset.DataSet(
                org.nd4j.linalg.factory.Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 4, 3, 32, 32),
                org.nd4j.linalg.factory.Nd4j.eye(10)
                        .getRows(0, 1, 2, 3)
                        .castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT));
        original.fit(batch);
        restored.fit(batch);

        assertThat(restored.model().params().data().asFloat())
                .containsExactly(original.model().params().data().asFloat());
        assertThat(restored.output(batch.getFeatures()).data().asFloat())
                .containsExactly(original.output(batch.getFeatures()).data().asFloat());
        assertThat(again.sha256()).hasSize(64);
        assertThat(store.isIntact(again)).isTrue();
    }

    @Test
    void aRunWithoutTheOneDnnPathTrainsOnDl4jsAndItsRecordSaysWhy() throws Exception {
        TrainingProperties properties = new TrainingProperties(true, TrainingProperties.Convolutions.DL4J, 1, 2);
        Trainer withoutPath = new Trainer(
                catalog(),
                properties,
                new Dl4jRuntime(properties),
                new ConvolutionPath(OneDnnLibrary.unavailable("switched off (trainyard.training.convolutions=dl4j)")),
                JsonMapper.builder().build());
        Recorder recorder = new Recorder(Long.MAX_VALUE);

        assertThat(withoutPath.train(request(ModelArchitecture.RESNET20, constant(0.01), 1, jobDir), recorder))
                .isEqualTo(TrainingOutcome.COMPLETED);

        assertThat(recorder.record.convolutions())
                .isEqualTo(new ConvolutionCoverage(
                        ConvolutionCoverage.DL4J,
                        21,
                        0,
                        0,
                        List.of("switched off (trainyard.training.convolutions=dl4j)")));
        assertThat(recorder.epochs)
                .singleElement()
                .satisfies(epoch -> assertThat(epoch.trainLoss()).isFinite());
    }

    /** Records what the trainer reports and asks it to stop after {@code stopAfter} steps. */
    static class Recorder implements TrainingObserver {
        final List<StepReport> steps = new ArrayList<>();
        final List<EpochReport> epochs = new ArrayList<>();
        final List<Checkpoint> checkpoints = new ArrayList<>();
        final long stopAfter;
        long totalSteps;
        long firstStep;
        RunRecord record;

        Recorder(long stopAfter) {
            this.stopAfter = stopAfter;
        }

        @Override
        public void started(int stepsPerEpoch, long totalSteps, long firstStep, int firstEpoch, RunRecord record) {
            this.totalSteps = totalSteps;
            this.firstStep = firstStep;
            this.record = record;
        }

        @Override
        public void stepFinished(StepReport step) {
            steps.add(step);
        }

        @Override
        public void epochFinished(EpochReport epoch, Checkpoint checkpoint) {
            epochs.add(epoch);
            checkpoints.add(checkpoint);
        }

        @Override
        public void checkpointSaved(Checkpoint checkpoint) {
            checkpoints.add(checkpoint);
        }

        @Override
        public boolean stopRequested() {
            return steps.size() >= stopAfter;
        }
    }
}
