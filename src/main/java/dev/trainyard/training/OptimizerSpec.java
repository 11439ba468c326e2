package dev.trainyard.training;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.trainyard.system.Violations;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/**
 * The optimizer a job trains with.
 *
 * @param type        {@code sgd}
 * @param momentum    momentum coefficient in [0, 1) (default 0.9); 0 is plain SGD
 * @param nesterov    Nesterov momentum (default true; DL4J implements momentum as Nesterov's)
 * @param weightDecay L2 weight decay coefficient, applied with the learning rate (default 5e-4)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(description = "Optimizer settings")
public record OptimizerSpec(
        @Schema(allowableValues = {"sgd"}, defaultValue = "sgd") String type,
        @Schema(defaultValue = "0.9") Double momentum,
        @Schema(defaultValue = "true") Boolean nesterov,
        @Schema(defaultValue = "5.0E-4") Double weightDecay) {

    static final List<String> TYPES = List.of("sgd");

    public OptimizerSpec withDefaults() {
        return new OptimizerSpec(type == null ? "sgd" : type,
                momentum == null ? 0.9 : momentum,
                nesterov == null ? Boolean.TRUE : nesterov,
                weightDecay == null ? 5e-4 : weightDecay);
    }

    public void validate(String path, Violations violations) {
        violations.requireOneOf(path + ".type", type, TYPES);
        if (momentum != null && (!Double.isFinite(momentum) || momentum < 0 || momentum >= 1)) {
            violations.add(path + ".momentum", "must be in [0, 1) (was " + momentum + ")");
        }
        violations.requireRate(path + ".weightDecay", weightDecay);
        OptimizerSpec effective = withDefaults();
        if (Boolean.FALSE.equals(effective.nesterov()) && effective.momentum() > 0) {
            violations.add(path + ".nesterov", "classical (non-Nesterov) momentum is not available; use "
                    + "\"nesterov\": true, or \"momentum\": 0 for plain SGD");
        }
    }
}
