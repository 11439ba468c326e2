package dev.trainyard.training.onednn;

import static org.bytedeco.dnnl.global.dnnl.dnnl_cpu;
import static org.bytedeco.dnnl.global.dnnl.dnnl_engine_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_engine_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_version;

import java.util.Optional;
import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_version_t;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * oneDNN through the JavaCPP preset {@code org.bytedeco:dnnl}, loaded once per process, and its CPU engine.
 *
 * <p>why ND4J is touched first: both libraries link libgomp. Loaded after ND4J, the preset's library binds to the
 * OpenMP runtime ND4J already loaded, so both share one pool of threads instead of two pools fighting for the cores.
 */
public final class OneDnnLibrary implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OneDnnLibrary.class);

    private final dnnl_engine engine;
    private final String version;
    private final String unavailableReason;

    private OneDnnLibrary(dnnl_engine engine, String version, String unavailableReason) {
        this.engine = engine;
        this.version = version;
        this.unavailableReason = unavailableReason;
    }

    /** Loads oneDNN for ND4J's CPU backend; on any other backend or if the library cannot load, an unavailable one. */
    public static OneDnnLibrary load() {
        String backend = Nd4j.getExecutioner().getEnvironmentInformation().getProperty("backend", "unknown");
        if (!"CPU".equalsIgnoreCase(backend)) {
            return unavailable("ND4J runs on the " + backend + " backend; the oneDNN path is for CPUs");
        }
        try {
            dnnl_version_t loaded = dnnl_version();
            String version = loaded.major() + "." + loaded.minor() + "." + loaded.patch();
            dnnl_engine engine = new dnnl_engine();
            Dnnl.check(dnnl_engine_create(engine, dnnl_cpu, 0), "dnnl_engine_create");
            return new OneDnnLibrary(engine, version, null);
        } catch (LinkageError | RuntimeException e) {
            log.warn("oneDNN could not be loaded ({}); convolutions run on DL4J's own path", e.toString());
            return unavailable("oneDNN could not be loaded: " + e.getClass().getSimpleName());
        }
    }

    /** A library that is not there, for a path that is switched off or cannot run. */
    public static OneDnnLibrary unavailable(String reason) {
        return new OneDnnLibrary(null, null, reason);
    }

    public boolean available() {
        return engine != null;
    }

    /** Why the path is off, when it is. */
    public Optional<String> unavailableReason() {
        return Optional.ofNullable(unavailableReason);
    }

    /** oneDNN's version, e.g. {@code 2.5.2}, when loaded. */
    public Optional<String> version() {
        return Optional.ofNullable(version);
    }

    dnnl_engine engine() {
        if (engine == null) {
            throw new IllegalStateException("oneDNN is not available: " + unavailableReason);
        }
        return engine;
    }

    @Override
    public void close() {
        if (engine != null) {
            dnnl_engine_destroy(engine);
        }
    }
}
