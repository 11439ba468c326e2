package dev.trainyard.jobs;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * The job meters, registered at start-up so every series exists from the first scrape: jobs accepted, jobs ended by
 * end state, and jobs queued and running now. The gauges read the job table, so they agree across restarts and
 * replicas.
 */
@Component
class JobMeters {

    private final Counter submitted;
    private final Map<JobState, Counter> completed = new EnumMap<>(JobState.class);

    JobMeters(MeterRegistry registry, JobRepository jobs) {
        this.submitted = Counter.builder("trainyard.jobs.submitted")
                .description("Jobs accepted")
                .register(registry);
        for (JobState end : JobState.FINISHED) {
            completed.put(
                    end,
                    Counter.builder("trainyard.jobs.completed")
                            .description("Jobs that ended, by end state")
                            .tag("state", end.name())
                            .register(registry));
        }
        for (JobState now : new JobState[] {JobState.QUEUED, JobState.RUNNING}) {
            Gauge.builder("trainyard.jobs", jobs, repository -> repository.countByState(now))
                    .description("Jobs by state")
                    .tag("state", now.name().toLowerCase(java.util.Locale.ROOT))
                    .register(registry);
        }
    }

    void submitted() {
        submitted.increment();
    }

    /** @throws IllegalArgumentException for a state that is not an end state */
    void completed(JobState end) {
        Counter counter = completed.get(end);
        if (counter == null) {
            throw new IllegalArgumentException(end + " is not an end state");
        }
        counter.increment();
    }
}
