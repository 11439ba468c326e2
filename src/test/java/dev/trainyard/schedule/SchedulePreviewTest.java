package dev.trainyard.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainyard.jobs.spec.ScheduleSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchedulePreviewTest {

    @Test
    void shortSchedulesShowEveryStep() {
        LearningRateSchedule schedule = new ScheduleSpec(null, 0.1, 1, null, null, null).toSchedule(3, 10);

        SchedulePreview preview = SchedulePreview.of(schedule, 10, 2000);

        assertThat(preview.points()).hasSize(30);
        assertThat(preview.points())
                .extracting(SchedulePreview.Point::lr)
                .containsExactlyElementsOf(java.util.stream.LongStream.range(0, 30)
                        .mapToObj(schedule::valueAt)
                        .toList());
        assertThat(preview.points().get(25).epoch()).isEqualTo(2);
    }

    @Test
    void longSchedulesAreThinnedButKeepTheTurningPoints() {
        LearningRateSchedule schedule = new ScheduleSpec(null, 0.1, null, 12_345L, null, null).toSchedule(1000, 1000);

        SchedulePreview preview = SchedulePreview.of(schedule, 1000, 2000);

        List<Long> steps =
                preview.points().stream().map(SchedulePreview.Point::step).toList();
        assertThat(steps).contains(0L, 12_344L, 12_345L, 999_999L).isSorted().doesNotHaveDuplicates();
        assertThat(steps.size()).isBetween(1990, 2000);
        assertThat(preview.totalSteps()).isEqualTo(1_000_000);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {4, 5, 7, 100})
    void aThinnedPreviewNeverShowsMorePointsThanAskedAndAlwaysTheTurningPoints(int maxPoints) {
        LearningRateSchedule schedule = new ScheduleSpec(null, 0.1, 1, null, null, null).toSchedule(10, 100);

        List<Long> steps = SchedulePreview.of(schedule, 100, maxPoints).points().stream()
                .map(SchedulePreview.Point::step)
                .toList();

        assertThat(steps)
                .hasSizeLessThanOrEqualTo(maxPoints)
                .contains(0L, 99L, 100L, 999L)
                .isSorted();
    }

    @Test
    void fewerPointsThanTheTurningPointsAreRefused() {
        LearningRateSchedule warmup = new ScheduleSpec(null, 0.1, 1, null, null, null).toSchedule(10, 100);
        LearningRateSchedule constant =
                new ScheduleSpec(ScheduleSpec.Type.CONSTANT, 0.1, null, null, null, null).toSchedule(10, 100);

        assertThat(SchedulePreview.minimumPoints(warmup)).isEqualTo(4);
        assertThat(SchedulePreview.of(constant, 100, 2).points())
                .extracting(SchedulePreview.Point::step)
                .containsExactly(0L, 999L);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SchedulePreview.of(warmup, 100, 3))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void csvHasOneRowPerPoint() {
        LearningRateSchedule schedule =
                new ScheduleSpec(ScheduleSpec.Type.CONSTANT, 0.5, null, null, null, null).toSchedule(1, 3);

        assertThat(SchedulePreview.of(schedule, 3, 10).toCsv()).isEqualTo("step,epoch,lr\n0,0,0.5\n1,0,0.5\n2,0,0.5\n");
    }

    @Test
    void svgChartMarksTheEndOfWarmup() {
        LearningRateSchedule schedule = new ScheduleSpec(null, 0.1, 2, null, null, null).toSchedule(5, 100);

        String svg = SchedulePreview.of(schedule, 100, 2000).toSvg();

        assertThat(svg).startsWith("<svg").contains("warmup ends (step 200)", "learning rate", "<polyline");
    }
}
