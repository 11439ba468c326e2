package dev.trainyard.training;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.trainyard.schedule.LearningRateSchedule;
import dev.trainyard.system.Rate;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import java.util.Locale;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * The optimizer a job trains with.
 *
 * @param type        {@code sgd} (default) or {@code adam}, both with weight decay as L2 added to the gradient
 *                    (as PyTorch's {@code weight_decay}), or {@code adamw} (Adam with decoupled weight decay)
 * @param momentum    sgd: momentum coefficient in [0, 1) (default 0.9); 0 is plain SGD
 * @param nesterov    sgd: Nesterov momentum (default true; DL4J implements momentum as Nesterov's)
 * @param weightDecay weight decay coefficient of the weights (default 5e-4)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(description = "Optimizer settings")
@ConsistentOptimizer
public record OptimizerSpec(
        @Schema(defaultValue = "sgd") Type type,

        @Schema(defaultValue = "0.9")
        @DecimalMin(value = "0", message = MOMENTUM)
        @DecimalMax(value = "1", inclusive = false, message = MOMENTUM)
        Double momentum,

        @Schema(defaultValue = "true") Boolean nesterov,
        @Schema(defaultValue = "5.0E-4") @Rate Double weightDecay) {

    static final String MOMENTUM = "must be in [0, 1) (was ${validatedValue})";

    /** The optimizers a job can name, by their JSON names. */
    public enum Type {
        SGD,
        ADAM,
        ADAMW;

        @JsonValue
        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public OptimizerSpec withDefaults() {
        Type effective = type == null ? Type.SGD : type;
        double decay = weightDecay == null ? 5e-4 : weightDecay;
        if (effective != Type.SGD) {
            return new OptimizerSpec(effective, null, null, decay);
        }
        return new OptimizerSpec(
                Type.SGD, momentum == null ? 0.9 : momentum, nesterov == null ? Boolean.TRUE : nesterov, decay);
    }

    /** DL4J's updater for this optimizer, driven by {@code schedule}. Call on the effective spec. */
    IUpdater updater(LearningRateSchedule schedule) {
        return switch (type) {
            case ADAM, ADAMW -> new Adam(schedule);
            case SGD -> momentum > 0 ? new Nesterovs(schedule, momentum) : new Sgd(schedule);
        };
    }

    /**
     * Whether weight decay is applied to the weights directly (decoupled, AdamW) rather than added to the gradient.
     * why: added to the gradient, decay passes through momentum as in PyTorch's SGD recipes, which scales it by about
     * 1 / (1 - momentum) (10 at 0.9); decoupled at the same coefficient, seednet reached 78.1% instead of 82.2%
     * (docs/results.md).
     */
    boolean decoupledWeightDecay() {
        return type == Type.ADAMW;
    }
}
