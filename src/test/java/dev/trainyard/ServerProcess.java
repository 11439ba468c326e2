package dev.trainyard;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A trainyard server in a child JVM on a free port, for tests that kill it (SIGKILL, no shutdown hook runs), pause it
 * or signal it. Its output goes to a log file of its own.
 *
 * <p>Crash tests restart servers dozens of times, so the child starts the way the README's fast start does: from a
 * class-data archive of what start-up loads (made once per test run), with the main classes in a jar (an archive
 * cannot hold classes from a folder), and with the C1 compiler only. Measured here: about 3.9 s to healthy instead of
 * 6.1 s.
 */
public final class ServerProcess implements AutoCloseable {

    private final Process process;
    private final ApiClient client;
    private final Path log;

    private ServerProcess(Process process, ApiClient client, Path log) {
        this.process = process;
        this.client = client;
        this.log = log;
    }

    /**
     * Starts a server with {@code arguments} (Spring settings as {@code --key=value}) and waits until it is healthy.
     *
     * @param log   where its output goes (appended)
     * @param token the bearer token of the returned client
     */
    public static ServerProcess start(Path log, String token, List<String> arguments) throws InterruptedException {
        int port = freePort();
        List<String> command = new ArrayList<>(Launch.INSTANCE.command());
        command.add("--server.port=" + port);
        command.addAll(arguments);
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            ServerProcess server = new ServerProcess(process, new ApiClient(port, token), log);
            try {
                server.client.awaitHealthy(Duration.ofSeconds(90), log);
            } catch (AssertionError | InterruptedException notHealthy) {
                process.destroyForcibly();
                throw notHealthy;
            }
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public ApiClient client() {
        return client;
    }

    public Process process() {
        return process;
    }

    public Path log() {
        return log;
    }

    /** SIGKILL: the process ends at once, mid-write if it was writing; waits until it is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the server did not die on SIGKILL");
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }

    /** The command line every child server starts with, prepared once per test run. */
    private static final class Launch {

        static final Launch INSTANCE = new Launch();

        private final List<String> base;

        private Launch() {
            try {
                Path folder = Files.createTempDirectory("trainyard-server-process");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(folder)));
                String classPath = classPath(folder.resolve("trainyard-classes.jar"));
                String java =
                        Path.of(System.getProperty("java.home"), "bin", "java").toString();
                Path archive = folder.resolve("trainyard.jsa");
                List<String> dump = List.of(
                        java,
                        "-XX:TieredStopAtLevel=1",
                        "-XX:ArchiveClassesAtExit=" + archive,
                        "-Dspring.context.exit=onRefresh",
                        "-cp",
                        classPath,
                        TrainyardApplication.class.getName(),
                        "--server.port=0",
                        "--trainyard.data-dir=" + folder.resolve("data"),
                        "--trainyard.executor.slots=0");
                Process dumping = new ProcessBuilder(dump)
                        .redirectErrorStream(true)
                        .redirectOutput(folder.resolve("archive.log").toFile())
                        .start();
                boolean archived = dumping.waitFor(120, TimeUnit.SECONDS)
                        && dumping.exitValue() == 0
                        && Files.isRegularFile(archive);
                List<String> command = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1"));
                if (archived) {
                    command.add("-XX:SharedArchiveFile=" + archive);
                }
                command.addAll(List.of("-cp", classPath, TrainyardApplication.class.getName()));
                this.base = List.copyOf(command);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        List<String> command() {
            return base;
        }

        private static void deleteQuietly(Path folder) {
            try (Stream<Path> paths = Files.walk(folder)) {
                paths.sorted(java.util.Comparator.reverseOrder())
                        .forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                // a temporary folder left behind is harmless
            }
        }

        /** This test run's class path without its folders, and the main classes' folder as {@code jar}. */
        private static String classPath(Path jar) throws IOException {
            List<String> entries =
                    Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator));
            Path mainClasses = Path.of(TrainyardApplication.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .getPath());
            try (OutputStream file = Files.newOutputStream(jar);
                    JarOutputStream out = new JarOutputStream(file);
                    Stream<Path> files = Files.walk(mainClasses)) {
                // why: with folder entries too, or Spring's class path scanning finds no package in the jar
                for (Path path :
                        files.filter(path -> !path.equals(mainClasses)).sorted().toList()) {
                    String name = mainClasses.relativize(path).toString().replace(File.separatorChar, '/');
                    boolean folder = Files.isDirectory(path);
                    out.putNextEntry(new JarEntry(folder ? name + "/" : name));
                    if (!folder) {
                        Files.copy(path, out);
                    }
                    out.closeEntry();
                }
            }
            return Stream.concat(
                            Stream.of(jar.toString()),
                            entries.stream().filter(entry -> !entry.isEmpty() && !Files.isDirectory(Path.of(entry))))
                    .collect(Collectors.joining(File.pathSeparator));
        }
    }
}
