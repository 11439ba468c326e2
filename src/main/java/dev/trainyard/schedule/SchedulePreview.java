package dev.trainyard.schedule;

import dev.trainyard.charts.LineChart;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The learning rate a schedule gives, step by step: every step when there are at most {@code maxPoints}, otherwise
 * at most {@code maxPoints} steps, evenly spaced, that always include step 0, the last warmup step, the first decay
 * step and the last step.
 *
 * @param points the sampled steps, in order
 */
public record SchedulePreview(int stepsPerEpoch, long totalSteps, long warmupSteps, List<Point> points) {

    /**
     * One sampled step.
     *
     * @param epoch 0-based epoch the step belongs to
     * @param lr    the rate the optimizer uses at this step
     */
    public record Point(long step, int epoch, double lr) {}

    /**
     * The fewest points a thinned preview of {@code schedule} needs: its first and last steps, and around a warmup
     * the last warmup step and the first decay step.
     */
    public static int minimumPoints(LearningRateSchedule schedule) {
        return schedule.warmupSteps() > 0 ? 4 : 2;
    }

    /**
     * @param maxPoints at most this many points; at least {@link #minimumPoints} when the schedule has more steps
     */
    public static SchedulePreview of(LearningRateSchedule schedule, int stepsPerEpoch, int maxPoints) {
        long total = schedule.totalSteps();
        long warmup = schedule.warmupSteps();
        TreeSet<Long> steps = new TreeSet<>();
        if (total <= maxPoints) {
            for (long s = 0; s < total; s++) {
                steps.add(s);
            }
        } else {
            if (maxPoints < minimumPoints(schedule)) {
                throw new IllegalArgumentException(
                        "a preview of this schedule needs at least " + minimumPoints(schedule) + " points");
            }
            steps.add(0L);
            steps.add(total - 1);
            if (warmup > 0) {
                steps.add(warmup - 1);
                steps.add(warmup);
            }
            int free = maxPoints - steps.size();
            for (int i = 1; i <= free; i++) {
                steps.add(Math.round((double) i * (total - 1) / (free + 1)));
            }
        }
        List<Point> points = steps.stream()
                .map(s -> new Point(s, (int) (s / stepsPerEpoch), schedule.valueAt(s)))
                .toList();
        return new SchedulePreview(stepsPerEpoch, total, warmup, points);
    }

    public String toCsv() {
        StringBuilder csv = new StringBuilder(points.size() * 24).append("step,epoch,lr\n");
        for (Point point : points) {
            csv.append(point.step())
                    .append(',')
                    .append(point.epoch())
                    .append(',')
                    .append(Double.toString(point.lr()))
                    .append('\n');
        }
        return csv.toString();
    }

    /** A line chart of the rate by step, with the end of warmup marked. */
    public String toSvg() {
        double[] steps = points.stream().mapToDouble(Point::step).toArray();
        double[] rates = points.stream().mapToDouble(Point::lr).toArray();
        return LineChart.titled(
                        String.format(
                                Locale.ROOT,
                                "Learning rate by step (%d steps, %d per epoch, %d warmup)",
                                totalSteps,
                                stepsPerEpoch,
                                warmupSteps),
                        800)
                .panel(new LineChart.Panel(
                        "step",
                        "learning rate",
                        0,
                        Math.max(1, totalSteps - 1),
                        stepsPerEpoch,
                        "epoch",
                        List.of(new LineChart.Line("", LineChart.BLUE, steps, rates)),
                        warmupSteps > 0
                                ? List.of(new LineChart.Marker(warmupSteps, "warmup ends (step " + warmupSteps + ")"))
                                : List.of()))
                .toSvg();
    }
}
