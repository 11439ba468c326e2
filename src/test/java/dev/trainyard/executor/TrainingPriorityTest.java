package dev.trainyard.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class TrainingPriorityTest {

    /** Field 19 of /proc/thread-self/stat: the calling thread's nice value. */
    private static int currentNice() throws IOException {
        String stat = Files.readString(Path.of("/proc/thread-self/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(fields[16]);
    }

    /** Runs {@code body} on a new thread (so the test's own thread keeps its priority) and waits for it. */
    private static void onNewThread(ThrowingRunnable body) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        thread.start();
        thread.join();
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void lowersTheCallingThreadAndTheThreadsItStartsButNotOthers() throws Exception {
        assumeTrue(Files.exists(Path.of("/proc/thread-self")), "needs Linux /proc");
        int before = currentNice();
        assumeTrue(before <= 16, "the build already runs at nice " + before);
        int target = before + 3;
        AtomicInteger slot = new AtomicInteger(-1);
        AtomicInteger child = new AtomicInteger(-1);

        onNewThread(() -> {
            TrainingPriority.lowerCurrentThread(target);
            slot.set(currentNice());
            Thread worker = new Thread(() -> {
                try {
                    child.set(currentNice());
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            worker.start();
            worker.join();
        });

        assertThat(slot).hasValue(target);
        assertThat(child).hasValue(target);
        assertThat(currentNice()).isEqualTo(before);
    }

    @Test
    void neverRaisesAThreadsPriorityAndZeroLeavesItAlone() throws Exception {
        assumeTrue(Files.exists(Path.of("/proc/thread-self")), "needs Linux /proc");
        int before = currentNice();
        assumeTrue(before <= 15, "the build already runs at nice " + before);
        AtomicInteger afterHigher = new AtomicInteger(-1);
        AtomicInteger afterZero = new AtomicInteger(-1);

        onNewThread(() -> {
            TrainingPriority.lowerCurrentThread(before + 4);
            assertThat(currentNice()).as("set-up").isEqualTo(before + 4);
            TrainingPriority.lowerCurrentThread(before + 2);
            afterHigher.set(currentNice());
            TrainingPriority.lowerCurrentThread(0);
            afterZero.set(currentNice());
        });

        assertThat(afterHigher).as("a lower nice value than the thread's own").hasValue(before + 4);
        assertThat(afterZero).hasValue(before + 4);
    }
}
