package dev.trainyard.training;

/** What the trainer reports while it runs, and how it learns that it should stop. */
public interface TrainingObserver {

    /**
     * The data is loaded and the run's size is known; called once before the first step.
     *
     * @param firstStep  0, or the step a resumed run continues from (steps from here on are trained again)
     * @param firstEpoch 0, or the 0-based epoch a resumed run continues in (epochs before it are done)
     * @param record     what the run needs to be reproduced: versions, device, dataset fingerprint
     */
    void started(int stepsPerEpoch, long totalSteps, long firstStep, int firstEpoch, RunRecord record);

    /** One optimizer step finished. */
    void stepFinished(StepReport step);

    /**
     * One epoch finished, was evaluated, and its checkpoint is on disk: record the two together, so that a
     * recorded epoch always has the checkpoint a resumed run continues after.
     */
    void epochFinished(EpochReport epoch, Checkpoint checkpoint);

    /** A run that stopped mid-epoch (cancel, shutdown) saved where it was. */
    void checkpointSaved(Checkpoint checkpoint);

    /**
     * Polled before every step; true stops the run, which checkpoints where it is and returns
     * {@link TrainingOutcome#STOPPED}. Whether that was a cancel, a shutdown or a lost lease is the observer's to know.
     */
    boolean stopRequested();

    /**
     * Called before each checkpoint and before the finished model is moved into place. An observer whose run may no
     * longer write (another attempt took the job over) throws, and the trainer writes nothing.
     */
    default void beforeSave() {}

    /**
     * One optimizer step.
     *
     * @param step         0-based index of the step
     * @param epoch        0-based epoch the step belongs to
     * @param loss         the minibatch loss DL4J reported for the step
     * @param learningRate the rate DL4J's updater applied in this step, read from the network
     * @param images       minibatch size
     * @param seconds      wall time since the previous step ended (or the epoch's training began), the wait for
     *                     the batch included
     */
    record StepReport(long step, int epoch, double loss, double learningRate, int images, double seconds) {}

    /**
     * One finished epoch.
     *
     * @param epoch              1-based number of the finished epoch
     * @param trainLoss          mean minibatch loss over the epoch, weighted by batch size
     * @param validation         loss and accuracy on the held-out validation images, or null without a split
     * @param test               loss and accuracy on the test images, or null without a test set
     * @param seconds            wall time of the epoch, evaluation included
     */
    record EpochReport(int epoch, double trainLoss, Evaluation validation, Evaluation test, double seconds) {}

    /**
     * A network's result on one split.
     *
     * @param loss     mean cross-entropy
     * @param accuracy share of images classified correctly
     */
    record Evaluation(double loss, double accuracy) {}
}
