package dev.trainyard.metrics;

/** How many jobs are waiting and running now; answered by the job store. */
public interface JobStateCounts {

    long queued();

    long running();
}
