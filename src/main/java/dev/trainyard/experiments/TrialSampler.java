package dev.trainyard.experiments;

import dev.trainyard.system.ClientText;
import dev.trainyard.system.Violations;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The trials' parameter values, drawn from one seeded generator in a fixed order (trial by trial, parameters in
 * their order), so the same experiment spec always gives the same trials.
 */
final class TrialSampler {

    private TrialSampler() {}

    /**
     * Checks the search space, adding what is wrong under {@code search.parameters.<path>} and returning how many
     * trials it gives (0 when it is invalid).
     *
     * @param maxTrials the spec's maxTrials, or null
     * @param limit     the most trials an experiment may have
     */
    static int count(SearchSpec search, Integer maxTrials, int limit, Violations violations) {
        Violations parameters = violations.under("search.parameters");
        boolean valid = true;
        long combinations = 1;
        for (Map.Entry<String, ParameterSpec> entry : search.parameters().entrySet()) {
            String path = entry.getKey();
            ParameterSpec parameter = entry.getValue();
            if (!SpecPaths.isWellFormed(path)) {
                parameters.add(
                        ClientText.shown(path),
                        "is not a spec path: field names joined by dots, such as schedule.baseLr");
                valid = false;
                continue;
            }
            if (parameter == null) {
                parameters.add(path, "must give values or a distribution");
                valid = false;
                continue;
            }
            valid &= checkParameter(search.type(), path, parameter, parameters);
            if (parameter.values() != null) {
                combinations *= parameter.values().size();
                combinations = Math.min(combinations, Integer.MAX_VALUE);
            }
        }
        if (!valid) {
            return 0;
        }
        int trials;
        if (search.type() == SearchSpec.Type.GRID) {
            if (maxTrials != null && combinations > maxTrials) {
                violations.add(
                        "maxTrials",
                        "is " + maxTrials + ", but the grid has " + combinations
                                + " combinations: raise it or list fewer values");
                return 0;
            }
            trials = (int) combinations;
        } else {
            trials = maxTrials == null ? ExperimentSpec.DEFAULT_RANDOM_TRIALS : maxTrials;
        }
        if (trials > limit) {
            violations.add(
                    search.type() == SearchSpec.Type.GRID ? "search.parameters" : "maxTrials",
                    "gives " + trials + " trials; an experiment has at most " + limit
                            + " (trainyard.experiments.max-trials)");
            return 0;
        }
        return trials;
    }

    private static boolean checkParameter(
            SearchSpec.Type type, String path, ParameterSpec parameter, Violations violations) {
        boolean listed = parameter.values() != null;
        boolean drawn = parameter.distribution() != null;
        if (listed == drawn) {
            violations.add(path, "must give either values or a distribution, not " + (listed ? "both" : "neither"));
            return false;
        }
        if (listed) {
            if (parameter.min() != null || parameter.max() != null) {
                violations.add(path, "min and max belong to a distribution; listed values take neither");
                return false;
            }
            if (parameter.values().stream().anyMatch(value -> value == null || value.isNull())) {
                violations.add(path + ".values", "must not hold null: leave the path out of the search instead");
                return false;
            }
            return true;
        }
        if (type == SearchSpec.Type.GRID) {
            violations.add(path, "a grid takes listed values; a distribution needs \"type\": \"random\"");
            return false;
        }
        Double min = parameter.min();
        Double max = parameter.max();
        if (min == null || max == null || !Double.isFinite(min) || !Double.isFinite(max)) {
            violations.add(path, "a " + parameter.distribution() + " distribution needs finite min and max");
            return false;
        }
        if (min > max) {
            violations.add(path, "min must not be above max (min " + min + ", max " + max + ")");
            return false;
        }
        return switch (parameter.distribution()) {
            case UNIFORM -> true;
            case LOG_UNIFORM -> {
                if (min <= 0) {
                    violations.add(path + ".min", "must be above 0 for log-uniform (was " + min + ")");
                    yield false;
                }
                yield true;
            }
            case INT_UNIFORM -> {
                if (min != Math.rint(min)
                        || max != Math.rint(max)
                        || Math.abs(min) > Integer.MAX_VALUE
                        || Math.abs(max) > Integer.MAX_VALUE) {
                    violations.add(path, "int-uniform needs whole numbers for min and max, within 2147483647");
                    yield false;
                }
                yield true;
            }
        };
    }

    /** A trial's parameter values by path, and the seed drawn for it (used when its spec sets none). */
    record Draw(Map<String, JsonNode> parameters, long seed) {}

    /** The values of {@code trials} trials of a search that {@link #count} accepted. */
    static List<Draw> draw(SearchSpec search, int trials, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Map.Entry<String, ParameterSpec>> parameters =
                new ArrayList<>(search.parameters().entrySet());
        List<Draw> draws = new ArrayList<>(trials);
        for (int trial = 0; trial < trials; trial++) {
            Map<String, JsonNode> values = new LinkedHashMap<>();
            if (search.type() == SearchSpec.Type.GRID) {
                int rest = trial;
                for (int i = parameters.size() - 1; i >= 0; i--) {
                    List<JsonNode> options = parameters.get(i).getValue().values();
                    values.put(parameters.get(i).getKey(), options.get(rest % options.size()));
                    rest /= options.size();
                }
                values = reversed(values);
            } else {
                for (Map.Entry<String, ParameterSpec> parameter : parameters) {
                    values.put(parameter.getKey(), sample(parameter.getValue(), random));
                }
            }
            draws.add(new Draw(values, random.nextLong() & Long.MAX_VALUE));
        }
        return draws;
    }

    private static Map<String, JsonNode> reversed(Map<String, JsonNode> values) {
        List<Map.Entry<String, JsonNode>> entries = new ArrayList<>(values.entrySet());
        Map<String, JsonNode> inOrder = new LinkedHashMap<>();
        for (int i = entries.size() - 1; i >= 0; i--) {
            inOrder.put(entries.get(i).getKey(), entries.get(i).getValue());
        }
        return inOrder;
    }

    static JsonNode sample(ParameterSpec parameter, SplittableRandom random) {
        if (parameter.values() != null) {
            return parameter.values().get(random.nextInt(parameter.values().size()));
        }
        double min = parameter.min();
        double max = parameter.max();
        return switch (parameter.distribution()) {
            case UNIFORM -> JsonNodeFactory.instance.numberNode(min + (max - min) * random.nextDouble());
            case LOG_UNIFORM ->
                JsonNodeFactory.instance.numberNode(
                        Math.exp(Math.log(min) + (Math.log(max) - Math.log(min)) * random.nextDouble()));
            case INT_UNIFORM -> JsonNodeFactory.instance.numberNode((int) min + random.nextInt((int) (max - min) + 1));
        };
    }
}
