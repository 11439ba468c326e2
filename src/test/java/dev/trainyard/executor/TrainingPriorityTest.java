package dev.trainyard.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TrainingPriorityTest {

    /** Field 19 of /proc/thread-self/stat: the calling thread's nice value. */
    private static int currentNice() throws IOException {
        String stat = Files.readString(Path.of("/proc/thread-self/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(fields[16]);
    }

    @Test
    void lowersTheCallingThreadAndTheThreadsItStartsButNotOthers() throws Exception {
        assumeTrue(Files.exists(Path.of("/proc/thread-self")), "needs Linux /proc");
        int before = currentNice();
        AtomicInteger slot = new AtomicInteger(-1);
        AtomicInteger child = new AtomicInteger(-1);

        Thread training = new Thread(() -> {
            try {
                TrainingPriority.lowerCurrentThread(7);
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
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        training.start();
        training.join();

        assertThat(slot).hasValue(7);
        assertThat(child).hasValue(7);
        assertThat(currentNice()).isEqualTo(before);
    }

    @Test
    void zeroLeavesThePriorityAlone() throws Exception {
        assumeTrue(Files.exists(Path.of("/proc/thread-self")), "needs Linux /proc");
        int before = currentNice();

        TrainingPriority.lowerCurrentThread(0);

        assertThat(currentNice()).isEqualTo(before);
    }
}
