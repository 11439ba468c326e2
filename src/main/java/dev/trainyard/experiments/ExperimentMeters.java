package dev.trainyard.experiments;

import dev.trainyard.jobs.JobState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Experiment gauges, read from the tables at each scrape so they agree across replicas: experiments by state, and the
 * trials of running experiments by state (pending before launch, then their job's state). Labels are states only,
 * never ids.
 */
@Component
class ExperimentMeters {

    /** One scrape reads every trial gauge: they share one count, read at most this often. */
    private static final long TRIAL_COUNT_TTL_NANOS = 1_000_000_000L;

    private final ExperimentRepository experiments;
    /** The latest count, null before the first scrape. */
    private Map<String, Long> trialCounts;

    private long trialCountsReadAt;

    ExperimentMeters(MeterRegistry registry, ExperimentRepository experiments) {
        this.experiments = experiments;
        for (ExperimentState state : ExperimentState.values()) {
            Gauge.builder("trainyard.experiments", experiments, repository -> repository.countByState(state))
                    .description("Experiments by state")
                    .tag("state", state.name().toLowerCase(Locale.ROOT))
                    .register(registry);
        }
        List<String> trialStates = new ArrayList<>(List.of("PENDING"));
        for (JobState state : JobState.values()) {
            trialStates.add(state.name());
        }
        for (String state : trialStates) {
            Gauge.builder(
                            "trainyard.experiment.trials",
                            this,
                            meters -> meters.runningTrials().getOrDefault(state, 0L))
                    .description("Trials of running experiments by state")
                    .tag("state", state.toLowerCase(Locale.ROOT))
                    .register(registry);
        }
    }

    private synchronized Map<String, Long> runningTrials() {
        long now = System.nanoTime();
        if (trialCounts == null || now - trialCountsReadAt > TRIAL_COUNT_TTL_NANOS) {
            trialCounts = experiments.countRunningTrials();
            trialCountsReadAt = now;
        }
        return trialCounts;
    }
}
