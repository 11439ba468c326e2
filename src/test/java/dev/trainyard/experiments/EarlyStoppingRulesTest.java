package dev.trainyard.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The rules' decisions on recorded curves, against values worked out by hand in the comments. */
class EarlyStoppingRulesTest {

    private static final ObjectiveSpec ACCURACY =
            new ObjectiveSpec(ObjectiveSpec.Metric.VALIDATION_ACCURACY, null, null).withDefaults();
    private static final ObjectiveSpec LOSS =
            new ObjectiveSpec(ObjectiveSpec.Metric.VALIDATION_LOSS, null, null).withDefaults();
    private static final EarlyStoppingSpec MEDIAN =
            new EarlyStoppingSpec(EarlyStoppingSpec.Rule.MEDIAN, 2, 3, null, null);
    private static final EarlyStoppingSpec ASHA = new EarlyStoppingSpec(EarlyStoppingSpec.Rule.ASHA, null, null, 1, 3);

    // running means at epoch 2: 0.55, 0.45, 0.325; their median is 0.45
    private static final List<double[]> OTHERS =
            List.of(new double[] {0.5, 0.6, 0.7}, new double[] {0.4, 0.5, 0.6}, new double[] {0.3, 0.35, 0.4});

    private static Optional<String> median(int epoch, double[] trial, List<double[]> others) {
        return EarlyStoppingRules.decide(MEDIAN, ACCURACY, epoch, 5, trial, others);
    }

    @Test
    void theMedianRuleStopsATrialWhoseBestIsBelowTheMedianOfTheOthersRunningMeans() {
        assertThat(median(2, new double[] {0.2, 0.3}, OTHERS))
                .hasValue("median rule at epoch 2: best validationAccuracy so far 0.3000 is worse than the median "
                        + "0.4500 of 3 other trials' running means");
        // best 0.46 beats the median 0.45
        assertThat(median(2, new double[] {0.2, 0.46}, OTHERS)).isEmpty();
        // the best so far counts, not the latest: 0.5 at epoch 1
        assertThat(median(2, new double[] {0.5, 0.1}, OTHERS)).isEmpty();
    }

    @Test
    void theMedianRuleWaitsForTheGraceEpochsAndEnoughOtherTrials() {
        assertThat(median(1, new double[] {0.0}, OTHERS)).isEmpty();
        assertThat(median(2, new double[] {0.0, 0.0}, OTHERS.subList(0, 2))).isEmpty();
        // a trial that has reached epoch 1 only does not count at epoch 2
        assertThat(median(2, new double[] {0.0, 0.0}, List.of(OTHERS.get(0), OTHERS.get(1), new double[] {0.9})))
                .isEmpty();
    }

    @Test
    void noRuleStopsATrialAtItsLastEpoch() {
        assertThat(EarlyStoppingRules.decide(MEDIAN, ACCURACY, 3, 3, new double[] {0, 0, 0}, OTHERS))
                .isEmpty();
        assertThat(EarlyStoppingRules.decide(ASHA, ACCURACY, 3, 3, new double[] {0, 0, 0}, OTHERS))
                .isEmpty();
    }

    @Test
    void aMinimisedMetricIsComparedAsItsNegationAndReportedAsItself() {
        // losses' running means at epoch 2: 0.95, 1.05, 1.15; median 1.05; the trial's best loss 1.2 is worse
        List<double[]> losses =
                List.of(new double[] {-1.0, -0.9}, new double[] {-1.1, -1.0}, new double[] {-1.2, -1.1});
        assertThat(EarlyStoppingRules.decide(MEDIAN, LOSS, 2, 5, new double[] {-1.3, -1.2}, losses))
                .hasValue("median rule at epoch 2: best validationLoss so far 1.2000 is worse than the median 1.0500 "
                        + "of 3 other trials' running means");
        assertThat(EarlyStoppingRules.decide(MEDIAN, LOSS, 2, 5, new double[] {-1.3, -1.0}, losses))
                .isEmpty();
    }

    @Test
    void ashaStopsATrialBelowTheTopThirdOfTheTrialsThatReachedTheRungBeforeIt() {
        // scores at rung 1: 0.2, 0.3, 0.4, 0.5; the 2/3 quantile sits at position 2 of 0..3: 0.4
        List<double[]> rung1 = List.of(new double[] {0.5}, new double[] {0.4}, new double[] {0.3}, new double[] {0.2});
        assertThat(EarlyStoppingRules.decide(ASHA, ACCURACY, 1, 9, new double[] {0.35}, rung1))
                .hasValue("ASHA rung at epoch 1: validationAccuracy 0.3500 is worse than the cutoff 0.4000 for the "
                        + "top 1/3 of 4 trials that reached the rung before it");
        assertThat(EarlyStoppingRules.decide(ASHA, ACCURACY, 1, 9, new double[] {0.4}, rung1))
                .isEmpty();
        // rung 3 (1 x 3): scores 0.6 and 0.7; the 2/3 quantile at position 2/3 of 0..1: 0.6 + 0.1 x 2/3
        List<double[]> rung3 = List.of(new double[] {0, 0, 0.6}, new double[] {0, 0, 0.7});
        assertThat(EarlyStoppingRules.decide(ASHA, ACCURACY, 3, 9, new double[] {0.9, 0.9, 0.65}, rung3))
                .hasValueSatisfying(reason -> assertThat(reason).contains("cutoff 0.6667"));
        assertThat(EarlyStoppingRules.decide(ASHA, ACCURACY, 3, 9, new double[] {0, 0, 0.67}, rung3))
                .isEmpty();
    }

    @Test
    void ashaDecidesOnlyAtRungsAndLetsTheFirstTrialAtARungContinue() {
        assertThat(EarlyStoppingRules.decide(ASHA, ACCURACY, 2, 9, new double[] {0, 0}, OTHERS))
                .isEmpty();
        assertThat(EarlyStoppingRules.decide(ASHA, ACCURACY, 1, 9, new double[] {0}, List.of()))
                .isEmpty();
        assertThat(EarlyStoppingRules.isRung(9, 1, 3)).isTrue();
        assertThat(EarlyStoppingRules.isRung(6, 2, 3)).isTrue();
        assertThat(EarlyStoppingRules.isRung(4, 2, 3)).isFalse();
        assertThat(EarlyStoppingRules.isRung(1, 2, 3)).isFalse();
    }

    @Test
    void quantilesInterpolateLinearlyAsNumpyDoes() {
        // numpy.percentile([1, 2, 3, 4], 50) = 2.5; ([1, 2, 3, 4], 66.67) = 3.0; ([5], any) = 5
        assertThat(EarlyStoppingRules.quantile(new double[] {4, 1, 3, 2}, 0.5)).isEqualTo(2.5);
        assertThat(EarlyStoppingRules.quantile(new double[] {4, 1, 3, 2}, 2.0 / 3))
                .isCloseTo(3.0, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(EarlyStoppingRules.quantile(new double[] {5}, 0.9)).isEqualTo(5);
    }
}
