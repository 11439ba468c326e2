package dev.trainyard.training;

import dev.trainyard.training.onednn.ConvolutionCoverage;

/**
 * What reproduces a run besides its spec and seed: the software and hardware it ran on and the exact data.
 *
 * @param dl4jVersion        Deeplearning4j/ND4J version
 * @param backend            ND4J backend, {@code CPU} or {@code CUDA}
 * @param device             the processor or GPU that trained
 * @param oneDnnHelpers      whether DL4J's own conv layers could use its oneDNN helper
 * @param convolutions       which path the convolutions ran on: trainyard's oneDNN path or DL4J's, layer by layer
 * @param datasetFingerprint SHA-256 of the dataset's file list (relative paths and sizes)
 */
public record RunRecord(
        String dl4jVersion,
        String backend,
        String device,
        boolean oneDnnHelpers,
        ConvolutionCoverage convolutions,
        String javaVersion,
        String datasetFingerprint,
        int trainImages,
        int validationImages,
        int testImages,
        int classes) {}
