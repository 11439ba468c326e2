package dev.trainyard.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trainyard.training.Checkpoint;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the job tables must do on every database trainyard supports; one subclass per database. Tests run outside a
 * test transaction so that concurrent claims see each other, and start from empty tables.
 */
@Import({JobRepository.class, JobMetricsRepository.class, JobEventLog.class, SystemClock.class})
@ImportAutoConfiguration(JacksonAutoConfiguration.class)
@Transactional(propagation = Propagation.NOT_SUPPORTED)
abstract class JobRepositoryContract {

    @Autowired
    JobRepository jobs;

    @Autowired
    JobMetricsRepository results;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    JobEventLog events;

    @Autowired
    PlatformTransactionManager transactions;

    private final JsonMapper json = JsonMapper.builder().build();

    private final Instant now = JobTestBuilder.SUBMITTED;

    @BeforeEach
    void emptyTables() {
        jdbc.sql("delete from jobs").update();
    }

    private UUID aQueuedJob(String owner, int priority, Instant submitted) {
        return JobTestBuilder.aQueuedJob()
                .ownedBy(owner)
                .withPriority(priority)
                .submittedAt(submitted)
                .insertInto(jobs);
    }

    @Test
    void insertedJobReadsBackQueuedWithItsSpecAndTimestamp() {
        JobTestBuilder submitted =
                JobTestBuilder.aQueuedJob().ownedBy("alice").withPriority(5).submittedAt(now);
        UUID id = submitted.insertInto(jobs);

        Job job = jobs.findById(id).orElseThrow();

        JobAssert.assertThat(job)
                .hasState(JobState.QUEUED)
                .isOwnedBy("alice")
                .hasAttempt(0)
                .hasNoError();
        assertThat(job.spec()).isEqualTo(submitted.spec());
        assertThat(job.submittedAt()).isEqualTo(now.truncatedTo(ChronoUnit.MICROS));
        assertThat(jobs.findById(UUID.randomUUID())).isEmpty();
    }

    @Test
    void claimTakesHighestPriorityThenOldestAndMarksItRunning() {
        UUID low = aQueuedJob("a", -5, now);
        UUID firstHigh = aQueuedJob("a", 10, now.plusSeconds(1));
        UUID secondHigh = aQueuedJob("a", 10, now.plusSeconds(2));

        Job claimed = jobs.claimNext("slot-0", now.plusSeconds(3)).orElseThrow();

        assertThat(claimed.id()).isEqualTo(firstHigh);
        JobAssert.assertThat(claimed).hasState(JobState.RUNNING);
        JobAssert.assertThat(claimed).hasAttempt(1);
        assertThat(claimed.startedAt()).isEqualTo(now.plusSeconds(3));
        assertThat(jobs.claimNext("slot-0", now).map(Job::id)).contains(secondHigh);
        assertThat(jobs.claimNext("slot-0", now).map(Job::id)).contains(low);
        assertThat(jobs.claimNext("slot-0", now)).isEmpty();
    }

    @Test
    void concurrentClaimantsNeverTakeTheSameJob() throws Exception {
        int count = 40;
        for (int i = 0; i < count; i++) {
            aQueuedJob("a", i % 3, now.plusMillis(i));
        }
        ExecutorService claimants = Executors.newFixedThreadPool(4);
        List<UUID> claimed = Collections.synchronizedList(new ArrayList<>());
        List<Callable<Void>> work = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            String name = "slot-" + c;
            work.add(() -> {
                Optional<Job> job;
                while ((job = claimUntilEmpty(name)).isPresent()) {
                    claimed.add(job.get().id());
                }
                return null;
            });
        }
        for (Future<Void> done : claimants.invokeAll(work)) {
            done.get();
        }
        claimants.shutdown();

        assertThat(claimed).hasSize(count);
        assertThat(new HashSet<>(claimed)).hasSize(count);
        assertThat(jobs.countByState(JobState.QUEUED)).isZero();
    }

    /** A claim can lose a race and come back empty while jobs remain; only an empty queue ends the loop. */
    private Optional<Job> claimUntilEmpty(String claimant) {
        while (true) {
            Optional<Job> job = jobs.claimNext(claimant, now);
            if (job.isPresent() || jobs.countByState(JobState.QUEUED) == 0) {
                return job;
            }
        }
    }

    @Test
    void cancelQueuedIsACompareAndSetOnTheState() {
        UUID running = aQueuedJob("a", 0, now);
        jobs.claimNext("slot", now);
        UUID queued = aQueuedJob("a", 0, now);

        assertThat(jobs.cancelQueued(running, now)).isFalse();
        assertThat(jobs.cancelQueued(queued, now)).isTrue();
        assertThat(jobs.cancelQueued(queued, now)).isFalse();

        Job job = jobs.findById(queued).orElseThrow();
        JobAssert.assertThat(job).hasState(JobState.CANCELLED);
        assertThat(job.finishedAt()).isEqualTo(now.truncatedTo(ChronoUnit.MICROS));
        assertThat(job.version()).isGreaterThan(0);
        JobAssert.assertThat(jobs.findById(running).orElseThrow()).hasState(JobState.RUNNING);
    }

    @Test
    void cancelRequestsReachOnlyRunningJobs() {
        UUID queued = aQueuedJob("a", 0, now);
        assertThat(jobs.requestCancel(queued)).isFalse();
        jobs.claimNext("slot", now);

        assertThat(jobs.requestCancel(queued)).isTrue();
        assertThat(jobs.findById(queued).orElseThrow().cancelRequested()).isTrue();
    }

    @Test
    void pagesAreNewestFirstPerOwnerAndState() {
        List<UUID> alice = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            alice.add(aQueuedJob("alice", 0, now.plusSeconds(i)));
        }
        aQueuedJob("bob", 0, now);

        List<Job> first = jobs.findPage("alice", null, null, 2);
        List<Job> second = jobs.findPage("alice", JobState.QUEUED, first.get(1).seq(), 2);

        assertThat(first).extracting(Job::id).containsExactly(alice.get(4), alice.get(3));
        assertThat(second).extracting(Job::id).containsExactly(alice.get(2), alice.get(1));
        assertThat(jobs.findPage(null, null, null, 100)).hasSize(6);
        assertThat(jobs.findPage("alice", JobState.RUNNING, null, 100)).isEmpty();
    }

    @Test
    void queuePositionCountsJobsAhead() {
        UUID first = aQueuedJob("a", 0, now);
        UUID urgent = aQueuedJob("a", 50, now.plusSeconds(1));
        UUID last = aQueuedJob("a", 0, now.plusSeconds(2));

        assertThat(jobs.queuePosition(jobs.findById(urgent).orElseThrow())).isEqualTo(1);
        assertThat(jobs.queuePosition(jobs.findById(first).orElseThrow())).isEqualTo(2);
        assertThat(jobs.queuePosition(jobs.findById(last).orElseThrow())).isEqualTo(3);
        assertThat(jobs.queuePositions(List.of(last, first, urgent)))
                .as("one ranking of the queue agrees with the per-job count")
                .containsExactlyInAnyOrderEntriesOf(Map.of(urgent, 1L, first, 2L, last, 3L));
        jobs.claimNext("slot", now);
        assertThat(jobs.queuePositions(List.of(urgent, first, last)))
                .as("a job that left the queue has no position")
                .containsExactlyInAnyOrderEntriesOf(Map.of(first, 1L, last, 2L));
    }

    @Test
    void releasedJobGoesBackToTheQueueWithoutCountingTheAttempt() {
        UUID id = aQueuedJob("a", 0, now);
        UUID queued = aQueuedJob("a", -1, now);
        Lease lease = Lease.of(jobs.claimNext("slot", now).orElseThrow());
        JobAssert.assertThat(jobs.findById(id).orElseThrow()).hasState(JobState.RUNNING);
        JobAssert.assertThat(jobs.findById(queued).orElseThrow()).hasState(JobState.QUEUED);

        assertThat(jobs.release(lease)).isTrue();
        assertThat(jobs.release(lease)).isFalse();

        Job released = jobs.findById(id).orElseThrow();
        JobAssert.assertThat(released).hasState(JobState.QUEUED);
        JobAssert.assertThat(released).hasAttempt(0);
        assertThat(jobs.claimNext("slot", now).map(Job::id)).contains(id);
        JobAssert.assertThat(jobs.findById(queued).orElseThrow()).hasState(JobState.QUEUED);
    }

    @Test
    void appliedRatesAreEveryRecordedStepInOrderWithItsRate() {
        UUID id = aQueuedJob("a", 0, now);
        int recorded = 2_500; // past two doublings of the reader's arrays
        results.upsertSteps(
                id,
                java.util.stream.LongStream.range(0, recorded)
                        .mapToObj(s -> new JobMetricsRepository.StepMetric(s, (int) s / 100, 1.0, s / 1e4))
                        .toList());

        JobMetricsRepository.AppliedRates rates = results.findAppliedRates(id);

        assertThat(rates.steps()).hasSize(recorded);
        assertThat(rates.rates()).hasSize(recorded);
        for (int i = 0; i < recorded; i++) {
            assertThat(rates.steps()[i]).isEqualTo(i);
            assertThat(rates.rates()[i]).isEqualTo(i / 1e4);
        }
        assertThat(results.findAppliedRates(aQueuedJob("b", 0, now)).steps()).isEmpty();
    }

    @Test
    void resumedRunReplacesTheStepsItTrainsAgainAndKeepsTheRestUntilThen() {
        UUID id = aQueuedJob("a", 0, now);
        results.upsertSteps(
                id,
                java.util.stream.LongStream.range(0, 10)
                        .mapToObj(s -> new JobMetricsRepository.StepMetric(s, (int) s / 4, 1.0, 0.1))
                        .toList());
        results.upsertEpoch(id, new JobMetricsRepository.EpochMetric(1, 2.0, 1.9, 0.3, null, null, 1.0));

        results.upsertSteps(
                id,
                List.of(
                        new JobMetricsRepository.StepMetric(4, 1, 0.5, 0.1),
                        new JobMetricsRepository.StepMetric(5, 1, 0.6, 0.1)));
        results.upsertEpoch(id, new JobMetricsRepository.EpochMetric(1, 1.5, 1.4, 0.5, null, null, 2.0));

        assertThat(results.findSteps(id))
                .extracting(JobMetricsRepository.StepMetric::step)
                .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        assertThat(results.findSteps(id))
                .extracting(JobMetricsRepository.StepMetric::loss)
                .containsExactly(1.0, 1.0, 1.0, 1.0, 0.5, 0.6, 1.0, 1.0, 1.0, 1.0);
        assertThat(results.findEpochs(id))
                .containsExactly(new JobMetricsRepository.EpochMetric(1, 1.5, 1.4, 0.5, null, null, 2.0));
    }

    @Test
    void checkpointsAreRecordedOldestFirstAndReplacedByStep() {
        UUID id = aQueuedJob("a", 0, now);
        Instant at = now.truncatedTo(ChronoUnit.MICROS);
        Checkpoint first = new Checkpoint("step-000000004.zip", 1, 0, 4, 0, 0.25, 100, "a".repeat(64), at);
        Checkpoint stop = new Checkpoint("step-000000006.zip", 1, 2, 6, 3.5, null, 120, "b".repeat(64), at);
        results.upsertCheckpoint(id, stop);
        results.upsertCheckpoint(id, first);
        Checkpoint again = new Checkpoint("step-000000004.zip", 1, 0, 4, 0, 0.5, 101, "c".repeat(64), at);
        results.upsertCheckpoint(id, again);

        assertThat(results.findCheckpoints(id)).containsExactly(again, stop);
        results.deleteCheckpoint(id, again);
        assertThat(results.findCheckpoints(id)).containsExactly(stop);
    }

    @Test
    void progressAndResultsAreStored() {
        UUID id = aQueuedJob("a", 0, now);
        Lease lease = Lease.of(jobs.claimNext("slot", now).orElseThrow());
        dev.trainyard.training.RunRecord record = new dev.trainyard.training.RunRecord(
                "1.0.0-M2.1",
                "CPU",
                "test cpu",
                true,
                new dev.trainyard.training.onednn.ConvolutionCoverage("trainyard-onednn", 4, 4, 3, List.of()),
                "17",
                "ab".repeat(32),
                100,
                0,
                10,
                10);
        jobs.updatePlan(lease, 4, 8, 0, 1, record);
        results.upsertSteps(
                id,
                List.of(
                        new JobMetricsRepository.StepMetric(0, 0, 2.3, 0.0),
                        new JobMetricsRepository.StepMetric(1, 0, 2.2, 0.025)));
        jobs.updateProgress(lease, new Job.Progress(1, 2L, null, null, 2.2, 0.025, 512.0, 30.5), now);
        results.upsertEpoch(id, new JobMetricsRepository.EpochMetric(1, 2.25, null, null, 2.1, 0.31, 1.5));

        Job job = jobs.findById(id).orElseThrow();
        assertThat(job.progress()).isEqualTo(new Job.Progress(1, 2L, 4, 8L, 2.2, 0.025, 512.0, 30.5));
        assertThat(job.run()).isEqualTo(record);
        assertThat(results.findSteps(id))
                .extracting(JobMetricsRepository.StepMetric::learningRate)
                .containsExactly(0.0, 0.025);
        assertThat(results.findEpochs(id))
                .containsExactly(new JobMetricsRepository.EpochMetric(1, 2.25, null, null, 2.1, 0.31, 1.5));

        JobMetricsRepository.EpochMetric second =
                new JobMetricsRepository.EpochMetric(2, 2.0, 1.9, 0.4, 1.95, 0.35, 1.4);
        results.upsertEpoch(id, second);
        UUID without = aQueuedJob("a", 0, now.plusSeconds(1));
        assertThat(results.lastEpochs(List.of(id, without))).containsExactlyEntriesOf(Map.of(id, second));
    }

    @Test
    void leaseExpiresAfterTheTimeoutAndOwnClaimsAreFoundAtOnce() {
        aQueuedJob("a", 0, now);
        Lease lease = Lease.of(jobs.claimNext("replica_a/slot-0", now).orElseThrow());
        assertThat(jobs.renew(lease, now.plusSeconds(10))).isTrue();

        Duration timeout = Duration.ofSeconds(60);
        assertThat(jobs.findExpired(now.plusSeconds(69).minus(timeout))).isEmpty();
        JobRepository.Abandoned abandoned = new JobRepository.Abandoned(lease, 1);
        assertThat(jobs.findExpired(now.plusSeconds(71).minus(timeout))).containsExactly(abandoned);
        assertThat(jobs.findClaimedBy("replica_a/")).containsExactly(abandoned);
        jdbc.sql("update jobs set heartbeat_at = null").update();
        assertThat(jobs.findExpired(now.minus(timeout)))
                .as("a running job without a lease")
                .containsExactly(abandoned);
        assertThat(jobs.findClaimedBy("replica-b/")).isEmpty();
        // '_' is not a wildcard: another replica's id that differs there does not match
        assertThat(jobs.findClaimedBy("replicaXa/")).isEmpty();
    }

    @Test
    void retryQueuesAFailedJobAgainAndCountsItsAttemptsAfresh() {
        UUID id = aQueuedJob("a", 0, now);
        Lease first = Lease.of(jobs.claimNext("slot", now).orElseThrow());
        assertThat(jobs.retry(id)).as("a running job is not retried").isFalse();
        jobs.finish(first, JobState.FAILED, new Job.JobError(JobErrorCode.DISK_FULL, "no space"), now);
        JobAssert.assertThat(jobs.findById(id).orElseThrow())
                .hasState(JobState.FAILED)
                .hasError(JobErrorCode.DISK_FULL);

        assertThat(jobs.retry(id)).isTrue();
        assertThat(jobs.retry(id)).isFalse();

        Job retried = jobs.findById(id).orElseThrow();
        JobAssert.assertThat(retried).hasState(JobState.QUEUED).hasNoError();
        assertThat(retried.finishedAt()).isNull();
        Lease second = Lease.of(jobs.claimNext("slot", now).orElseThrow());
        assertThat(second.attempt()).as("the fencing token keeps rising").isEqualTo(2);
        assertThat(jobs.findClaimedBy("slot")).containsExactly(new JobRepository.Abandoned(second, 1));
    }

    @Test
    void onlyFinishedJobsAreDeletedWithEverythingRecordedForThem() {
        UUID finished = aQueuedJob("a", 0, now);
        Lease lease = Lease.of(jobs.claimNext("slot", now).orElseThrow());
        results.upsertSteps(finished, List.of(new JobMetricsRepository.StepMetric(0, 0, 2.3, 0.0)));
        results.upsertEpoch(finished, new JobMetricsRepository.EpochMetric(1, 2.0, null, null, 2.1, 0.3, 1.0));
        results.upsertCheckpoint(
                finished,
                new Checkpoint(
                        "step-000000001.zip", 1, 0, 1, 0, 0.3, 10, "a".repeat(64), now.truncatedTo(ChronoUnit.MICROS)));
        jobs.finish(lease, JobState.SUCCEEDED, null, now);
        UUID queued = aQueuedJob("a", 0, now);

        assertThat(jobs.deleteFinished(queued)).isFalse();
        assertThat(jobs.findFinishedBefore(now.plusSeconds(1))).containsExactly(finished);
        assertThat(jobs.findFinishedBefore(now.minusSeconds(1))).isEmpty();
        assertThat(jobs.deleteFinished(finished)).isTrue();
        assertThat(jobs.deleteFinished(finished)).isFalse();

        assertThat(jobs.exists(finished)).isFalse();
        assertThat(jobs.exists(queued)).isTrue();
        assertThat(results.findSteps(finished)).isEmpty();
        assertThat(results.findEpochs(finished)).isEmpty();
        assertThat(results.findCheckpoints(finished)).isEmpty();
    }

    @Test
    void leaseTakenOverByAnotherAttemptWritesNothing() {
        UUID id = aQueuedJob("a", 0, now);
        Lease zombie = Lease.of(jobs.claimNext("replica-a/slot-0", now).orElseThrow());
        assertThat(jobs.requeue(zombie)).isTrue();
        Lease current =
                Lease.of(jobs.claimNext("replica-b/slot-0", now.plusSeconds(71)).orElseThrow());
        assertThat(current.attempt()).isEqualTo(2);
        Job before = jobs.findById(id).orElseThrow();

        assertThat(jobs.renew(zombie, now.plusSeconds(72))).isFalse();
        assertThat(jobs.lockIfHeld(zombie)).isFalse();
        assertThat(jobs.updatePlan(zombie, 4, 8, 0, 1, null)).isFalse();
        assertThat(jobs.updateProgress(zombie, new Job.Progress(1, 5L, null, null, 9.9, 0.5, 1.0, null), now))
                .isFalse();
        assertThat(jobs.finish(zombie, JobState.SUCCEEDED, null, now)).isFalse();
        assertThat(jobs.release(zombie)).isFalse();
        assertThat(jobs.requeue(zombie)).isFalse();
        assertThat(jobs.findById(id).orElseThrow()).isEqualTo(before);

        assertThat(jobs.renew(current, now.plusSeconds(72))).isTrue();
        assertThat(jobs.finish(current, JobState.SUCCEEDED, null, now)).isTrue();
        JobAssert.assertThat(jobs.findById(id).orElseThrow()).hasState(JobState.SUCCEEDED);
    }

    @Test
    void everyStateChangeRecordsOneStateEventWithTheJobsNewState() {
        UUID id = aQueuedJob("alice", 0, now);
        Job claimed = jobs.claimNext("slot-0", now).orElseThrow();
        assertThat(jobs.finish(new Lease(id, claimed.attempt() + 1), JobState.FAILED, null, now))
                .as("a stale lease moves nothing")
                .isFalse();
        assertThat(jobs.requestCancel(id)).isTrue();
        assertThat(jobs.finish(new Lease(id, claimed.attempt()), JobState.CANCELLED, null, now))
                .isTrue();

        List<JobEvent> recorded = events.ofJob(id, 0, 100);
        assertThat(recorded).extracting(JobEvent::type).containsOnly(JobEvent.Type.STATE);
        assertThat(recorded)
                .extracting(event -> json.readTree(event.data()).get("state").asString())
                .containsExactly("QUEUED", "RUNNING", "RUNNING", "CANCELLED");
        assertThat(json.readTree(recorded.get(2).data()).get("cancelRequested").asBoolean())
                .isTrue();
        assertThat(recorded).extracting(JobEvent::seq).isSorted().doesNotHaveDuplicates();
        assertThat(recorded).extracting(JobEvent::owner).containsOnly("alice");
        assertThat(events.head()).isEqualTo(recorded.get(3).seq());
    }

    @Test
    void aChangeThatRollsBackLeavesNoEvent() {
        long head = events.head();
        UUID id = UUID.randomUUID();
        assertThatThrownBy(() -> new TransactionTemplate(transactions).executeWithoutResult(status -> {
                    JobTestBuilder.aQueuedJob().insertInto(jobs);
                    jobs.insert(id, "alice", JobTestBuilder.aQueuedJob().spec(), now);
                    throw new IllegalStateException("the rest of the change failed");
                }))
                .isInstanceOf(IllegalStateException.class);

        assertThat(jobs.findById(id)).isEmpty();
        assertThat(events.after(head, 100)).isEmpty();
        assertThat(events.head()).isEqualTo(head);
        UUID next = aQueuedJob("alice", 0, now);
        assertThat(events.after(head, 100))
                .singleElement()
                .satisfies(event -> assertThat(event.jobId()).isEqualTo(next))
                .extracting(JobEvent::seq)
                .isEqualTo(head + 1);
    }

    /**
     * Writers commit events concurrently while a reader follows them the way the event hub does (everything after
     * the highest seq it has seen). With numbers handed out before commit, a slow transaction would commit a lower
     * seq after the reader moved past it, and the reader would never see it.
     */
    @Test
    void aReaderFollowingConcurrentWritersMissesNoEvent() throws Exception {
        long head = events.head();
        int writers = 4;
        int jobsEach = 40;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Future<?>> writing = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            writing.add(pool.submit(() -> {
                for (int n = 0; n < jobsEach; n++) {
                    aQueuedJob("writer", 0, now);
                }
            }));
        }
        List<Long> seen = new ArrayList<>();
        long cursor = head;
        while (writing.stream().anyMatch(future -> !future.isDone()) || seen.size() < writers * jobsEach) {
            for (JobEvent event : events.after(cursor, 1000)) {
                seen.add(event.seq());
                cursor = event.seq();
            }
            if (writing.stream().allMatch(Future::isDone)
                    && events.after(cursor, 1).isEmpty()) {
                break;
            }
        }
        for (Future<?> future : writing) {
            future.get();
        }
        pool.shutdown();

        List<Long> all = events.after(head, 10_000).stream().map(JobEvent::seq).toList();
        assertThat(all).hasSize(writers * jobsEach);
        assertThat(seen).as("every committed event, in order, each once").containsExactlyElementsOf(all);
    }
}
