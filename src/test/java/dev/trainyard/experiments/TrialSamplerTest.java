package dev.trainyard.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trainyard.system.InvalidRequestException;
import dev.trainyard.system.Violations;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

class TrialSamplerTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private static ParameterSpec values(Object... values) {
        return new ParameterSpec(
                java.util.Arrays.stream(values)
                        .map(value -> value instanceof String text
                                ? (JsonNode) NODES.stringNode(text)
                                : NODES.numberNode(((Number) value).doubleValue()))
                        .toList(),
                null,
                null,
                null);
    }

    private static ParameterSpec drawn(ParameterSpec.Distribution distribution, double min, double max) {
        return new ParameterSpec(null, distribution, min, max);
    }

    private static SearchSpec search(SearchSpec.Type type, Object... pathsAndParameters) {
        Map<String, ParameterSpec> parameters = new LinkedHashMap<>();
        for (int i = 0; i < pathsAndParameters.length; i += 2) {
            parameters.put((String) pathsAndParameters[i], (ParameterSpec) pathsAndParameters[i + 1]);
        }
        return new SearchSpec(type, parameters);
    }

    private static int count(SearchSpec search, Integer maxTrials) {
        Violations violations = new Violations();
        int trials = TrialSampler.count(search, maxTrials, 100, violations);
        violations.throwIfAny();
        return trials;
    }

    private static List<String> problems(SearchSpec search, Integer maxTrials) {
        Violations violations = new Violations();
        TrialSampler.count(search, maxTrials, 100, violations);
        try {
            violations.throwIfAny();
            return List.of();
        } catch (InvalidRequestException e) {
            return e.violations().stream()
                    .map(v -> v.field() + ": " + v.message())
                    .toList();
        }
    }

    @Test
    void aGridGivesEveryCombinationWithTheFirstParameterVaryingSlowest() {
        SearchSpec grid =
                search(SearchSpec.Type.GRID, "schedule.type", values("constant", "cosine"), "seed", values(1, 2, 3));
        assertThat(count(grid, null)).isEqualTo(6);
        List<String> combinations = TrialSampler.draw(grid, 6, 9).stream()
                .map(draw -> draw.parameters().get("schedule.type").asString() + "/"
                        + draw.parameters().get("seed").asInt())
                .toList();
        assertThat(combinations)
                .containsExactly("constant/1", "constant/2", "constant/3", "cosine/1", "cosine/2", "cosine/3");
    }

    @Test
    void aGridLargerThanMaxTrialsIsRefusedNamingBoth() {
        SearchSpec grid = search(SearchSpec.Type.GRID, "seed", values(1, 2, 3), "epochs", values(1, 2));
        assertThat(problems(grid, 5))
                .containsExactly("maxTrials: is 5, but the grid has 6 combinations: raise it or list fewer values");
        assertThat(count(grid, 6)).isEqualTo(6);
    }

    @Test
    void randomDrawsAreReproducibleFromTheSeedAndDifferUnderAnother() {
        SearchSpec random = search(
                SearchSpec.Type.RANDOM,
                "schedule.baseLr",
                drawn(ParameterSpec.Distribution.LOG_UNIFORM, 1e-3, 1e-1),
                "batchSize",
                drawn(ParameterSpec.Distribution.INT_UNIFORM, 16, 128));
        assertThat(TrialSampler.draw(random, 20, 42)).isEqualTo(TrialSampler.draw(random, 20, 42));
        assertThat(TrialSampler.draw(random, 20, 42)).isNotEqualTo(TrialSampler.draw(random, 20, 43));
        assertThat(count(random, null)).isEqualTo(ExperimentSpec.DEFAULT_RANDOM_TRIALS);
    }

    @Test
    void uniformDrawsStayInsideTheirRangeAndSpreadOverIt() {
        List<Double> draws = drawsOf(drawn(ParameterSpec.Distribution.UNIFORM, 0.8, 0.99), 4000);
        assertThat(draws).allSatisfy(value -> assertThat(value).isBetween(0.8, 0.99));
        double below = draws.stream().filter(value -> value < 0.895).count() / 4000.0;
        assertThat(below).isBetween(0.45, 0.55);
    }

    @Test
    void logUniformDrawsAreUniformInTheLogarithm() {
        List<Double> draws = drawsOf(drawn(ParameterSpec.Distribution.LOG_UNIFORM, 1e-4, 1e-1), 4000);
        assertThat(draws).allSatisfy(value -> assertThat(value).isBetween(1e-4, 1e-1));
        // each decade holds about a third of the draws; a uniform draw would put 90% in the top one
        for (double low : new double[] {1e-4, 1e-3, 1e-2}) {
            double share = draws.stream().filter(v -> v >= low && v < low * 10).count() / 4000.0;
            assertThat(share).as("decade from %s", low).isBetween(0.29, 0.38);
        }
    }

    @Test
    void intUniformDrawsAreWholeNumbersWithBothEndsIncluded() {
        List<Double> draws = drawsOf(drawn(ParameterSpec.Distribution.INT_UNIFORM, 1, 4), 2000);
        assertThat(draws).allSatisfy(value -> assertThat(value).isIn(1.0, 2.0, 3.0, 4.0));
        assertThat(Set.copyOf(draws)).containsExactlyInAnyOrder(1.0, 2.0, 3.0, 4.0);
    }

    @Test
    void aRandomChoiceTakesOnlyListedValuesAndEachOfThem() {
        SearchSpec random = search(SearchSpec.Type.RANDOM, "model", values("seednet", "lenet5", "resnet20"));
        Set<String> seen = TrialSampler.draw(random, 300, 5).stream()
                .map(draw -> draw.parameters().get("model").asString())
                .collect(Collectors.toSet());
        assertThat(seen).containsExactlyInAnyOrder("seednet", "lenet5", "resnet20");
    }

    private static List<Double> drawsOf(ParameterSpec parameter, int trials) {
        SearchSpec random = search(SearchSpec.Type.RANDOM, "optimizer.momentum", parameter);
        return TrialSampler.draw(random, trials, 7).stream()
                .map(draw -> draw.parameters().get("optimizer.momentum").asDouble())
                .toList();
    }

    @Test
    void invalidSpacesAreRefusedNamingThePath() {
        assertThat(problems(
                        search(
                                SearchSpec.Type.GRID,
                                "schedule.baseLr",
                                drawn(ParameterSpec.Distribution.UNIFORM, 0.01, 0.1)),
                        null))
                .containsExactly("search.parameters.schedule.baseLr: a grid takes listed values; a distribution needs "
                        + "\"type\": \"random\"");
        assertThat(problems(
                        search(
                                SearchSpec.Type.RANDOM,
                                "schedule.baseLr",
                                drawn(ParameterSpec.Distribution.LOG_UNIFORM, 0, 0.1)),
                        null))
                .containsExactly("search.parameters.schedule.baseLr.min: must be above 0 for log-uniform (was 0.0)");
        assertThat(problems(
                        search(
                                SearchSpec.Type.RANDOM,
                                "batchSize",
                                drawn(ParameterSpec.Distribution.INT_UNIFORM, 1.5, 9)),
                        null))
                .containsExactly("search.parameters.batchSize: int-uniform needs whole numbers for min and max, within "
                        + "2147483647");
        assertThat(problems(
                        search(SearchSpec.Type.RANDOM, "epochs", drawn(ParameterSpec.Distribution.UNIFORM, 9, 1)),
                        null))
                .containsExactly("search.parameters.epochs: min must not be above max (min 9.0, max 1.0)");
        assertThat(problems(
                        search(
                                SearchSpec.Type.RANDOM,
                                "epochs",
                                new ParameterSpec(
                                        List.of(NODES.numberNode(1)), ParameterSpec.Distribution.UNIFORM, 1.0, 2.0)),
                        null))
                .containsExactly("search.parameters.epochs: must give either values or a distribution, not both");
        assertThat(problems(search(SearchSpec.Type.GRID, "schedule..baseLr", values(1)), null))
                .containsExactly("search.parameters.schedule..baseLr: is not a spec path: field names joined by dots, "
                        + "such as schedule.baseLr");
        assertThat(problems(
                        search(SearchSpec.Type.RANDOM, "epochs", drawn(ParameterSpec.Distribution.UNIFORM, 1, 2)), 500))
                .containsExactly("maxTrials: gives 500 trials; an experiment has at most 100 "
                        + "(trainyard.experiments.max-trials)");
    }

    @Test
    void aPathThroughAValueThatIsNotAnObjectIsRefused() {
        var base = NODES.objectNode().put("epochs", 3);
        assertThatThrownBy(() -> SpecPaths.with(base, Map.of("epochs.x", NODES.numberNode(1))))
                .isInstanceOf(SpecPaths.NotAnObjectException.class)
                .hasMessage("epochs");
    }
}
