package dev.trainyard.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import dev.trainyard.jobs.spec.ScheduleSpec;
import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {

    // the seed's configuration done right: 782 steps per epoch, 8 epochs of which 5 warm up, baseLr 0.5
    private static final int STEPS_PER_EPOCH = 782;
    private final ScheduleSpec seed = new ScheduleSpec(ScheduleSpec.Type.COSINE_WARMUP, 0.5, 5, null, 0.0, 0.0);
    private final LearningRateSchedule schedule = seed.toSchedule(8, STEPS_PER_EPOCH);

    @Test
    void warmupIsGivenInEpochsOfTheDatasetsSteps() {
        assertThat(schedule.warmupSteps()).isEqualTo(5 * 782);
        assertThat(schedule.totalSteps()).isEqualTo(8 * 782);
    }

    @Test
    void firstStepUsesTheStartRate() {
        assertThat(schedule.valueAt(0)).isEqualTo(0.0);
    }

    @Test
    void warmupRisesLinearlyToJustBelowTheBaseRate() {
        long w = schedule.warmupSteps();
        assertThat(schedule.valueAt(1)).isEqualTo(0.5 / w);
        assertThat(schedule.valueAt(w / 2)).isCloseTo(0.25, within(1e-15));
        assertThat(schedule.valueAt(w - 1)).isEqualTo(0.5 * (w - 1) / w);
    }

    @Test
    void firstStepAfterWarmupUsesTheBaseRate() {
        assertThat(schedule.valueAt(schedule.warmupSteps())).isEqualTo(0.5);
    }

    @Test
    void cosineDecaysTowardsTheMinimumByTheLastStep() {
        long w = schedule.warmupSteps();
        long t = schedule.totalSteps() - w;
        long last = schedule.totalSteps() - 1;
        double expected = 0.0 + 0.5 * (1 + Math.cos(Math.PI * (last - w) / t)) / 2;
        assertThat(schedule.valueAt(last)).isEqualTo(expected);
        assertThat(schedule.valueAt(w + t / 2)).isCloseTo(0.25, within(1e-12));
    }

    @Test
    void warmupStepsFormMatchesTheFormulaWithStartAndMinimumRates() {
        LearningRateSchedule steps =
                new ScheduleSpec(ScheduleSpec.Type.COSINE_WARMUP, 0.1, null, 20L, 0.01, 0.001).toSchedule(3, 100);
        assertThat(steps.warmupSteps()).isEqualTo(20);
        assertThat(steps.valueAt(0)).isEqualTo(0.01);
        assertThat(steps.valueAt(10)).isCloseTo(0.01 + 0.09 * 10 / 20, within(1e-15));
        assertThat(steps.valueAt(19)).isCloseTo(0.01 + 0.09 * 19 / 20, within(1e-15));
        assertThat(steps.valueAt(20)).isEqualTo(0.1);
        assertThat(steps.valueAt(299)).isEqualTo(0.001 + 0.099 * (1 + Math.cos(Math.PI * 279 / 280)) / 2);
    }

    @Test
    void constantKeepsTheBaseRate() {
        LearningRateSchedule constant =
                new ScheduleSpec(ScheduleSpec.Type.CONSTANT, 0.02, null, null, null, null).toSchedule(2, 10);
        assertThat(constant.valueAt(0)).isEqualTo(0.02);
        assertThat(constant.valueAt(19)).isEqualTo(0.02);
    }

    @Test
    void cosineStartsAtTheBaseRateWithoutWarmup() {
        LearningRateSchedule cosine =
                new ScheduleSpec(ScheduleSpec.Type.COSINE, 0.1, null, null, null, 0.0).toSchedule(1, 10);
        assertThat(cosine.valueAt(0)).isEqualTo(0.1);
        assertThat(cosine.valueAt(5)).isCloseTo(0.05, within(1e-15));
    }

    @Test
    void dl4jIterationIsTheStepIndex() {
        assertThat(schedule.valueAt(4000, 5)).isEqualTo(schedule.valueAt(4000L));
    }

    @Test
    void warmupMustEndBeforeTheLastStep() {
        assertThatIllegalArgumentException()
                .isThrownBy(() ->
                        new ScheduleSpec(ScheduleSpec.Type.COSINE_WARMUP, 0.1, null, 30L, 0.0, 0.0).toSchedule(3, 10));
    }
}
