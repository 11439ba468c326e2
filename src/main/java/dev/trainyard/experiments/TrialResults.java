package dev.trainyard.experiments;

import dev.trainyard.jobs.JobState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The trials' objective values and ranks, from their recorded epochs: rank 1 is the best score, ties going to the
 * earlier trial; trials without a value have no rank. The best trial is the best-ranked one that SUCCEEDED (it has a
 * final model).
 */
final class TrialResults {

    private final ObjectiveSpec objective;
    private final Map<Integer, double[]> curves;
    private final Map<Integer, Double> values = new HashMap<>();
    private final Map<Integer, Integer> ranks = new HashMap<>();
    private final Integer best;

    TrialResults(ObjectiveSpec objective, List<Trial> trials, List<ExperimentRepository.TrialEpoch> epochs) {
        this.objective = objective;
        this.curves = curves(objective, epochs);
        List<Integer> ranked = new ArrayList<>();
        for (Trial trial : trials) {
            double[] curve = curves.get(trial.number());
            Double value = curve == null ? null : aggregate(curve);
            if (value != null) {
                values.put(trial.number(), value);
                ranked.add(trial.number());
            }
        }
        ranked.sort(Comparator.comparingDouble((Integer number) -> -objective.score(values.get(number)))
                .thenComparingInt(number -> number));
        for (int i = 0; i < ranked.size(); i++) {
            ranks.put(ranked.get(i), i + 1);
        }
        Map<Integer, JobState> states = new HashMap<>();
        trials.forEach(trial -> states.put(trial.number(), trial.jobState()));
        this.best = ranked.stream()
                .filter(number -> states.get(number) == JobState.SUCCEEDED)
                .findFirst()
                .orElse(null);
    }

    /**
     * Each trial's scores by epoch (index 0 = epoch 1, NaN where the metric is missing), higher better, as the
     * early-stopping rules read them.
     */
    static Map<Integer, double[]> curves(ObjectiveSpec objective, List<ExperimentRepository.TrialEpoch> epochs) {
        Map<Integer, List<ExperimentRepository.TrialEpoch>> byTrial = new HashMap<>();
        epochs.forEach(epoch -> byTrial.computeIfAbsent(epoch.trial(), trial -> new ArrayList<>())
                .add(epoch));
        Map<Integer, double[]> curves = new HashMap<>();
        byTrial.forEach((trial, recorded) -> {
            int last = recorded.stream()
                    .mapToInt(ExperimentRepository.TrialEpoch::epoch)
                    .max()
                    .orElse(0);
            double[] curve = new double[last];
            Arrays.fill(curve, Double.NaN);
            for (ExperimentRepository.TrialEpoch epoch : recorded) {
                Double value = ExperimentComparison.EpochResult.of(epoch).value(objective.metric());
                if (value != null && epoch.epoch() >= 1) {
                    curve[epoch.epoch() - 1] = objective.score(value);
                }
            }
            curves.put(trial, curve);
        });
        return curves;
    }

    /** final: the last epoch that has the metric; best: the best score; as the metric's value. */
    private Double aggregate(double[] curve) {
        Double chosen = null;
        for (double score : curve) {
            if (Double.isNaN(score)) {
                continue;
            }
            if (chosen == null || objective.aggregate() == ObjectiveSpec.Aggregate.FINAL || score > chosen) {
                chosen = score;
            }
        }
        return chosen == null ? null : objective.score(chosen);
    }

    /** The trial's scores by epoch, or an empty curve before its first epoch. */
    double[] curve(int trial) {
        return curves.getOrDefault(trial, new double[0]);
    }

    Double value(int trial) {
        return values.get(trial);
    }

    Integer rank(int trial) {
        return ranks.get(trial);
    }

    Optional<Integer> best() {
        return Optional.ofNullable(best);
    }
}
