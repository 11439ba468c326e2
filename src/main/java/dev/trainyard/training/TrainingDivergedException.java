package dev.trainyard.training;

/** The loss became NaN or infinite; training cannot recover from that. */
public class TrainingDivergedException extends RuntimeException {

    public TrainingDivergedException(long step, double learningRate, double loss) {
        super("the loss became " + loss + " at step " + step + " (learning rate " + learningRate
                + "); lower schedule.baseLr or lengthen the warmup");
    }
}
