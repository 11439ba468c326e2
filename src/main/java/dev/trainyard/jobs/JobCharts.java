package dev.trainyard.jobs;

import dev.trainyard.training.ConfusionMatrix;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** SVG renderings of a job's results: training curves and the confusion matrix. */
final class JobCharts {

    private static final int WIDTH = 820;
    private static final int HEIGHT = 380;
    private static final int LEFT = 70;
    private static final int RIGHT = 150;
    private static final int TOP = 40;
    private static final int BOTTOM = 50;

    private JobCharts() {
    }

    /** Loss (left chart) and accuracy (right chart) by epoch. */
    static String curves(String title, List<JobMetricsRepository.EpochMetric> epochs) {
        StringBuilder svg = header(WIDTH, HEIGHT * 2, title);
        chart(svg, 0, "loss", epochs, List.of(
                series("train loss", "#1f6fb4", JobMetricsRepository.EpochMetric::trainLoss),
                series("validation loss", "#2ca02c", JobMetricsRepository.EpochMetric::validationLoss),
                series("test loss", "#d62728", JobMetricsRepository.EpochMetric::testLoss)));
        chart(svg, HEIGHT, "accuracy", epochs, List.of(
                series("validation accuracy", "#2ca02c", JobMetricsRepository.EpochMetric::validationAccuracy),
                series("test accuracy", "#d62728", JobMetricsRepository.EpochMetric::testAccuracy)));
        return svg.append("</svg>\n").toString();
    }

    private record Series(String name, String colour, Function<JobMetricsRepository.EpochMetric, Double> value) {
    }

    private static Series series(String name, String colour, Function<JobMetricsRepository.EpochMetric, Double> value) {
        return new Series(name, colour, value);
    }

    private static void chart(StringBuilder svg, int offset, String axis, List<JobMetricsRepository.EpochMetric> epochs,
                              List<Series> series) {
        double plotWidth = WIDTH - LEFT - RIGHT;
        double plotHeight = HEIGHT - TOP - BOTTOM;
        double max = 0;
        for (Series line : series) {
            for (JobMetricsRepository.EpochMetric epoch : epochs) {
                Double value = line.value().apply(epoch);
                if (value != null && Double.isFinite(value)) {
                    max = Math.max(max, value);
                }
            }
        }
        double yMax = max > 0 ? max * 1.05 : 1;
        int lastEpoch = Math.max(1, epochs.isEmpty() ? 1 : epochs.get(epochs.size() - 1).epoch());
        int top = offset + TOP;
        for (int i = 0; i <= 5; i++) {
            double y = top + plotHeight - plotHeight * i / 5;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.3g</text>%n",
                    LEFT, y, LEFT + plotWidth, y, LEFT - 6, y + 4, yMax * i / 5));
            int epoch = (int) Math.round(1 + (lastEpoch - 1) * i / 5.0);
            double x = LEFT + plotWidth * (epoch - 1) / Math.max(1, lastEpoch - 1);
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%d</text>%n",
                    x, top + plotHeight + 18, epoch));
        }
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" "
                + "stroke=\"#333\"/><text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">epoch</text>"
                + "<text x=\"16\" y=\"%.1f\" transform=\"rotate(-90 16 %.1f)\" text-anchor=\"middle\">%s</text>%n",
                LEFT, top, plotWidth, plotHeight, LEFT + plotWidth / 2, top + plotHeight + 38,
                top + plotHeight / 2, top + plotHeight / 2, axis));
        int legend = 0;
        for (Series line : series) {
            StringBuilder points = new StringBuilder();
            for (JobMetricsRepository.EpochMetric epoch : epochs) {
                Double value = line.value().apply(epoch);
                if (value != null && Double.isFinite(value)) {
                    points.append(String.format(Locale.ROOT, "%.1f,%.1f ",
                            LEFT + plotWidth * (epoch.epoch() - 1) / Math.max(1, lastEpoch - 1),
                            top + plotHeight - plotHeight * value / yMax));
                }
            }
            if (points.isEmpty()) {
                continue;
            }
            svg.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" "
                    + "points=\"%s\"/><text x=\"%.1f\" y=\"%d\" fill=\"%s\">%s</text>%n", line.colour(), points,
                    LEFT + plotWidth + 10, top + 14 + 18 * legend++, line.colour(), line.name()));
        }
    }

    /** The confusion matrix as a heat map: rows are true classes, columns predicted ones, with counts. */
    static String confusion(String title, ConfusionMatrix matrix) {
        int classes = matrix.classes().size();
        int cell = Math.max(28, Math.min(60, 600 / Math.max(1, classes)));
        int left = 110;
        int top = 90;
        int width = left + cell * classes + 150;
        int height = top + cell * classes + 40;
        int max = 1;
        for (int[] row : matrix.counts()) {
            for (int count : row) {
                max = Math.max(max, count);
            }
        }
        StringBuilder svg = header(width, height, title + String.format(Locale.ROOT, " (%s accuracy %.2f%%)",
                matrix.split(), 100 * matrix.accuracy()));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">&#8592; predicted class</text>"
                + "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">true class &#8595;</text>%n",
                left + classes * cell + 8, top - 8, left - 6, top - 8));
        for (int actual = 0; actual < classes; actual++) {
            String name = escape(matrix.classes().get(actual));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n",
                    left - 6, top + actual * cell + cell / 2 + 4, name));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"start\" font-size=\"10\" "
                    + "transform=\"rotate(-45 %d %d)\">%s</text>%n", left + actual * cell + 4, top - 4,
                    left + actual * cell + 4, top - 4, name));
            for (int predicted = 0; predicted < classes; predicted++) {
                int count = matrix.counts()[actual][predicted];
                int shade = 255 - (int) Math.round(200.0 * count / max);
                svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
                        + "fill=\"rgb(%d,%d,255)\" stroke=\"#fff\"/><text x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
                        + "font-size=\"11\">%d</text>%n", left + predicted * cell, top + actual * cell, cell, cell,
                        shade, shade, left + predicted * cell + cell / 2, top + actual * cell + cell / 2 + 4, count));
            }
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%.1f%%</text>%n",
                    left + classes * cell + 8, top + actual * cell + cell / 2 + 4,
                    100 * matrix.perClassAccuracy().get(actual)));
        }
        return svg.append("</svg>\n").toString();
    }

    private static StringBuilder header(int width, int height, String title) {
        return new StringBuilder(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
                + "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n"
                + "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n"
                + "<text x=\"20\" y=\"24\" font-size=\"15\">%s</text>%n", width, height, width, height, escape(title)));
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
