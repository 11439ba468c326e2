package dev.trainyard.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * How the H2 database file grows under a steady stream of small commits, in the three ways of making commits reach
 * the file: {@code write-delay-500} (H2's default: commits are written up to 0.5 s late, lost on a kill),
 * {@code write-delay-0} (each commit written, H2's background compaction off) and {@code checkpoint} (what trainyard
 * does: default write delay, and a CHECKPOINT after each commit). Each commit records 16 steps and updates a job row,
 * like a training job's progress write. The variants run side by side, each on its own file, at {@code rate} commits
 * per second for {@code commits} commits; the file size is printed every 1,000 commits and after closing. Arguments
 * as {@code key=value}: {@code rate=50}, {@code commits=8000}.
 */
public final class H2FileGrowthBenchmark {

    private H2FileGrowthBenchmark() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            int equals = arg.indexOf('=');
            options.put(arg.substring(0, equals), arg.substring(equals + 1));
        }
        int rate = Integer.parseInt(options.getOrDefault("rate", "50"));
        int commits = Integer.parseInt(options.getOrDefault("commits", "8000"));
        Map<String, String> variants = new LinkedHashMap<>();
        variants.put("write-delay-500", ";WRITE_DELAY=500");
        variants.put("write-delay-0", ";WRITE_DELAY=0");
        variants.put("checkpoint", "");
        System.out.printf(
                "H2 file growth, %s: %d commits at %d per second, the variants side by side%n",
                LocalDate.now(), commits, rate);
        ExecutorService pool = Executors.newFixedThreadPool(variants.size());
        List<Future<String>> reports = new ArrayList<>();
        for (Map.Entry<String, String> variant : variants.entrySet()) {
            reports.add(pool.submit(() -> run(variant.getKey(), variant.getValue(), rate, commits)));
        }
        for (Future<String> report : reports) {
            System.out.print(report.get());
        }
        pool.shutdown();
    }

    private static String run(String name, String urlSuffix, int rate, int commits)
            throws SQLException, IOException, InterruptedException {
        Path folder = Files.createTempDirectory("trainyard-h2-growth");
        Path file = folder.resolve("db.mv.db");
        StringBuilder report = new StringBuilder(name + ":");
        boolean checkpoint = urlSuffix.isEmpty();
        try (Connection connection =
                        DriverManager.getConnection("jdbc:h2:file:" + folder.resolve("db") + urlSuffix, "sa", "");
                Statement statement = connection.createStatement()) {
            statement.execute("create table jobs (id int primary key, step bigint, loss double, spec varchar(2000))");
            statement.execute(
                    "create table steps (job int, step bigint, loss double, lr double, " + "primary key (job, step))");
            statement.execute("insert into jobs values (1, 0, 0, repeat('x', 1500))");
            PreparedStatement progress = connection.prepareStatement("update jobs set step = ?, loss = ? where id = 1");
            PreparedStatement step = connection.prepareStatement("insert into steps values (1, ?, ?, ?)");
            long interval = 1_000_000_000L / rate;
            long start = System.nanoTime();
            long next = 0;
            for (int i = 1; i <= commits; i++) {
                connection.setAutoCommit(false);
                for (int k = 0; k < 16; k++) {
                    step.setLong(1, next++);
                    step.setDouble(2, Math.random());
                    step.setDouble(3, 0.1);
                    step.executeUpdate();
                }
                progress.setLong(1, next);
                progress.setDouble(2, Math.random());
                progress.executeUpdate();
                connection.commit();
                connection.setAutoCommit(true);
                if (checkpoint) {
                    statement.execute("CHECKPOINT");
                }
                if (i % 1000 == 0) {
                    report.append(String.format(" %d: %.1f MB,", i, Files.size(file) / 1e6));
                }
                long wait = start + i * interval - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
        }
        return report.append(String.format(" closed: %.1f MB%n", Files.size(file) / 1e6))
                .toString();
    }
}
