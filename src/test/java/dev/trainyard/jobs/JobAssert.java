package dev.trainyard.jobs;

import org.assertj.core.api.AbstractAssert;

/** Assertions on a stored job, in the domain's words: {@code assertThat(job).hasState(QUEUED).hasAttempt(0)}. */
final class JobAssert extends AbstractAssert<JobAssert, Job> {

    private JobAssert(Job actual) {
        super(actual, JobAssert.class);
    }

    static JobAssert assertThat(Job job) {
        return new JobAssert(job);
    }

    JobAssert hasState(JobState state) {
        isNotNull();
        if (actual.state() != state) {
            failWithMessage("expected job %s to be %s but it is %s", actual.id(), state, actual.state());
        }
        return this;
    }

    /** How many times it has started. */
    JobAssert hasAttempt(int attempt) {
        isNotNull();
        if (actual.attempt() != attempt) {
            failWithMessage("expected job %s on attempt %d but it is on %d", actual.id(), attempt, actual.attempt());
        }
        return this;
    }

    JobAssert isOwnedBy(String owner) {
        isNotNull();
        if (!actual.owner().equals(owner)) {
            failWithMessage("expected job %s to be %s's but it is %s's", actual.id(), owner, actual.owner());
        }
        return this;
    }

    JobAssert hasNoError() {
        isNotNull();
        if (actual.error() != null) {
            failWithMessage("expected job %s without an error but it has %s", actual.id(), actual.error());
        }
        return this;
    }

    JobAssert hasError(JobErrorCode code) {
        isNotNull();
        if (actual.error() == null || actual.error().code() != code) {
            failWithMessage(
                    "expected job %s to have failed with %s but its error is %s", actual.id(), code, actual.error());
        }
        return this;
    }
}
