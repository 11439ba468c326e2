package dev.trainyard.jobs.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.trainyard.system.Rate;
import dev.trainyard.training.Optimizer;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import java.util.Locale;

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

    /** The optimizer that trains: this spec with its defaults filled in. */
    public Optimizer toOptimizer() {
        OptimizerSpec effective = withDefaults();
        return new Optimizer(
                switch (effective.type()) {
                    case SGD -> Optimizer.Kind.SGD;
                    case ADAM -> Optimizer.Kind.ADAM;
                    case ADAMW -> Optimizer.Kind.ADAMW;
                },
                effective.momentum() == null ? 0 : effective.momentum(),
                effective.weightDecay());
    }
}
