package dev.trainyard.experiments;

import dev.trainyard.jobs.IdempotencyKeys;
import dev.trainyard.jobs.Job;
import dev.trainyard.jobs.JobService;
import dev.trainyard.jobs.JobsProperties;
import dev.trainyard.jobs.spec.JobSpec;
import dev.trainyard.security.Caller;
import dev.trainyard.system.ClientText;
import dev.trainyard.system.InvalidRequestException;
import dev.trainyard.system.JsonProblems;
import dev.trainyard.system.Label;
import dev.trainyard.system.RequestValidation;
import dev.trainyard.system.Sha256;
import dev.trainyard.system.Violations;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What callers do with experiments: create, look up, list and cancel, each limited to the caller's own; and the
 * launch of trials as places free up. Every change to an experiment's trials happens with its row locked, so replicas
 * launching at once never exceed its parallelism nor launch a trial twice.
 */
@Service
public class ExperimentService {

    static final int MAX_PAGE = 100;
    /** Past this many problems the trials are not checked further: a wrong base repeats in every trial. */
    private static final int MAX_REPORTED = 50;
    /** The columns that hold an experiment's spec and a trial's spec and parameters (V9). */
    private static final int MAX_SPEC_CHARS = 200_000;

    private static final int MAX_TRIAL_CHARS = 20_000;

    private final ExperimentRepository experiments;
    private final ExperimentIdempotencyKeys keys;
    private final JobService jobs;
    private final RequestValidation validation;
    private final ExperimentsProperties properties;
    private final JobsProperties jobLimits;
    private final TransactionTemplate transactions;
    private final JsonMapper json;
    private final Clock clock;
    private final SecureRandom seeds = new SecureRandom();

    ExperimentService(
            ExperimentRepository experiments,
            ExperimentIdempotencyKeys keys,
            JobService jobs,
            RequestValidation validation,
            ExperimentsProperties properties,
            JobsProperties jobLimits,
            PlatformTransactionManager transactionManager,
            JsonMapper json,
            Clock clock) {
        this.experiments = experiments;
        this.keys = keys;
        this.jobs = jobs;
        this.validation = validation;
        this.properties = properties;
        this.jobLimits = jobLimits;
        this.transactions = new TransactionTemplate(transactionManager);
        this.json = json;
        this.clock = clock;
    }

    /** A creation's outcome: the experiment, and whether an earlier request with the same key created it. */
    public record Creation(Experiment experiment, boolean replayed) {}

    /**
     * Validates the experiment and every trial it gives, stores it with all its trials and launches the first
     * {@code parallelism} of them, in one transaction: after a crash either all of it exists or nothing does.
     *
     * @param idempotencyKey null, or the client's key: a repeat of the same request within
     *                       {@code trainyard.jobs.idempotency-retention} answers the experiment the first created;
     *                       another request with the key is refused. The key is stored in the experiment's
     *                       transaction, so concurrent repeats create one experiment.
     * @throws InvalidRequestException naming the search's or the trial's field ({@code trials[3].schedule.baseLr})
     */
    public Creation create(Caller caller, ExperimentSpec submitted, String idempotencyKey) {
        Violations violations = new Violations();
        validation.check(submitted, violations);
        IdempotencyKeys.checkFormat(idempotencyKey, violations);
        violations.throwIfAny();
        String requestHash = idempotencyKey == null ? null : Sha256.hex(json.writeValueAsString(submitted));
        if (idempotencyKey != null) {
            Optional<Creation> earlier = earlierUse(caller, idempotencyKey, requestHash);
            if (earlier.isPresent()) {
                return earlier.get();
            }
        }
        checkEarlyStopping(submitted.earlyStopping(), violations);
        int count = TrialSampler.count(submitted.search(), submitted.maxTrials(), properties.maxTrials(), violations);
        violations.throwIfAny();
        ExperimentSpec spec = submitted.withDefaults(seeds.nextLong() & Long.MAX_VALUE, count);
        if (json.writeValueAsString(spec).length() > MAX_SPEC_CHARS) {
            violations.add(
                    "search.parameters",
                    "the experiment is larger than " + MAX_SPEC_CHARS + " characters as JSON; list fewer or smaller "
                            + "values");
            violations.throwIfAny();
        }
        List<Trial> trials = sampleTrials(caller, spec, violations);
        violations.throwIfAny();
        if (experiments.countRunning(caller.name()) >= properties.maxRunningPerOwner()) {
            throw new TooManyRunningExperimentsException(properties.maxRunningPerOwner());
        }
        UUID id = UUID.randomUUID();
        Instant now = clock.instant();
        try {
            transactions.executeWithoutResult(status -> {
                experiments.insert(id, caller.name(), spec, trials, now);
                if (idempotencyKey != null) {
                    keys.insert(caller.name(), idempotencyKey, requestHash, id, now, jobLimits.idempotencyRetention());
                }
                launch(id);
            });
        } catch (DuplicateKeyException concurrentFirstUse) {
            return earlierUse(caller, idempotencyKey, requestHash).orElseThrow(() -> concurrentFirstUse);
        }
        return new Creation(experiments.findById(id).orElseThrow(), false);
    }

    private Optional<Creation> earlierUse(Caller caller, String key, String requestHash) {
        return keys.createdBy(caller.name(), key, requestHash, clock.instant().minus(jobLimits.idempotencyRetention()))
                .map(id -> new Creation(experiments.findById(id).orElseThrow(), true));
    }

    /** Options of the other rule are refused rather than ignored: a user who sets one expects it to act. */
    private static void checkEarlyStopping(EarlyStoppingSpec stopping, Violations violations) {
        if (stopping == null || stopping.rule() == null) {
            return;
        }
        Violations at = violations.under("earlyStopping");
        if (stopping.rule() == EarlyStoppingSpec.Rule.MEDIAN) {
            if (stopping.minEpochs() != null) {
                at.add("minEpochs", "applies to asha only; the median rule takes graceEpochs and minTrials");
            }
            if (stopping.reductionFactor() != null) {
                at.add("reductionFactor", "applies to asha only; the median rule takes graceEpochs and minTrials");
            }
        } else {
            if (stopping.graceEpochs() != null) {
                at.add("graceEpochs", "applies to the median rule only; asha takes minEpochs and reductionFactor");
            }
            if (stopping.minTrials() != null) {
                at.add("minTrials", "applies to the median rule only; asha takes minEpochs and reductionFactor");
            }
        }
    }

    /** Each trial's effective spec, checked as a job submission would be; problems are added under trials[k]. */
    private List<Trial> sampleTrials(Caller caller, ExperimentSpec spec, Violations violations) {
        ObjectNode base = (ObjectNode) json.valueToTree(spec.base());
        Set<String> badPaths = new LinkedHashSet<>();
        List<Trial> trials = new ArrayList<>();
        List<TrialSampler.Draw> draws = TrialSampler.draw(spec.search(), spec.maxTrials(), spec.seed());
        for (int number = 0; number < draws.size() && violations.size() < MAX_REPORTED; number++) {
            TrialSampler.Draw draw = draws.get(number);
            Violations at = violations.under("trials[" + number + "]");
            int found = violations.size();
            JobSpec submitted = trialSpec(spec, base, number, draw.parameters(), at, badPaths, violations);
            if (submitted == null) {
                continue;
            }
            jobs.check(caller, submitted, at);
            JobSpec effective;
            try {
                effective = jobs.effective(submitted, draw::seed);
            } catch (InvalidRequestException refused) {
                at.addAll(refused);
                continue;
            }
            if (spec.objective().metric().needsValidation()
                    && effective.dataset().validationFraction() <= 0) {
                at.add(
                        "dataset.validationFraction",
                        "must be above 0: the objective is " + spec.objective().metric()
                                + ", measured on held-out images");
            }
            if (json.writeValueAsString(draw.parameters()).length() > MAX_TRIAL_CHARS
                    || json.writeValueAsString(effective).length() > MAX_TRIAL_CHARS) {
                at.add("parameters", "the trial is larger than " + MAX_TRIAL_CHARS + " characters as JSON");
            }
            if (violations.size() == found) {
                trials.add(new Trial(number, draw.parameters(), effective, null, null, null, null));
            }
        }
        return trials;
    }

    /** The trial's spec as submitted: the base with its parameters set, named after the experiment if unnamed. */
    private JobSpec trialSpec(
            ExperimentSpec spec,
            ObjectNode base,
            int number,
            Map<String, JsonNode> parameters,
            Violations at,
            Set<String> badPaths,
            Violations violations) {
        ObjectNode tree;
        try {
            tree = SpecPaths.with(base, parameters);
        } catch (SpecPaths.NotAnObjectException e) {
            if (badPaths.add(e.getMessage())) {
                violations.add(
                        "search.parameters", "a path runs through " + e.getMessage() + ", which is not an object");
            }
            return null;
        }
        if (!tree.has("name")) {
            String suffix = " trial " + number;
            String prefix = spec.name();
            tree.put(
                    "name",
                    prefix.length() + suffix.length() <= Label.MAX_LENGTH
                            ? prefix + suffix
                            : prefix.substring(0, Label.MAX_LENGTH - suffix.length()) + suffix);
        }
        try {
            return json.treeToValue(tree, JobSpec.class);
        } catch (UnrecognizedPropertyException unknown) {
            String path = ClientText.shown(JsonProblems.path(unknown));
            if (badPaths.add(path)) {
                violations.add("search.parameters." + path, "names no job spec field");
            }
        } catch (DatabindException wrong) {
            at.add(ClientText.shown(JsonProblems.path(wrong)), JsonProblems.reason(wrong));
        }
        return null;
    }

    public Experiment get(Caller caller, UUID id) {
        return experiments
                .findById(id)
                .filter(experiment -> caller.admin() || experiment.owner().equals(caller.name()))
                .orElseThrow(() -> new ExperimentNotFoundException(id));
    }

    List<Experiment> list(Caller caller, Long beforeSeq, int limit) {
        return experiments.findPage(caller.admin() ? null : caller.name(), beforeSeq, limit);
    }

    List<Trial> trials(Experiment experiment) {
        return experiments.trials(experiment.id());
    }

    List<ExperimentRepository.TrialEpoch> epochs(Experiment experiment) {
        return experiments.epochs(experiment.id());
    }

    /**
     * Cancels a running experiment: no trial is launched after this, and its queued and running trials are
     * cancelled, in one transaction with the experiment's end.
     *
     * @throws ExperimentFinishedException for an experiment that is no longer running
     */
    public Experiment cancel(Caller caller, UUID id) {
        Experiment experiment = get(caller, id);
        boolean cancelled = Boolean.TRUE.equals(transactions.execute(status -> {
            if (experiments.lockRunning(id).isEmpty()) {
                return false;
            }
            experiments.finish(id, ExperimentState.CANCELLED, clock.instant());
            for (Trial trial : experiments.trials(id)) {
                if (trial.active()) {
                    jobs.cancelIfUnfinished(trial.jobId());
                }
            }
            return true;
        }));
        if (!cancelled) {
            throw new ExperimentFinishedException(id, get(caller, id).state());
        }
        return get(caller, experiment.id());
    }

    /**
     * Deletes a finished experiment with its trials' jobs and their files, in one transaction with its row locked:
     * a crash leaves all of it or none (files of deleted jobs go to the next sweep).
     *
     * @throws ExperimentNotFinishedException for a running experiment, or one whose trials are still stopping
     */
    public void delete(Caller caller, UUID id) {
        get(caller, id);
        if (!Boolean.TRUE.equals(transactions.execute(status -> deleteFinished(id)))) {
            throw new ExperimentNotFoundException(id);
        }
    }

    /** Deletes each finished experiment that ended before {@code cutoff}. @return how many */
    int deleteFinishedBefore(Instant cutoff) {
        int deleted = 0;
        for (UUID id : experiments.findFinishedBefore(cutoff)) {
            try {
                deleted += Boolean.TRUE.equals(transactions.execute(status -> deleteFinished(id))) ? 1 : 0;
            } catch (ExperimentNotFinishedException stillStopping) {
                // its cancelled trials are ending; a later round deletes it
            }
        }
        return deleted;
    }

    /** @return false when the experiment is gone; call in a transaction */
    private boolean deleteFinished(UUID id) {
        Optional<Experiment> locked = experiments.lock(id);
        if (locked.isEmpty()) {
            return false;
        }
        if (locked.get().state() == ExperimentState.RUNNING) {
            throw ExperimentNotFinishedException.running(id);
        }
        for (UUID job : experiments.jobIds(id)) {
            if (!jobs.deleteFinished(job)) {
                throw ExperimentNotFinishedException.trialsStopping(id);
            }
        }
        experiments.delete(id);
        return true;
    }

    /** Launches what is due in every running experiment; one that fails is tried again on the next pass. */
    void launchAll() {
        for (UUID id : experiments.findRunningIds()) {
            transactions.executeWithoutResult(status -> launch(id));
        }
    }

    /**
     * With the experiment's row locked: launches trials in order while fewer than {@code parallelism} are queued or
     * running and the owner's queue has room, and completes the experiment once every trial was launched and none is
     * active. Call in a transaction.
     *
     * @return how many trials were launched
     */
    int launch(UUID id) {
        Experiment experiment = experiments.lockRunning(id).orElse(null);
        if (experiment == null) {
            return 0;
        }
        List<Trial> trials = experiments.trials(id);
        long active = trials.stream().filter(Trial::active).count();
        int launched = 0;
        boolean allLaunched = true;
        for (Trial trial : trials) {
            if (trial.launchedAt() != null) {
                continue;
            }
            if (active >= experiment.spec().parallelism() || jobs.queueFull(experiment.owner())) {
                allLaunched = false;
                break;
            }
            UUID jobId = jobs.submitTrial(experiment.owner(), trial.spec(), new Job.Trial(id, trial.number()));
            if (!experiments.markLaunched(id, trial.number(), jobId, clock.instant())) {
                throw new IllegalStateException("trial " + trial.number() + " of " + id + " was launched meanwhile");
            }
            active++;
            launched++;
        }
        if (allLaunched && active == 0) {
            experiments.finish(id, ExperimentState.COMPLETED, clock.instant());
        }
        return launched;
    }
}
