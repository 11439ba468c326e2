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

    /**
     * The learning rate applied at each step (ticked on epoch boundaries when the steps per epoch are known), then
     * loss and accuracy by epoch.
     */
    static String curves(
            String title,
            List<JobMetricsRepository.StepMetric> steps,
            Integer stepsPerEpoch,
            List<JobMetricsRepository.EpochMetric> epochs) {
        double lastEpoch =
                Math.max(1, epochs.isEmpty() ? 1 : epochs.get(epochs.size() - 1).epoch());
        double[] stepIndex = steps.stream()
                .mapToDouble(JobMetricsRepository.StepMetric::step)
                .toArray();
        double[] rates = steps.stream()
                .mapToDouble(JobMetricsRepository.StepMetric::learningRate)
                .toArray();
        return LineChart.titled(title, WIDTH)
                .panel(new LineChart.Panel(
                        "step",
                        "learning rate applied",
                        0,
                        Math.max(1, stepIndex.length == 0 ? 1 : stepIndex[stepIndex.length - 1]),
                        stepsPerEpoch == null ? 1 : stepsPerEpoch,
                        stepsPerEpoch == null ? null : "epoch",
                        List.of(new LineChart.Line("", LineChart.BLUE, stepIndex, rates)),
                        List.of()))
                .panel(new LineChart.Panel(
                        "epoch",
                        "loss",
                        1,
                        lastEpoch,
                        1,
                        null,
                        List.of(
                                line(
                                        "train loss",
                                        LineChart.ORANGE,
                                        epochs,
                                        JobMetricsRepository.EpochMetric::trainLoss),
                                line(
                                        "validation loss",
                                        LineChart.GREEN,
                                        epochs,
                                        JobMetricsRepository.EpochMetric::validationLoss),
                                line(
                                        "test loss",
                                        LineChart.VERMILLION,
                                        epochs,
                                        JobMetricsRepository.EpochMetric::testLoss)),
                        List.of()))
                .panel(new LineChart.Panel(
                        "epoch",
                        "accuracy",
                        1,
                        lastEpoch,
                        1,
                        null,
                        List.of(
                                line(
                                        "validation accuracy",
                                        LineChart.GREEN,
                                        epochs,
                                        JobMetricsRepository.EpochMetric::validationAccuracy),
                                line(
                                        "test accuracy",
                                        LineChart.VERMILLION,
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
