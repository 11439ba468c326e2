package dev.trainyard.jobs;

import dev.trainyard.charts.HeatMap;
import dev.trainyard.charts.LineChart;
import dev.trainyard.training.ConfusionMatrix;
import java.util.List;
import java.util.function.Function;

/** A job's results as charts: training curves and the confusion matrix. */
final class JobCharts {

    private static final int WIDTH = 820;

    private JobCharts() {}

    /** Loss (top chart) and accuracy (bottom chart) by epoch. */
    static String curves(String title, List<JobMetricsRepository.EpochMetric> epochs) {
        double lastEpoch =
                Math.max(1, epochs.isEmpty() ? 1 : epochs.get(epochs.size() - 1).epoch());
        return LineChart.titled(title, WIDTH)
                .panel(new LineChart.Panel(
                        "epoch",
                        "loss",
                        1,
                        lastEpoch,
                        List.of(
                                line("train loss", "#1f6fb4", epochs, JobMetricsRepository.EpochMetric::trainLoss),
                                line(
                                        "validation loss",
                                        "#2ca02c",
                                        epochs,
                                        JobMetricsRepository.EpochMetric::validationLoss),
                                line("test loss", "#d62728", epochs, JobMetricsRepository.EpochMetric::testLoss)),
                        List.of()))
                .panel(new LineChart.Panel(
                        "epoch",
                        "accuracy",
                        1,
                        lastEpoch,
                        List.of(
                                line(
                                        "validation accuracy",
                                        "#2ca02c",
                                        epochs,
                                        JobMetricsRepository.EpochMetric::validationAccuracy),
                                line(
                                        "test accuracy",
                                        "#d62728",
                                        epochs,
                                        JobMetricsRepository.EpochMetric::testAccuracy)),
                        List.of()))
                .toSvg();
    }

    private static LineChart.Line line(
            String name,
            String colour,
            List<JobMetricsRepository.EpochMetric> epochs,
            Function<JobMetricsRepository.EpochMetric, Double> value) {
        double[] x = new double[epochs.size()];
        double[] y = new double[epochs.size()];
        for (int i = 0; i < epochs.size(); i++) {
            x[i] = epochs.get(i).epoch();
            Double v = value.apply(epochs.get(i));
            y[i] = v == null ? Double.NaN : v;
        }
        return new LineChart.Line(name, colour, x, y);
    }

    /** The confusion matrix as a heat map: rows are true classes, columns predicted ones, with counts. */
    static String confusion(String title, ConfusionMatrix matrix) {
        return HeatMap.toSvg(
                String.format(
                        java.util.Locale.ROOT,
                        "%s (%s accuracy %.2f%%)",
                        title,
                        matrix.split(),
                        100 * matrix.accuracy()),
                matrix.classes(),
                matrix.counts(),
                matrix.perClassAccuracy(),
                "true class",
                "predicted class");
    }
}
