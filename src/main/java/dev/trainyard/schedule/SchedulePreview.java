package dev.trainyard.schedule;

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
    public record Point(long step, int epoch, double lr) {
    }

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
                throw new IllegalArgumentException("a preview of this schedule needs at least "
                        + minimumPoints(schedule) + " points");
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
            csv.append(point.step()).append(',').append(point.epoch()).append(',')
                    .append(Double.toString(point.lr())).append('\n');
        }
        return csv.toString();
    }

    /** A line chart with labelled axes and ticks, and the end of warmup marked. */
    public String toSvg() {
        int width = 800;
        int height = 420;
        int left = 80;
        int right = 30;
        int top = 40;
        int bottom = 60;
        double plotWidth = width - left - right;
        double plotHeight = height - top - bottom;
        double maxLr = points.stream().mapToDouble(Point::lr).max().orElse(1);
        double yMax = maxLr > 0 ? maxLr * 1.05 : 1;
        long xMax = Math.max(1, totalSteps - 1);
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", width, height, width, height));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"24\" font-size=\"15\">Learning rate by step "
                + "(%d steps, %d per epoch, %d warmup)</text>%n", left, totalSteps, stepsPerEpoch, warmupSteps));
        for (int i = 0; i <= 5; i++) {
            double value = yMax * i / 5;
            double y = top + plotHeight - plotHeight * i / 5;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.3g</text>%n",
                    left, y, width - right, y, left - 6, y + 4, value));
            long step = Math.round((double) xMax * i / 5);
            double x = left + plotWidth * i / 5;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#333\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>%n",
                    x, top + (int) plotHeight, x, top + (int) plotHeight + 5, x, top + (int) plotHeight + 20, step));
        }
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>"
                + "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>%n",
                left, top, left, top + (int) plotHeight, left, top + (int) plotHeight, width - right,
                top + (int) plotHeight));
        svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">step</text>%n",
                left + plotWidth / 2, height - 15));
        svg.append(String.format(Locale.ROOT, "<text x=\"18\" y=\"%.1f\" text-anchor=\"middle\" "
                + "transform=\"rotate(-90 18 %.1f)\">learning rate</text>%n", top + plotHeight / 2, top + plotHeight / 2));
        if (warmupSteps > 0) {
            double x = left + plotWidth * warmupSteps / xMax;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#c33\" "
                    + "stroke-dasharray=\"5,4\"/><text x=\"%.1f\" y=\"%d\" fill=\"#c33\">warmup ends (step %d)</text>%n",
                    x, top, x, top + (int) plotHeight, x + 4, top + 14, warmupSteps));
        }
        svg.append("<polyline fill=\"none\" stroke=\"#1f6fb4\" stroke-width=\"2\" points=\"");
        for (Point point : points) {
            svg.append(String.format(Locale.ROOT, "%.1f,%.1f ", left + plotWidth * point.step() / xMax,
                    top + plotHeight - plotHeight * point.lr() / yMax));
        }
        svg.append("\"/>\n</svg>\n");
        return svg.toString();
    }
}
