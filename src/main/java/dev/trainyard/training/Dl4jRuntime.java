package dev.trainyard.training;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Prepares ND4J before any network exists and answers what it runs on.
 *
 * <p>why a system property: DL4J reads {@code org.eclipse.deeplearning4j.helpers.disable} (default "true" in M2.1)
 * each time a layer creates its helper, so it must be "false" before the first network is built for conv layers to
 * reach oneDNN. The other half of that fix is {@link org.nd4j.nativeblas.Nd4jCpu}.
 */
@Component
public class Dl4jRuntime {

    static final String HELPERS_DISABLE_PROPERTY = "org.eclipse.deeplearning4j.helpers.disable";
    /**
     * libgomp's spin count, read once when ND4J's native library loads, so it can only come from the environment.
     * why it matters: see docs/benchmarks.md (seednet 23-32% more images per second at 1000 than at the default, with the data pipeline).
     */
    static final String SPIN_COUNT_VARIABLE = "GOMP_SPINCOUNT";
    private static final Logger log = LoggerFactory.getLogger(Dl4jRuntime.class);

    private final boolean layerHelpers;

    public Dl4jRuntime(TrainingProperties properties) {
        this.layerHelpers = properties.layerHelpers();
        System.setProperty(HELPERS_DISABLE_PROPERTY, Boolean.toString(!layerHelpers));
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        log.info("ND4J backend {} with {} device(s); oneDNN layer helpers {}", backend(), deviceCount(),
                oneDnnHelpersActive() ? "on" : "off");
        if ("CPU".equalsIgnoreCase(backend()) && System.getenv(SPIN_COUNT_VARIABLE) == null) {
            log.warn("{} is not set: ND4J's OpenMP threads spin up to 300,000 times between ops and take CPU from "
                    + "the data pipeline and the web threads; start the server with {}=1000 (see the README)",
                    SPIN_COUNT_VARIABLE, SPIN_COUNT_VARIABLE);
        }
    }

    /** The OpenMP spin count the native library was started with, or "unset" (libgomp's default then). */
    public String openMpSpinCount() {
        String value = System.getenv(SPIN_COUNT_VARIABLE);
        return value != null ? value : "unset";
    }

    /** {@code CPU} or {@code CUDA}. */
    public String backend() {
        return Nd4j.getExecutioner().getEnvironmentInformation().getProperty("backend", "unknown");
    }

    /** Devices ND4J can train on: GPUs on CUDA, 1 on the CPU backend. */
    public int deviceCount() {
        return "CUDA".equalsIgnoreCase(backend()) ? Math.max(1, Nd4j.getAffinityManager().getNumberOfDevices()) : 1;
    }

    /** The DL4J release on the class path. */
    public String dl4jVersion() {
        String version = MultiLayerNetwork.class.getPackage().getImplementationVersion();
        return version != null ? version : "1.0.0-M2.1";
    }

    /** The device that trains: the GPU's name on CUDA, the processor's model on the CPU backend. */
    public String deviceName() {
        Object devices = Nd4j.getExecutioner().getEnvironmentInformation().get("cuda.devicesInformation");
        if (devices instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Map<?, ?> first) {
            return String.valueOf(first.get("cuda.deviceName"));
        }
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(line -> line.startsWith("model name")).findFirst()
                    .map(line -> line.substring(line.indexOf(':') + 1).strip()
                            + " (" + Runtime.getRuntime().availableProcessors() + " cores)")
                    .orElse("CPU");
        } catch (IOException | UncheckedIOException e) {
            return "CPU (" + Runtime.getRuntime().availableProcessors() + " cores)";
        }
    }

    /** Whether conv layers will get oneDNN helpers: switched on here and present in the native library. */
    public boolean oneDnnHelpersActive() {
        return layerHelpers && BaseMKLDNNHelper.mklDnnEnabled();
    }
}
