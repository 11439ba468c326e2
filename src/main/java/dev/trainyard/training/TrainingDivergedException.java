package dev.trainyard.training;

/** The loss or the network's predictions became NaN or infinite; training cannot recover from that. */
public class TrainingDivergedException extends RuntimeException {

    public TrainingDivergedException(long step, double learningRate, double loss) {
        this("the loss became " + loss + " at step " + step + " (learning rate " + learningRate + ")");
    }

    private TrainingDivergedException(String what) {
        super(what + "; lower schedule.baseLr or lengthen the warmup");
    }

    /** The network predicted NaN when it was evaluated after {@code steps} optimizer steps. */
    static TrainingDivergedException atEvaluation(long steps) {
        return new TrainingDivergedException("the network predicted NaN when evaluated after step " + steps);
    }
}
