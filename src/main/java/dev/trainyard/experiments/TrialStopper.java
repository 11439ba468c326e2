package dev.trainyard.experiments;

import dev.trainyard.jobs.Job;
import dev.trainyard.jobs.JobLifecycle;
import dev.trainyard.jobs.JobService;
import dev.trainyard.jobs.JobSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Applies an experiment's early-stopping rule each time one of its trials records an epoch: on the replica that runs
 * the trial, right after the epoch commits and before the trial's next step, so a stopped trial ends at the epoch
 * boundary. A decision missed by a crash is made again at the trial's next epoch.
 */
@Component
class TrialStopper {

    private static final Logger log = LoggerFactory.getLogger(TrialStopper.class);

    private final ExperimentRepository experiments;
    private final JobService jobs;
    private final TransactionTemplate separately;

    TrialStopper(ExperimentRepository experiments, JobService jobs, PlatformTransactionManager transactionManager) {
        this.experiments = experiments;
        this.jobs = jobs;
        this.separately = new TransactionTemplate(transactionManager);
        // why: after the epoch's commit its transaction's resources are still bound; new writes need their own
        this.separately.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    @TransactionalEventListener
    void onEpochRecorded(JobLifecycle.EpochRecorded recorded) {
        try {
            separately.executeWithoutResult(status -> decide(recorded));
        } catch (RuntimeException e) {
            // the trial trains on; its next epoch decides again
            log.warn(
                    "Early stopping of job {} after epoch {} not decided: {}",
                    recorded.jobId(),
                    recorded.epoch(),
                    e.getMessage());
        }
    }

    private void decide(JobLifecycle.EpochRecorded recorded) {
        Job job = jobs.findSnapshot(recorded.jobId()).map(JobSnapshot::job).orElse(null);
        if (job == null || job.trial() == null) {
            return;
        }
        Job.Trial trial = job.trial();
        Optional<Experiment> experiment = experiments.findById(trial.experiment());
        if (experiment.isEmpty()
                || experiment.get().state() != ExperimentState.RUNNING
                || experiment.get().spec().earlyStopping() == null) {
            return;
        }
        ExperimentSpec spec = experiment.get().spec();
        Map<Integer, double[]> curves = TrialResults.curves(spec.objective(), experiments.epochs(trial.experiment()));
        double[] own = curves.getOrDefault(trial.number(), new double[0]);
        List<double[]> others = new ArrayList<>();
        curves.forEach((number, curve) -> {
            if (number != trial.number()) {
                others.add(curve);
            }
        });
        Optional<String> reason = EarlyStoppingRules.decide(
                spec.earlyStopping(),
                spec.objective(),
                recorded.epoch(),
                job.spec().epochs(),
                own,
                others);
        if (reason.isPresent() && jobs.requestStop(job.id(), reason.get())) {
            experiments.recordStop(trial.experiment(), trial.number(), reason.get());
            log.info(
                    "Experiment {} stops trial {} (job {}): {}",
                    trial.experiment(),
                    trial.number(),
                    job.id(),
                    reason.get());
        }
    }
}
