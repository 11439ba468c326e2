package dev.trainyard.experiments;

import dev.trainyard.jobs.JobState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.springframework.stereotype.Component;

/**
 * Experiment gauges, read from the tables at each scrape so they agree across replicas: experiments by state, and the
 * trials of running experiments by state (pending before launch, then their job's state). Labels are states only,
 * never ids.
 */
@Component
class ExperimentMeters {

    ExperimentMeters(MeterRegistry registry, ExperimentRepository experiments) {
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
                            experiments,
                            repository -> repository.countRunningTrials().getOrDefault(state, 0L))
                    .description("Trials of running experiments by state")
                    .tag("state", state.toLowerCase(Locale.ROOT))
                    .register(registry);
        }
    }
}
