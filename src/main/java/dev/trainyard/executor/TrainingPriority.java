package dev.trainyard.executor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lowers the scheduling priority (raises the nice value) of the calling slot thread before it trains.
 *
 * <p>why: training keeps every core busy (ND4J's OpenMP workers spin between ops), so an API request waits for a
 * time slice behind them. At a higher nice value the kernel runs a waking web thread at once and training loses only
 * the time the request really takes. Threads created afterwards by this thread, ND4J's OpenMP workers and the batch
 * prefetcher, inherit the value. Linux keeps a nice value per thread; {@code renice -p <thread id>} sets it, and
 * lowering one's own priority needs no privilege. Elsewhere this logs once and changes nothing.
 */
final class TrainingPriority {

    private static final Logger log = LoggerFactory.getLogger(TrainingPriority.class);
    private static final Path THREAD_SELF = Path.of("/proc/thread-self");
    private static final Path THREAD_STAT = Path.of("/proc/thread-self/stat");

    private TrainingPriority() {}

    /**
     * Sets the calling thread's nice value to {@code niceness} if that lowers its priority; a thread that already
     * runs at that nice value or above (the server was started under {@code nice}) is left as it is, and so is
     * every thread when {@code niceness} is 0.
     */
    static void lowerCurrentThread(int niceness) {
        if (niceness == 0) {
            return;
        }
        try {
            if (currentNice() >= niceness) {
                return;
            }
            // resolves to <pid>/task/<tid>: the kernel id of the calling thread
            String threadId = Files.readSymbolicLink(THREAD_SELF).getFileName().toString();
            Process renice = new ProcessBuilder("renice", "-n", Integer.toString(niceness), "-p", threadId)
                    .redirectErrorStream(true)
                    .start();
            String output = new String(renice.getInputStream().readAllBytes()).strip();
            if (!renice.waitFor(10, TimeUnit.SECONDS) || renice.exitValue() != 0) {
                log.warn("Training keeps its default priority: renice answered '{}'", output);
                return;
            }
            log.info("Training thread {} runs at nice {}, below the web threads", threadId, niceness);
        } catch (IOException | UnsupportedOperationException | NumberFormatException e) {
            log.warn(
                    "Training keeps its default priority ({}); API requests may wait behind training steps",
                    e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Field 19 of {@code /proc/thread-self/stat}: the calling thread's nice value. */
    private static int currentNice() throws IOException {
        String stat = Files.readString(THREAD_STAT);
        return Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16]);
    }
}
