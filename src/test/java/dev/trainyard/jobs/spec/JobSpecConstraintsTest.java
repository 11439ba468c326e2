package dev.trainyard.jobs.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * The rules between a job spec's fields, declared as constraints on its records: each is reported at the field it
 * concerns, with its message exactly, and a spec that keeps them passes.
 */
class JobSpecConstraintsTest {

    private static final ValidatorFactory FACTORY = Validation.buildDefaultValidatorFactory();
    private final Validator validator = FACTORY.getValidator();
    private final JsonMapper json = JsonMapper.builder().build();

    @AfterAll
    static void close() {
        FACTORY.close();
    }

    private Set<ConstraintViolation<JobSpec>> violations(String spec) {
        return validator.validate(json.readValue(spec, JobSpec.class));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            blank name              | {"name": " "}                                                    | name                   | must be 1 to 100 characters and not blank (was 1)
            name with a line break  | {"name": "a\\nb"}                                                 | name                   | must not contain control or format characters (line breaks, tabs, NUL, terminal escapes, bidirectional overrides)
            warmup on cosine        | {"schedule": {"type": "cosine", "warmupSteps": 5}}               | schedule.warmupSteps   | applies to cosine-warmup only, not to cosine; remove it
            start rate on constant  | {"schedule": {"type": "constant", "warmupStartLr": 0.01}}        | schedule.warmupStartLr | applies to cosine-warmup only, not to constant; remove it
            min rate on constant    | {"schedule": {"type": "constant", "minLr": 0.01}}                | schedule.minLr         | does not apply to a constant schedule; remove it
            both warmup forms       | {"schedule": {"warmupEpochs": 1, "warmupSteps": 10}}             | schedule.warmupEpochs  | give exactly one of warmupEpochs and warmupSteps, not both
            a warmup that falls     | {"schedule": {"baseLr": 0.1, "warmupStartLr": 0.2}}              | schedule.baseLr        | must be greater than warmupStartLr (0.2) so that warmup rises (was 0.1)
            a decay that rises      | {"schedule": {"baseLr": 0.1, "minLr": 0.2}}                      | schedule.minLr         | must not exceed baseLr (0.1) (was 0.2)
            warmup the whole run    | {"epochs": 3, "schedule": {"warmupEpochs": 3}}                   | schedule.warmupEpochs  | must be less than epochs (3), so that the cosine phase has at least one epoch (was 3)
            default warmup, 1 epoch | {"epochs": 1}                                                    | schedule.warmupEpochs  | must be less than epochs (1), so that the cosine phase has at least one epoch (was 1)
            momentum on adam        | {"optimizer": {"type": "adam", "momentum": 0.9}}                 | optimizer.momentum     | applies to sgd only; Adam keeps its own moment estimates
            nesterov on adamw       | {"optimizer": {"type": "adamw", "nesterov": true}}               | optimizer.nesterov     | applies to sgd only
            classical momentum      | {"optimizer": {"nesterov": false}}                               | optimizer.nesterov     | classical (non-Nesterov) momentum is not available; use "nesterov": true, or "momentum": 0 for plain SGD
            folder without a path   | {"dataset": {"name": "imagefolder"}}                             | dataset.path           | is required for an imagefolder dataset: a folder under the data directory's datasets/ with one sub-folder per class
            path on cifar10         | {"dataset": {"path": "x"}}                                       | dataset.path           | applies to imagefolder datasets only; remove it
            test path on cifar10    | {"dataset": {"name": "cifar10", "testPath": "x"}}                | dataset.testPath       | applies to imagefolder datasets only; remove it
            """)
    void aBrokenRuleIsReportedAtItsFieldWithItsMessage(String what, String spec, String field, String message) {
        assertThat(violations(spec))
                .extracting(violation -> violation.getPropertyPath().toString(), ConstraintViolation::getMessage)
                .containsExactly(tuple(field, message));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            nothing set                | {}
            plain SGD                  | {"optimizer": {"momentum": 0, "nesterov": false}}
            warmup in steps            | {"epochs": 1, "schedule": {"warmupSteps": 10}}
            no warmup                  | {"epochs": 1, "schedule": {"warmupEpochs": 0}}
            constant over one epoch    | {"epochs": 1, "schedule": {"type": "constant"}}
            decay to the peak          | {"schedule": {"baseLr": 0.1, "minLr": 0.1}}
            an image folder            | {"dataset": {"name": "imagefolder", "path": "a", "testPath": "b"}}
            a name with a brace        | {"name": "run {epochs} ${x}"}
            """)
    void aSpecThatKeepsTheRulesPasses(String what, String spec) {
        assertThat(violations(spec)).isEmpty();
    }

    @Test
    void aRateOutOfRangeIsReportedOnceByItsOwnConstraint() {
        assertThat(violations("{\"schedule\": {\"baseLr\": -1, \"minLr\": 0.5}}"))
                .extracting(violation -> violation.getPropertyPath().toString())
                .containsExactly("schedule.baseLr");
    }
}
