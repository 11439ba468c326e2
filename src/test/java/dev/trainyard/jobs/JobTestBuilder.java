package dev.trainyard.jobs;

import dev.trainyard.jobs.spec.AugmentSpec;
import dev.trainyard.jobs.spec.DatasetSpec;
import dev.trainyard.jobs.spec.JobSpec;
import dev.trainyard.jobs.spec.OptimizerSpec;
import dev.trainyard.jobs.spec.ScheduleSpec;
import dev.trainyard.training.ModelArchitecture;
import java.time.Instant;
import java.util.UUID;

/** Jobs for tests, in the domain's words: {@code aQueuedJob().ownedBy("bob").withPriority(5).insertInto(jobs)}. */
final class JobTestBuilder {

    static final Instant SUBMITTED = Instant.parse("2026-11-26T10:00:00.123456Z");

    private final UUID id = UUID.randomUUID();
    private String owner = "alice";
    private int priority;
    private Instant submittedAt = SUBMITTED;

    private JobTestBuilder() {}

    static JobTestBuilder aQueuedJob() {
        return new JobTestBuilder();
    }

    JobTestBuilder ownedBy(String owner) {
        this.owner = owner;
        return this;
    }

    JobTestBuilder withPriority(int priority) {
        this.priority = priority;
        return this;
    }

    JobTestBuilder submittedAt(Instant submittedAt) {
        this.submittedAt = submittedAt;
        return this;
    }

    /** The spec the job is stored with: two epochs of seednet on 100 CIFAR-10 images, named after the job. */
    JobSpec spec() {
        return new JobSpec(
                "job-" + id,
                ModelArchitecture.SEEDNET,
                DatasetSpec.cifar10(100, null),
                new AugmentSpec(4, true, true),
                2,
                32,
                new OptimizerSpec(OptimizerSpec.Type.SGD, 0.9, true, 5e-4),
                new ScheduleSpec(ScheduleSpec.Type.COSINE_WARMUP, 0.1, 1, null, 0.0, 0.0),
                7L,
                priority,
                null);
    }

    /** The job as the repository would read it back in {@code state}, at {@code version}, without progress. */
    Job inState(JobState state, long version) {
        Job.Progress none = new Job.Progress(null, null, null, null, null, null, null, null);
        return new Job(
                id,
                1,
                owner,
                spec(),
                state,
                version,
                state == JobState.QUEUED ? 0 : 1,
                submittedAt,
                state == JobState.QUEUED ? null : submittedAt,
                state.isFinished() ? submittedAt : null,
                false,
                none,
                null,
                null,
                null,
                null);
    }

    /** Stores the job as a client's submission would, QUEUED. */
    UUID insertInto(JobRepository jobs) {
        jobs.insert(id, owner, spec(), submittedAt);
        return id;
    }
}
