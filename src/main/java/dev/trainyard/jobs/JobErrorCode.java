package dev.trainyard.jobs;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/** Why a job failed: the stable {@code error.code} of a FAILED job, as the API, the database and the README name it. */
public enum JobErrorCode {
    /** The dataset could not be downloaded or read. */
    DATASET_UNAVAILABLE("dataset_unavailable"),
    /** The loss became NaN or infinite (the message names the step and the learning rate), or the network predicted NaN. */
    DIVERGED("diverged"),
    /** The job was interrupted (its server died) on each of its allowed attempts. */
    MAX_ATTEMPTS_EXCEEDED("max_attempts_exceeded"),
    /** A file could not be written for lack of space; the last good checkpoint is kept for a retry. */
    DISK_FULL("disk_full"),
    /** Anything else; the message names the error. */
    TRAINING_ERROR("training_error");

    private final String code;

    JobErrorCode(String code) {
        this.code = code;
    }

    @JsonValue
    public String code() {
        return code;
    }

    /** The code stored as {@code code}; unknown codes (from a newer version) read as {@link #TRAINING_ERROR}. */
    public static JobErrorCode of(String code) {
        return Arrays.stream(values())
                .filter(value -> value.code.equals(code))
                .findFirst()
                .orElse(TRAINING_ERROR);
    }
}
