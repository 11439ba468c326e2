package dev.trainyard.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

import dev.trainyard.TestServer;
import dev.trainyard.jobs.Job;
import dev.trainyard.jobs.JobLifecycle;
import dev.trainyard.jobs.Lease;
import dev.trainyard.metrics.StorageUsage;
import dev.trainyard.metrics.TrainyardMetrics;
import dev.trainyard.training.Checkpoint;
import dev.trainyard.training.CheckpointStore;
import dev.trainyard.training.TrainingObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/** What a run reports as its speed and ETA when its steps take uneven time. */
class JobRunTest {

    private final JobLifecycle lifecycle = mock(JobLifecycle.class);
    private final Path jobDir = TestServer.newDataDir();
    private final JobRun run = new JobRun(
            new Lease(UUID.randomUUID(), 1),
            lifecycle,
            new TrainyardMetrics(new SimpleMeterRegistry(), new StorageUsage() {
                @Override
                public long freeBytes() {
                    return 0;
                }

                @Override
                public long jobFileBytes() {
                    return 0;
                }
            }),
            Duration.ofHours(1),
            jobDir.resolve("training.log"),
            new CheckpointStore(jobDir));

    /** 10 steps of 64 images, alternating 10 ms and 1 s (a slow batch now and then, a pause for data). */
    private void unevenEpoch(int epoch) {
        for (int i = 0; i < 10; i++) {
            run.stepFinished(
                    new TrainingObserver.StepReport(epoch * 10L + i, epoch, 1.0, 0.1, 64, i % 2 == 0 ? 0.01 : 1.0));
        }
    }

    private Job.Progress lastProgress() {
        ArgumentCaptor<Job.Progress> progress = ArgumentCaptor.forClass(Job.Progress.class);
        verify(lifecycle, atLeastOnce()).progressed(any(), progress.capture(), anyList());
        return progress.getValue();
    }

    @Test
    void speedIsImagesOverWallTimeNotAnAverageOfPerStepRates() {
        run.started(10, 40, 0, 0, null);
        unevenEpoch(0);
        run.flush();

        Job.Progress progress = lastProgress();
        // 640 images in 5 x 0.01 s + 5 x 1 s = 5.05 s; the mean of the per-step rates would be 3,232 images/s
        assertThat(progress.imagesPerSecond()).isCloseTo(640 / 5.05, within(1e-9));
        assertThat(progress.etaSeconds())
                .as("30 steps left at 0.505 s, no evaluation timed yet")
                .isCloseTo(30 * 0.505, within(1e-9));
    }

    @Test
    void etaIncludesOneEvaluationPerRemainingEpochOnceOneWasTimed() {
        run.started(10, 40, 0, 0, null);
        unevenEpoch(0);
        Checkpoint checkpoint =
                new Checkpoint("step-000000010.zip", 1, 0, 10, 0, 0.5, 1, "0".repeat(64), Instant.now());
        // the epoch took 5.05 s of steps and 2 s of evaluation and checkpoint
        run.epochFinished(
                new TrainingObserver.EpochReport(1, 1.0, null, new TrainingObserver.Evaluation(1, 0.5), 7.05),
                checkpoint);
        unevenEpoch(1);
        run.flush();

        Job.Progress progress = lastProgress();
        assertThat(progress.imagesPerSecond()).isCloseTo(1280 / 10.1, within(1e-9));
        assertThat(progress.etaSeconds())
                .as("20 steps at 0.505 s and the evaluations of epochs 2, 3 and 4")
                .isCloseTo(20 * 0.505 + 3 * 2.0, within(1e-9));
    }

    @Test
    void aResumedRunCountsOnlyTheEpochsItHasLeft() {
        run.started(10, 40, 20, 2, null);
        unevenEpoch(2);
        run.flush();

        assertThat(lastProgress().etaSeconds()).isCloseTo(10 * 0.505, within(1e-9));
        assertThat(List.of(lastProgress().step())).containsExactly(30L);
    }
}
