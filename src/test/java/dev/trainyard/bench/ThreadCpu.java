package dev.trainyard.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * CPU time by thread name, read from {@code /proc}: each thread's user and system ticks, with the digits of its name
 * replaced by {@code #} so that a pool's threads add up ({@code http-nio-#-exec-#}). Two readings subtract to what
 * each group used in between; a thread that ended in between is missing from the difference.
 *
 * @param ticks clock ticks per thread id, with the thread's group name
 */
record ThreadCpu(Map<String, Map<String, Long>> ticks) {

    /** The kernel's USER_HZ, 100 on every Linux this runs on. */
    private static final double TICKS_PER_SECOND = 100;

    /** The threads of process {@code pid}. */
    static ThreadCpu ofProcess(long pid) throws IOException {
        Map<String, Map<String, Long>> ticks = new HashMap<>();
        try (Stream<Path> threads = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path thread : threads.toList()) {
                Stat stat = Stat.of(thread.resolve("stat"));
                if (stat != null) {
                    ticks.computeIfAbsent(stat.name().replaceAll("\\d+", "#"), group -> new HashMap<>())
                            .put(thread.getFileName().toString(), stat.ticks());
                }
            }
        }
        return new ThreadCpu(ticks);
    }

    /** The processes called {@code name} (e.g. the database's backends), as one group. */
    static ThreadCpu ofProcessesNamed(String name) throws IOException {
        Map<String, Map<String, Long>> ticks = new HashMap<>();
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path process : processes
                    .filter(path -> path.getFileName().toString().matches("\\d+"))
                    .toList()) {
                Stat stat = Stat.of(process.resolve("stat"));
                if (stat != null && stat.name().equals(name)) {
                    ticks.computeIfAbsent(name, group -> new HashMap<>())
                            .put(process.getFileName().toString(), stat.ticks());
                }
            }
        }
        return new ThreadCpu(ticks);
    }

    /** Seconds of CPU each group used since {@code before}, most first. */
    Map<String, Double> since(ThreadCpu before) {
        Map<String, Double> used = new HashMap<>();
        ticks.forEach((group, threads) -> {
            Map<String, Long> earlier = before.ticks().getOrDefault(group, Map.of());
            long sum = threads.entrySet().stream()
                    .mapToLong(thread -> thread.getValue() - earlier.getOrDefault(thread.getKey(), 0L))
                    .sum();
            used.put(group, sum / TICKS_PER_SECOND);
        });
        return used.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
    }

    /** Fields 2 (the name, in parentheses and possibly with spaces), 14 and 15 (user and system ticks). */
    private record Stat(String name, long ticks) {

        static Stat of(Path file) throws IOException {
            String line;
            try {
                line = Files.readString(file);
            } catch (NoSuchFileException ended) {
                return null;
            }
            int open = line.indexOf('(');
            int close = line.lastIndexOf(')');
            String[] fields = line.substring(close + 2).split(" ");
            // fields[0] is field 3 (the state), so field 14 is fields[11]
            return new Stat(line.substring(open + 1, close), Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
        }
    }
}
