package dev.trainyard.experiments;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The early-stopping decisions, as pure functions of recorded curves. A curve holds a trial's scores by epoch (index 0
 * is epoch 1), higher better ({@link ObjectiveSpec#score}); an epoch without a value is NaN.
 *
 * <ul>
 *   <li>Median rule (Golovin et al., Google Vizier, 2017): at epoch e, from {@code graceEpochs} on, with at least
 *       {@code minTrials} other trials that have reached e, stop the trial if its best score up to e is below the
 *       median of the others' mean scores over epochs 1..e.
 *   <li>ASHA (Li et al., 2018), as a stopping rule: rungs at {@code minEpochs * reductionFactor^k} epochs; a trial
 *       reaching a rung is stopped if its score there is below the (1 - 1/reductionFactor) quantile (linear
 *       interpolation) of the scores the other trials recorded at that rung. The first to reach a rung continues.
 * </ul>
 *
 * No rule stops a trial at its last epoch: there is nothing left to save.
 */
final class EarlyStoppingRules {

    private EarlyStoppingRules() {}

    /**
     * @param trial     the trial's curve, up to and including {@code epoch}
     * @param others    the other trials' curves, as far as each has got
     * @param lastEpoch the trial's number of epochs
     * @return why the trial stops, or empty when it goes on
     */
    static Optional<String> decide(
            EarlyStoppingSpec rule,
            ObjectiveSpec objective,
            int epoch,
            int lastEpoch,
            double[] trial,
            List<double[]> others) {
        if (epoch >= lastEpoch || epoch > trial.length || Double.isNaN(trial[epoch - 1])) {
            return Optional.empty();
        }
        return switch (rule.rule()) {
            case MEDIAN -> median(rule, objective, epoch, trial, others);
            case ASHA -> asha(rule, objective, epoch, trial, others);
        };
    }

    private static Optional<String> median(
            EarlyStoppingSpec rule, ObjectiveSpec objective, int epoch, double[] trial, List<double[]> others) {
        if (epoch < rule.graceEpochs()) {
            return Optional.empty();
        }
        List<Double> means = new ArrayList<>();
        for (double[] other : others) {
            if (other.length >= epoch) {
                double mean = mean(other, epoch);
                if (!Double.isNaN(mean)) {
                    means.add(mean);
                }
            }
        }
        if (means.size() < rule.minTrials()) {
            return Optional.empty();
        }
        double best = best(trial, epoch);
        double median = median(means);
        if (best < median) {
            return Optional.of(String.format(
                    Locale.ROOT,
                    "median rule at epoch %d: best %s so far %s is worse than the median %s of %d other trials' "
                            + "running means",
                    epoch,
                    objective.metric(),
                    shown(objective, best),
                    shown(objective, median),
                    means.size()));
        }
        return Optional.empty();
    }

    private static Optional<String> asha(
            EarlyStoppingSpec rule, ObjectiveSpec objective, int epoch, double[] trial, List<double[]> others) {
        if (!isRung(epoch, rule.minEpochs(), rule.reductionFactor())) {
            return Optional.empty();
        }
        double[] recorded = others.stream()
                .filter(other -> other.length >= epoch && !Double.isNaN(other[epoch - 1]))
                .mapToDouble(other -> other[epoch - 1])
                .toArray();
        if (recorded.length == 0) {
            return Optional.empty();
        }
        double cutoff = quantile(recorded, 1 - 1.0 / rule.reductionFactor());
        double score = trial[epoch - 1];
        if (score < cutoff) {
            return Optional.of(String.format(
                    Locale.ROOT,
                    "ASHA rung at epoch %d: %s %s is worse than the cutoff %s for the top 1/%d of %d trials that reached "
                            + "the rung before it",
                    epoch,
                    objective.metric(),
                    shown(objective, score),
                    shown(objective, cutoff),
                    rule.reductionFactor(),
                    recorded.length));
        }
        return Optional.empty();
    }

    /** Whether {@code epoch} is {@code minEpochs * factor^k} for some k >= 0. */
    static boolean isRung(int epoch, int minEpochs, int factor) {
        for (long rung = minEpochs; rung <= epoch; rung *= factor) {
            if (rung == epoch) {
                return true;
            }
        }
        return false;
    }

    /** The mean of the values of epochs 1..epoch that are present; NaN when none is. */
    static double mean(double[] curve, int epoch) {
        double sum = 0;
        int count = 0;
        for (int i = 0; i < epoch; i++) {
            if (!Double.isNaN(curve[i])) {
                sum += curve[i];
                count++;
            }
        }
        return count == 0 ? Double.NaN : sum / count;
    }

    private static double best(double[] curve, int epoch) {
        double best = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < epoch; i++) {
            if (!Double.isNaN(curve[i])) {
                best = Math.max(best, curve[i]);
            }
        }
        return best;
    }

    static double median(List<Double> values) {
        double[] sorted =
                values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /** The q quantile with linear interpolation between closest ranks (NumPy's default). */
    static double quantile(double[] values, double q) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double position = q * (sorted.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(below + 1, sorted.length - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }

    /** A score as the metric's value (a minimised metric's score is its negation). */
    private static String shown(ObjectiveSpec objective, double score) {
        return String.format(Locale.ROOT, "%.4f", objective.score(score));
    }
}
