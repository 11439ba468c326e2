package dev.trainyard.executor;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How many jobs train at once and how often idle slots look for work.
 *
 * @param slots          {@code auto} (one per ND4J device: 1 on the CPU backend, one per GPU on CUDA) or a number;
 *                       0 accepts jobs without running any (an API-only server)
 * @param pollInterval   how often an idle slot checks the queue; new jobs on this server wake it at once
 * @param progressInterval how often a running job's progress and steps are written to the database
 * @param maxAttempts    how many times a job may start; a job that was running when the server died for the
 *                       last allowed time fails with {@code max_attempts_exceeded}
 * @param trainingNice   the nice value (0..19) training threads run at, so that API requests are answered promptly
 *                       while every core trains; 0 keeps the default priority, and a server started at a higher
 *                       nice value keeps its own
 * @param replicaId      this server's name among replicas sharing one database; each must differ. Blank: the host
 *                       name (the pod's name on Kubernetes). Running jobs it held before a restart are taken back at
 *                       once; other replicas' jobs only when their lease expires
 * @param heartbeatInterval how often a replica renews the leases of the jobs it runs, sees cancel requests made on
 *                       other replicas, and looks for expired leases
 * @param leaseTimeout   a running job whose lease was not renewed for this long is queued again (its holder is
 *                       presumed dead, paused or cut off) and resumes from its last checkpoint
 */
@Validated
@ConfigurationProperties("trainyard.executor")
public record ExecutorProperties(
        @NotNull
        @Pattern(regexp = "auto|\\d{1,3}", message = "must be 'auto' or a number of slots")
        @DefaultValue("auto")
        String slots,

        @NotNull @DefaultValue("5s") Duration pollInterval,
        @NotNull @DefaultValue("1s") Duration progressInterval,
        @Min(1) @Max(100) @DefaultValue("3") int maxAttempts,
        @Min(0) @Max(19) @DefaultValue("10") int trainingNice,

        @NotNull
        @Pattern(regexp = "[A-Za-z0-9._-]{0,100}", message = "must be letters, digits, '.', '_' or '-'")
        @DefaultValue("")
        String replicaId,

        @NotNull @DefaultValue("10s") Duration heartbeatInterval,
        @NotNull @DefaultValue("60s") Duration leaseTimeout) {

    public ExecutorProperties {
        if (heartbeatInterval != null
                && leaseTimeout != null
                && leaseTimeout.compareTo(heartbeatInterval.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("trainyard.executor.lease-timeout (" + leaseTimeout + ") must be at "
                    + "least twice trainyard.executor.heartbeat-interval (" + heartbeatInterval + ")");
        }
    }

    /** The configured replica id, or the host's name. */
    String resolvedReplicaId() {
        if (!replicaId.isBlank()) {
            return replicaId;
        }
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "trainyard";
            }
        }
        return host;
    }

    /** The slot count, with {@code auto} resolved to {@code devices}. */
    int slotCount(int devices) {
        return "auto".equals(slots) ? devices : Integer.parseInt(slots);
    }
}
