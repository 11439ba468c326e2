package dev.trainyard.executor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainyard.training.Dl4jRuntime;
import dev.trainyard.training.TrainingDevice;
import dev.trainyard.training.TrainingProperties;
import dev.trainyard.training.cuda.ComputeCapability;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * The health of the training devices. This machine has no GPU, so the GPU cases give the runtime the devices a CUDA
 * machine would report; reading which code the library carries is FatBinaryTest's.
 */
class TrainingDevicesHealthIndicatorTest {

    static Dl4jRuntime runtimeWith(List<TrainingDevice> devices) {
        return new Dl4jRuntime(new TrainingProperties(true, TrainingProperties.Convolutions.ONEDNN, 1, 4)) {
            @Override
            public List<TrainingDevice> devices() {
                return devices;
            }
        };
    }

    @Test
    void theCpuCanTrain() {
        Dl4jRuntime runtime =
                new Dl4jRuntime(new TrainingProperties(true, TrainingProperties.Convolutions.ONEDNN, 1, 4));

        Health health = new TrainingDevicesHealthIndicator(runtime).health();

        assertThat(runtime.devices()).singleElement().satisfies(device -> {
            assertThat(device.canTrain()).isTrue();
            assertThat(device.computeCapability()).isNull();
        });
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("backend", "CPU");
    }

    @Test
    void aReplicaWhoseOnlyGpuTheBackendCannotRunIsOutOfServiceAndSaysWhy() {
        String reason = "no machine code for compute capability 9.0";
        Health health = new TrainingDevicesHealthIndicator(
                        runtimeWith(List.of(new TrainingDevice(0, "NVIDIA H100", new ComputeCapability(9, 0), reason))))
                .health();

        assertThat(health.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
        assertThat(health.getDetails().get("device0"))
                .isEqualTo(
                        Map.of("name", "NVIDIA H100", "computeCapability", "9.0", "canTrain", false, "reason", reason));
    }

    @Test
    void oneGpuThatCanTrainKeepsTheReplicaUp() {
        Health health = new TrainingDevicesHealthIndicator(runtimeWith(List.of(
                        new TrainingDevice(0, "NVIDIA A100", new ComputeCapability(8, 0), null),
                        new TrainingDevice(1, "NVIDIA H100", new ComputeCapability(9, 0), "no code"))))
                .health();

        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsKeys("device0", "device1");
    }
}
