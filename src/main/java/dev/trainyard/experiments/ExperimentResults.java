package dev.trainyard.experiments;

import dev.trainyard.charts.LineChart;
import dev.trainyard.jobs.JobMetricsRepository;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** An experiment's trials as the API shows them: the trial table (JSON, CSV), the comparison (JSON, SVG). */
@Component
class ExperimentResults {

    private static final int CHART_WIDTH = 900;
    /** A chart draws at most this many points per trial's learning-rate line; the JSON has every step. */
    private static final int CHART_POINTS = 1000;
    /** Muted colours for the trials that are not the best, which is drawn in vermillion. */
    private static final String[] OTHERS = {
        "#0072B2", "#009E73", "#E69F00", "#56B4E9", "#CC79A7", "#F0E442", "#999999", "#332288"
    };

    private final ExperimentService experiments;
    private final JobMetricsRepository metrics;
    private final JsonMapper json;

    ExperimentResults(ExperimentService experiments, JobMetricsRepository metrics, JsonMapper json) {
        this.experiments = experiments;
        this.metrics = metrics;
        this.json = json;
    }

    /** The experiment with its trial counts and best trial; with every trial when {@code withTrials}. */
    ExperimentView view(Experiment experiment, boolean withTrials) {
        List<Trial> trials = experiments.trials(experiment);
        TrialResults results = new TrialResults(experiment.spec().objective(), trials, experiments.epochs(experiment));
        List<ExperimentView.TrialView> views = trials.stream()
                .map(trial -> trialView(experiment, trial, results))
                .toList();
        Map<String, Long> states = new LinkedHashMap<>();
        views.forEach(view -> states.merge(view.state(), 1L, Long::sum));
        ExperimentView.TrialView best =
                results.best().map(number -> views.get(indexOf(trials, number))).orElse(null);
        return new ExperimentView(
                experiment.id(),
                experiment.spec().name(),
                experiment.owner(),
                experiment.state(),
                experiment.submittedAt(),
                experiment.finishedAt(),
                experiment.spec(),
                states,
                best,
                withTrials ? views : null);
    }

    private static int indexOf(List<Trial> trials, int number) {
        for (int i = 0; i < trials.size(); i++) {
            if (trials.get(i).number() == number) {
                return i;
            }
        }
        throw new IllegalArgumentException("no trial " + number);
    }

    private ExperimentView.TrialView trialView(Experiment experiment, Trial trial, TrialResults results) {
        double[] curve = results.curve(trial.number());
        return new ExperimentView.TrialView(
                trial.number(),
                trial.jobId(),
                state(experiment, trial),
                plain(trial.parameters()),
                curve.length == 0 ? null : curve.length,
                results.value(trial.number()),
                results.rank(trial.number()),
                trial.stopReason());
    }

    /** The parameters as plain JSON values (numbers, strings, maps), as the API's schema declares them. */
    private Map<String, Object> plain(Map<String, JsonNode> parameters) {
        Map<String, Object> values = new LinkedHashMap<>();
        parameters.forEach((path, value) -> values.put(path, json.treeToValue(value, Object.class)));
        return values;
    }

    static String state(Experiment experiment, Trial trial) {
        if (trial.jobState() != null) {
            return trial.jobState().name();
        }
        if (trial.launchedAt() != null) {
            return "DELETED";
        }
        return experiment.state() == ExperimentState.CANCELLED ? "NOT_RUN" : "PENDING";
    }

    /** The best-ranked trial that SUCCEEDED. */
    Trial bestTrial(Experiment experiment) {
        List<Trial> trials = experiments.trials(experiment);
        TrialResults results = new TrialResults(experiment.spec().objective(), trials, experiments.epochs(experiment));
        return results.best()
                .map(number -> trials.get(indexOf(trials, number)))
                .filter(trial -> trial.jobId() != null)
                .orElseThrow(() -> new NoBestTrialException(experiment.id()));
    }

    /** @param points at most this many steps per trial ({@link ExperimentComparison.LearningRates#thinned}) */
    ExperimentComparison comparison(Experiment experiment, int points) {
        List<Trial> trials = experiments.trials(experiment);
        List<ExperimentRepository.TrialEpoch> epochs = experiments.epochs(experiment);
        TrialResults results = new TrialResults(experiment.spec().objective(), trials, epochs);
        // each trial's steps are read when the response reaches it, so one trial's rates are in memory at a time
        List<ExperimentComparison.TrialCurves> curves = new AbstractList<>() {
            @Override
            public ExperimentComparison.TrialCurves get(int index) {
                Trial trial = trials.get(index);
                JobMetricsRepository.AppliedRates rates = trial.jobId() == null
                        ? new JobMetricsRepository.AppliedRates(new long[0], new double[0])
                        : metrics.findAppliedRates(trial.jobId());
                return new ExperimentComparison.TrialCurves(
                        trial.number(),
                        trial.jobId(),
                        state(experiment, trial),
                        plain(trial.parameters()),
                        results.value(trial.number()),
                        results.rank(trial.number()),
                        new ExperimentComparison.LearningRates(rates.steps(), rates.rates()).thinned(points),
                        epochs.stream()
                                .filter(epoch -> epoch.trial() == trial.number())
                                .map(ExperimentComparison.EpochResult::of)
                                .toList());
            }

            @Override
            public int size() {
                return trials.size();
            }
        };
        return new ExperimentComparison(
                experiment.id(),
                experiment.spec().name(),
                experiment.spec().objective(),
                results.best().orElse(null),
                curves);
    }

    /**
     * The schedules (learning rate applied per step) and the objective's metric per epoch of every trial, on shared
     * axes; the best trial in vermillion, named "(best)" in the legend.
     */
    String comparisonChart(Experiment experiment) {
        ExperimentComparison comparison = comparison(experiment, CHART_POINTS);
        ObjectiveSpec.Metric metric = experiment.spec().objective().metric();
        List<LineChart.Line> rates = new ArrayList<>();
        List<LineChart.Line> results = new ArrayList<>();
        double lastStep = 1;
        double lastEpoch = 1;
        for (ExperimentComparison.TrialCurves trial : comparison.trials()) {
            boolean best = comparison.best() != null && comparison.best() == trial.trial();
            String name = "trial " + trial.trial() + (best ? " (best)" : "");
            String colour = best ? LineChart.VERMILLION : OTHERS[trial.trial() % OTHERS.length];
            long[] steps = trial.learningRates().steps();
            if (steps.length > 0) {
                lastStep = Math.max(lastStep, steps[steps.length - 1]);
            }
            rates.add(new LineChart.Line(
                    name,
                    colour,
                    Arrays.stream(steps).asDoubleStream().toArray(),
                    trial.learningRates().values()));
            double[] epochAxis = trial.epochs().stream()
                    .mapToDouble(ExperimentComparison.EpochResult::epoch)
                    .toArray();
            double[] metricValues = trial.epochs().stream()
                    .map(epoch -> epoch.value(metric))
                    .mapToDouble(value -> value == null ? Double.NaN : value)
                    .toArray();
            if (epochAxis.length > 0) {
                lastEpoch = Math.max(lastEpoch, epochAxis[epochAxis.length - 1]);
            }
            results.add(new LineChart.Line(name, colour, epochAxis, metricValues));
        }
        return LineChart.titled(experiment.spec().name(), CHART_WIDTH)
                .panel(new LineChart.Panel("step", "learning rate applied", 0, lastStep, 1, null, rates, List.of()))
                .panel(new LineChart.Panel("epoch", metric.toString(), 1, lastEpoch, 1, null, results, List.of()))
                .toSvg();
    }

    /**
     * The trial table as CSV (RFC 4180): one row per trial, one column per search path (its value as JSON). A cell
     * that a spreadsheet would read as a formula is prefixed with a quote.
     */
    String csv(Experiment experiment) {
        ExperimentView view = view(experiment, true);
        List<String> paths =
                new ArrayList<>(experiment.spec().search().parameters().keySet());
        StringBuilder out = new StringBuilder();
        List<String> header = new ArrayList<>(List.of("trial", "job", "state", "epochs", "objective", "rank"));
        header.addAll(paths);
        header.add("stopped_because");
        row(out, header);
        for (ExperimentView.TrialView trial : view.trials()) {
            List<String> cells = new ArrayList<>();
            cells.add(Integer.toString(trial.trial()));
            cells.add(trial.job() == null ? "" : trial.job().toString());
            cells.add(trial.state());
            cells.add(trial.epochs() == null ? "" : trial.epochs().toString());
            cells.add(trial.objective() == null ? "" : trial.objective().toString());
            cells.add(trial.rank() == null ? "" : trial.rank().toString());
            for (String path : paths) {
                Object value = trial.parameters().get(path);
                cells.add(value == null ? "" : value instanceof String text ? text : json.writeValueAsString(value));
            }
            cells.add(trial.stoppedBecause() == null ? "" : trial.stoppedBecause());
            row(out, cells);
        }
        return out.toString();
    }

    private static void row(StringBuilder out, List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(cell(cells.get(i)));
        }
        out.append("\r\n");
    }

    static String cell(String value) {
        String safe =
                !value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0 && !isNumber(value) ? "'" + value : value;
        if (safe.contains(",") || safe.contains("\"") || safe.contains("\n") || safe.contains("\r")) {
            return "\"" + safe.replace("\"", "\"\"") + "\"";
        }
        return safe;
    }

    private static boolean isNumber(String value) {
        try {
            Double.parseDouble(value);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
