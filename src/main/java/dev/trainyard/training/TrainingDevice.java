package dev.trainyard.training;

import dev.trainyard.training.cuda.ComputeCapability;

/**
 * One device ND4J could train on.
 *
 * @param index             ND4J's device number (0 on the CPU backend)
 * @param name              the GPU's or the processor's name
 * @param computeCapability the GPU's compute capability, null on the CPU backend
 * @param unsupportedReason why the backend cannot run on it, null when it can
 */
public record TrainingDevice(int index, String name, ComputeCapability computeCapability, String unsupportedReason) {

    public boolean canTrain() {
        return unsupportedReason == null;
    }
}
