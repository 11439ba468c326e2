package dev.trainyard.executor;

import dev.trainyard.training.Dl4jRuntime;
import dev.trainyard.training.TrainingDevice;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code trainingDevices} in {@code /actuator/health}: each device and whether the backend's native code runs on it.
 * OUT_OF_SERVICE when none does, since the replica then claims no jobs (the API still answers; the liveness and
 * readiness probes do not include this component, so Kubernetes neither restarts nor unroutes it).
 */
@Component
class TrainingDevicesHealthIndicator implements HealthIndicator {

    private final Dl4jRuntime runtime;

    TrainingDevicesHealthIndicator(Dl4jRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public Health health() {
        List<TrainingDevice> devices = runtime.devices();
        Health.Builder health =
                devices.stream().anyMatch(TrainingDevice::canTrain) ? Health.up() : Health.outOfService();
        health.withDetail("backend", runtime.backend());
        for (TrainingDevice device : devices) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("name", device.name());
            if (device.computeCapability() != null) {
                details.put("computeCapability", device.computeCapability().toString());
            }
            details.put("canTrain", device.canTrain());
            if (!device.canTrain()) {
                details.put("reason", device.unsupportedReason());
            }
            health.withDetail("device" + device.index(), details);
        }
        return health.build();
    }
}
