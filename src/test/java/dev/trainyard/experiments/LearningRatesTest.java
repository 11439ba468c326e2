package dev.trainyard.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** Thinning a trial's rates for a chart: at most the points asked, the last step always. */
class LearningRatesTest {

    private static ExperimentComparison.LearningRates rates(long first, long last) {
        long[] steps = LongStream.rangeClosed(first, last).toArray();
        return new ExperimentComparison.LearningRates(
                steps, LongStream.of(steps).mapToDouble(step -> step / 100.0).toArray());
    }

    @Test
    void keepsMultiplesOfTheStrideAndTheLastStepWithTheirRates() {
        ExperimentComparison.LearningRates thinned = rates(0, 9).thinned(4);

        assertThat(thinned.steps()).containsExactly(0, 4, 8, 9);
        assertThat(thinned.values()).containsExactly(0.0, 0.04, 0.08, 0.09);
    }

    @Test
    void neverKeepsMoreThanAsked() {
        for (int points = 1; points <= 40; points++) {
            for (long last : new long[] {0, 1, 9, 37, 1250, 56_249}) {
                ExperimentComparison.LearningRates thinned = rates(0, last).thinned(points);
                assertThat(thinned.steps().length)
                        .as("%d of %d", points, last + 1)
                        .isLessThanOrEqualTo(points);
                assertThat(thinned.steps()[thinned.steps().length - 1]).isEqualTo(last);
            }
        }
    }

    @Test
    void aShortTrialIsKeptWholeAndOnePointIsTheLastStep() {
        ExperimentComparison.LearningRates whole = rates(0, 5);

        assertThat(whole.thinned(6)).isSameAs(whole);
        assertThat(whole.thinned(1).steps()).containsExactly(5);
    }
}
