package dev.trainyard.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A periodic task outlives a round that fails, and runs only while started and enabled. */
class PeriodicTaskTest {

    /** Fails its first round, as one does while the database is away. */
    static final class FailingFirst extends PeriodicTask {
        final AtomicInteger rounds = new AtomicInteger();
        private final boolean enabled;

        FailingFirst(boolean enabled) {
            super("periodic-task-test", "Testing", Duration.ZERO, Duration.ofMillis(10));
            this.enabled = enabled;
        }

        @Override
        protected boolean enabled() {
            return enabled;
        }

        @Override
        protected void runOnce() {
            if (rounds.incrementAndGet() == 1) {
                throw new IllegalStateException("the database is away");
            }
        }
    }

    @Test
    void aFailedRoundIsFollowedByTheNext() {
        FailingFirst task = new FailingFirst(true);
        task.start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> task.rounds.get() >= 3);
            assertThat(task.isRunning()).isTrue();
        } finally {
            task.stop();
        }
        assertThat(task.isRunning()).isFalse();
    }

    @Test
    void aDisabledTaskNeverStarts() {
        FailingFirst task = new FailingFirst(false);
        task.start();

        assertThat(task.isRunning()).isFalse();
        assertThat(task.rounds).hasValue(0);
    }
}
