package dev.trainyard.jobs;

import dev.trainyard.metrics.JobStateCounts;
import org.springframework.stereotype.Component;

/** Answers the job-count gauges from the job table, so they agree across restarts. */
@Component
class JobStateCountsAdapter implements JobStateCounts {

    private final JobRepository jobs;

    JobStateCountsAdapter(JobRepository jobs) {
        this.jobs = jobs;
    }

    @Override
    public long queued() {
        return jobs.countByState(JobState.QUEUED);
    }

    @Override
    public long running() {
        return jobs.countByState(JobState.RUNNING);
    }
}
