package dev.trainyard.jobs;

import static dev.trainyard.jobs.JobState.CANCELLED;
import static dev.trainyard.jobs.JobState.FAILED;
import static dev.trainyard.jobs.JobState.QUEUED;
import static dev.trainyard.jobs.JobState.STOPPED;
import static dev.trainyard.jobs.JobState.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JobStateTest {

    private static final Set<String> ALLOWED = Set.of(
            "QUEUED->RUNNING",
            "QUEUED->CANCELLED",
            "RUNNING->SUCCEEDED",
            "RUNNING->FAILED",
            "RUNNING->CANCELLED",
            "RUNNING->STOPPED",
            "RUNNING->QUEUED",
            "FAILED->QUEUED");

    static Stream<Arguments> everyPair() {
        return Stream.of(JobState.values())
                .flatMap(from -> Stream.of(JobState.values()).map(to -> Arguments.of(from, to)));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("everyPair")
    void onlyListedChangesAreAllowed(JobState from, JobState to) {
        assertThat(from.canMoveTo(to)).isEqualTo(ALLOWED.contains(from + "->" + to));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("everyPair")
    void everyAllowedChangeIsMadeByATransitionAndNoTransitionMakesAnotherChange(JobState from, JobState to) {
        assertThat(Stream.of(JobTransition.values()).anyMatch(move -> move.from == from && move.to == to))
                .isEqualTo(ALLOWED.contains(from + "->" + to));
    }

    @org.junit.jupiter.api.Test
    void finishedStatesAreTheOnesNothingTrainsFromWhichOnlyAFailedJobMayBeRetried() {
        assertThat(Stream.of(JobState.values()).filter(JobState::isFinished))
                .containsExactlyInAnyOrder(SUCCEEDED, FAILED, CANCELLED, STOPPED);
        assertThat(Stream.of(JobState.values()).filter(JobState::isFinished).filter(state -> state.canMoveTo(QUEUED)))
                .containsExactly(FAILED);
    }
}
