package dev.trainyard.training;

import dev.trainyard.training.cuda.ComputeCapability;
import dev.trainyard.training.cuda.FatBinary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

    private static final String CUDA_LIBRARY = "libnd4jcuda.so";
    private static final Logger log = LoggerFactory.getLogger(Dl4jRuntime.class);

    private final boolean layerHelpers;
    private final List<TrainingDevice> devices;

    public Dl4jRuntime(TrainingProperties properties) {
        this.layerHelpers = properties.layerHelpers();
        System.setProperty(HELPERS_DISABLE_PROPERTY, Boolean.toString(!layerHelpers));
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        if ("CPU".equalsIgnoreCase(backend()) && System.getenv(SPIN_COUNT_VARIABLE) == null) {
            log.warn(
                    "{} is not set: ND4J's OpenMP threads spin up to 300,000 times between ops and take CPU from "
                            + "the data pipeline and the web threads; start the server with {}=1000 (see the README)",
                    SPIN_COUNT_VARIABLE,
                    SPIN_COUNT_VARIABLE);
        }
        if ("CPU".equalsIgnoreCase(backend())) {
            Nd4j.factory().blas().setMaxThreads(properties.blasThreads());
        }
        this.devices =
                "CUDA".equalsIgnoreCase(backend()) ? gpus() : List.of(new TrainingDevice(0, deviceName(), null, null));
        log.info(
                "ND4J backend {} with {} device(s); oneDNN layer helpers {}",
                backend(),
                devices.size(),
                oneDnnHelpersActive() ? "on" : "off");
        for (TrainingDevice device : devices) {
            if (!device.canTrain()) {
                log.error(
                        "Device {} ({}, compute capability {}) cannot train: {}; no job will be started on it",
                        device.index(),
                        device.name(),
                        device.computeCapability(),
                        device.unsupportedReason());
            }
        }
    }

    /** The devices of the backend, each saying whether the backend's native code runs on it. */
    public List<TrainingDevice> devices() {
        return devices;
    }

    /**
     * The GPUs with their compute capability, checked against the machine code ND4J's CUDA library carries. why: the
     * library has no PTX, so on a GPU newer than its newest machine code every kernel launch would fail; that is
     * settled once here instead of by every job.
     */
    private List<TrainingDevice> gpus() {
        FatBinary code = null;
        String unreadable = null;
        try {
            code = FatBinary.read(loadedLibrary(CUDA_LIBRARY));
            log.info("ND4J's CUDA library carries {}", code.describe());
        } catch (IOException | RuntimeException e) {
            unreadable = e.getMessage();
            log.warn("Could not read which GPUs ND4J's CUDA library supports ({}); every GPU is tried", unreadable);
        }
        List<TrainingDevice> gpus = new ArrayList<>();
        Object information = Nd4j.getExecutioner().getEnvironmentInformation().get("cuda.devicesInformation");
        List<?> list = information instanceof List<?> l ? l : List.of();
        for (int i = 0; i < list.size(); i++) {
            Map<?, ?> device = (Map<?, ?>) list.get(i);
            ComputeCapability capability = new ComputeCapability(
                    ((Number) device.get("cuda.deviceMajor")).intValue(),
                    ((Number) device.get("cuda.deviceMinor")).intValue());
            String reason = code == null || code.runsOn(capability)
                    ? null
                    : "ND4J " + dl4jVersion() + "'s CUDA library carries machine code for " + code.describe()
                            + ", none of which runs on compute capability " + capability;
            gpus.add(new TrainingDevice(i, String.valueOf(device.get("cuda.deviceName")), capability, reason));
        }
        return List.copyOf(gpus);
    }

    /** The file of a native library this process has loaded, from the kernel's map of its memory. */
    static Path loadedLibrary(String fileName) throws IOException {
        try (Stream<String> maps = Files.lines(Path.of("/proc/self/maps"))) {
            return maps.map(line -> line.substring(line.lastIndexOf(' ') + 1))
                    .filter(path -> path.endsWith("/" + fileName))
                    .findFirst()
                    .map(Path::of)
                    .orElseThrow(() -> new IOException(fileName + " is not loaded"));
        }
    }

    /** Threads OpenBLAS uses for matrix products (the dense layers'). */
    public int blasThreads() {
        return Nd4j.factory().blas().getMaxThreads();
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
            return lines.filter(line -> line.startsWith("model name"))
                    .findFirst()
                    .map(line -> line.substring(line.indexOf(':') + 1).strip() + " ("
                            + Runtime.getRuntime().availableProcessors() + " cores)")
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
