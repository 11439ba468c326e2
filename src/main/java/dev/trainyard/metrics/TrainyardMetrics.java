package dev.trainyard.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * The training and storage meters (the job counters are {@code jobs.JobMeters}). Names are Micrometer's dotted form; Prometheus shows {@code trainyard.jobs.submitted} as
 * {@code trainyard_jobs_submitted_total}. Per-job gauges carry a {@code job_id} label and are removed when the job
 * ends, so the label set stays bounded by the number of device slots.
 */
@Component
public class TrainyardMetrics {

    private final MeterRegistry registry;
    private final Timer stepTime;
    private final Map<UUID, RunningJob> running = new ConcurrentHashMap<>();

    public TrainyardMetrics(MeterRegistry registry, StorageUsage storage) {
        this.registry = registry;
        Gauge.builder("trainyard.storage.free", storage, StorageUsage::freeBytes)
                .baseUnit("bytes")
                .description("Bytes free under the data directory")
                .register(registry);
        Gauge.builder("trainyard.storage.jobs", storage, StorageUsage::jobFileBytes)
                .baseUnit("bytes")
                .description("Bytes taken by job files: models, checkpoints, logs")
                .register(registry);
        this.stepTime = Timer.builder("trainyard.training.step")
                .description("Wall time of one optimizer step")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
    }

    /** Registers the job's training gauges; they read the values that {@link #stepFinished} stores. */
    public void trainingStarted(UUID jobId) {
        running.computeIfAbsent(jobId, id -> new RunningJob(registry, id));
    }

    public void stepFinished(UUID jobId, double loss, double learningRate, double imagesPerSecond, Duration time) {
        stepTime.record(time);
        RunningJob job = running.get(jobId);
        if (job != null) {
            job.loss = loss;
            job.learningRate = learningRate;
            job.imagesPerSecond = imagesPerSecond;
        }
    }

    /** @param validationAccuracy NaN without a validation split; {@code testAccuracy} NaN without a test set */
    public void epochFinished(UUID jobId, int epoch, double validationAccuracy, double testAccuracy) {
        RunningJob job = running.get(jobId);
        if (job != null) {
            job.epoch = epoch;
            job.validationAccuracy = validationAccuracy;
            job.testAccuracy = testAccuracy;
        }
    }

    /** Removes the job's gauges; their series disappear from the next scrape. */
    public void trainingEnded(UUID jobId) {
        RunningJob job = running.remove(jobId);
        if (job != null) {
            job.meters.forEach(registry::remove);
        }
    }

    /** The latest values of one running job, read by its gauges. */
    private static final class RunningJob {
        private volatile double loss = Double.NaN;
        private volatile double learningRate = Double.NaN;
        private volatile double imagesPerSecond;
        private volatile double epoch;
        private volatile double validationAccuracy = Double.NaN;
        private volatile double testAccuracy = Double.NaN;
        private final List<Meter> meters;

        RunningJob(MeterRegistry registry, UUID id) {
            Tags tags = Tags.of("job_id", id.toString());
            this.meters = List.of(
                    Gauge.builder("trainyard.training.learning.rate", this, job -> job.learningRate)
                            .tags(tags)
                            .description("Learning rate of the latest step")
                            .register(registry),
                    Gauge.builder("trainyard.training.loss", this, job -> job.loss)
                            .tags(tags)
                            .description("Minibatch loss of the latest step")
                            .register(registry),
                    Gauge.builder("trainyard.training.epoch", this, job -> job.epoch)
                            .tags(tags)
                            .description("Epochs finished")
                            .register(registry),
                    Gauge.builder("trainyard.training.images.per.second", this, job -> job.imagesPerSecond)
                            .tags(tags)
                            .description("Training throughput")
                            .register(registry),
                    Gauge.builder("trainyard.training.test.accuracy", this, job -> job.testAccuracy)
                            .tags(tags)
                            .description("Test accuracy after the latest epoch")
                            .register(registry),
                    Gauge.builder("trainyard.training.validation.accuracy", this, job -> job.validationAccuracy)
                            .tags(tags)
                            .description("Validation accuracy after the latest epoch")
                            .register(registry));
        }
    }
}
