package dev.trainyard.training;

import dev.trainyard.system.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * Models as users download them: DL4J ModelSerializer zips with the updater state that DL4J alone can restore.
 *
 * <p>why: a network trains under trainyard's {@code LearningRateSchedule}, which its saved configuration names by
 * class, so DL4J without trainyard's classes cannot read it. DL4J has no cosine schedule to put in its place, so each
 * updater gets, as a fixed rate, what the schedule gives for the step the network would take next. For a finished
 * job that is exact: past its last step the schedule stays at its final rate. Checkpoints, which resume training
 * inside trainyard, keep the schedule itself.
 */
public final class ModelExport {

    private ModelExport() {}

    /** Writes {@code network} to {@code target} with fixed rates in place of its schedules (the network changes too). */
    public static void write(Network network, Path target) throws IOException {
        int iteration = network.iterationCount();
        int epoch = network.epochCount();
        for (NeuralNetConfiguration layer : network.layerConfigurations()) {
            if (layer.getLayer() instanceof BaseLayer withParameters) {
                fix(withParameters.getIUpdater(), iteration, epoch);
                fix(withParameters.getBiasUpdater(), iteration, epoch);
            }
        }
        AtomicFiles.write(target, file -> network.save(file.toFile()));
    }

    /** A checkpoint of {@code model} as {@link #write} would have written it, as bytes. */
    public static byte[] of(ModelArchitecture model, Path checkpoint) throws IOException {
        Path copy = Files.createTempFile("trainyard-model-", ".zip");
        try {
            write(model.restore(checkpoint.toFile(), true), copy);
            return Files.readAllBytes(copy);
        } finally {
            Files.deleteIfExists(copy);
        }
    }

    private static void fix(IUpdater updater, int iteration, int epoch) {
        if (updater != null && updater.hasLearningRate()) {
            updater.setLrAndSchedule(updater.getLearningRate(iteration, epoch), null);
        }
    }
}
