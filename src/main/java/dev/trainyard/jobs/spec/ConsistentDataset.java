package dev.trainyard.jobs.spec;

import dev.trainyard.system.FieldRules;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Folders named by an imagefolder dataset only, and its training folder always; each reported at its field. Whether
 * the folders exist is checked by {@link dev.trainyard.data.DatasetCatalog#checkFolders}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = ConsistentDataset.Validator.class)
public @interface ConsistentDataset {

    String message() default "must be a consistent dataset";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    final class Validator implements ConstraintValidator<ConsistentDataset, DatasetSpec> {
        @Override
        public boolean isValid(DatasetSpec dataset, ConstraintValidatorContext context) {
            if (dataset == null) {
                return true;
            }
            FieldRules rules = new FieldRules(context);
            boolean imageFolder = dataset.name() == DatasetSpec.Kind.IMAGEFOLDER;
            if (imageFolder && (dataset.path() == null || dataset.path().isBlank())) {
                rules.reject(
                        "path",
                        "is required for an imagefolder dataset: a folder under the data directory's datasets/ "
                                + "with one sub-folder per class");
            }
            if (!imageFolder && dataset.path() != null) {
                rules.reject("path", "applies to imagefolder datasets only; remove it");
            }
            if (!imageFolder && dataset.testPath() != null) {
                rules.reject("testPath", "applies to imagefolder datasets only; remove it");
            }
            return rules.valid();
        }
    }
}
