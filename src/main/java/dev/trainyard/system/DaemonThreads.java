package dev.trainyard.system;

import java.util.concurrent.ThreadFactory;

/** Threads of the server's background work, which must never keep a stopping JVM alive. */
public final class DaemonThreads {

    private DaemonThreads() {}

    /** A factory of daemon threads all named {@code name}. */
    public static ThreadFactory named(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
