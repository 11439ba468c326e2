package dev.trainyard.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trainyard.TestServer;
import dev.trainyard.data.AugmentSpec;
import dev.trainyard.data.Cifar10Fixture;
import dev.trainyard.data.Cifar10Properties;
import dev.trainyard.data.DatasetCatalog;
import dev.trainyard.data.DatasetSpec;
import dev.trainyard.schedule.ScheduleSpec;
import dev.trainyard.system.DataDirectory;
import dev.trainyard.system.TrainyardProperties;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TrainerTest {

    static final Path DATA_DIR = TestServer.newDataDir();
    static Trainer trainer;

    @BeforeAll
    static void fixture() throws Exception {
        Cifar10Fixture.write(DATA_DIR.resolve("datasets"), 10, 10, 1);
        TrainingProperties properties = new TrainingProperties(true, 2);
        new Dl4jRuntime(properties);
        trainer = new Trainer(new DatasetCatalog(new DataDirectory(new TrainyardProperties(DATA_DIR)),
                new Cifar10Properties(URI.create("http://127.0.0.1:9/x"), "0".repeat(64), Duration.ofSeconds(1))),
                properties);
    }

    private TrainingRequest request(ScheduleSpec schedule, int epochs) {
        return new TrainingRequest(ModelArchitecture.SEEDNET, DatasetSpec.cifar10(50, 10),
                new AugmentSpec(4, true, true), epochs, 10,
                new OptimizerSpec("sgd", 0.0, true, 0.0), schedule, 3, DATA_DIR.resolve("jobs/x/model.zip"));
    }

    @Test
    void infiniteLossFailsAtOnceNamingTheStepAndRate() {
        Recorder recorder = new Recorder(Long.MAX_VALUE);

        assertThatThrownBy(() -> trainer.train(request(new ScheduleSpec("constant", 1e30, null, null, null, null), 2),
                recorder))
                .isInstanceOf(TrainingDivergedException.class)
                .hasMessageContaining("learning rate 1.0E30")
                .hasMessageContaining("at step " + recorder.steps.size());
        assertThat(recorder.steps.size()).isLessThan(5);
        assertThat(recorder.epochs).isEmpty();
    }

    @Test
    void stopRequestEndsTheRunBeforeTheNextStep() throws Exception {
        Recorder recorder = new Recorder(3);

        TrainingOutcome outcome = trainer.train(request(new ScheduleSpec("constant", 0.01, null, null, null, null), 5),
                recorder);

        assertThat(outcome).isEqualTo(TrainingOutcome.STOPPED);
        assertThat(recorder.steps).hasSize(3);
    }

    @Test
    void everyStepReportsTheRateTheScheduleGivesForItsIndex() throws Exception {
        Recorder recorder = new Recorder(Long.MAX_VALUE);
        ScheduleSpec schedule = new ScheduleSpec("cosine-warmup", 0.05, null, 3L, 0.01, 0.001);

        assertThat(trainer.train(request(schedule, 2), recorder)).isEqualTo(TrainingOutcome.COMPLETED);

        assertThat(recorder.totalSteps).isEqualTo(10);
        var expected = schedule.toSchedule(2, 5);
        assertThat(recorder.steps).extracting(TrainingObserver.StepReport::learningRate)
                .containsExactlyElementsOf(java.util.stream.LongStream.range(0, 10).mapToObj(expected::valueAt)
                        .toList());
        assertThat(recorder.epochs).extracting(TrainingObserver.EpochReport::epoch).containsExactly(1, 2);
        assertThat(DATA_DIR.resolve("jobs/x/model.zip")).isRegularFile();
        assertThat(DATA_DIR.resolve("jobs/x/normalization.json")).content().startsWith("{\"mean\": [");
        assertThat(recorder.epochs.get(1).test().accuracy()).isBetween(0.0, 1.0);
        assertThat(recorder.epochs.get(1).validation()).isNull();
    }

    /** Records what the trainer reports and asks it to stop after {@code stopAfter} steps. */
    static final class Recorder implements TrainingObserver {
        final List<StepReport> steps = new ArrayList<>();
        final List<EpochReport> epochs = new ArrayList<>();
        final long stopAfter;
        long totalSteps;

        Recorder(long stopAfter) {
            this.stopAfter = stopAfter;
        }

        @Override
        public void started(int stepsPerEpoch, long totalSteps) {
            this.totalSteps = totalSteps;
        }

        @Override
        public void stepFinished(StepReport step) {
            steps.add(step);
        }

        @Override
        public void epochFinished(EpochReport epoch) {
            epochs.add(epoch);
        }

        @Override
        public boolean stopRequested() {
            return steps.size() >= stopAfter;
        }
    }
}
