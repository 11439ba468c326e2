package dev.trainyard.training;

/**
 * What reproduces a run besides its spec and seed: the software and hardware it ran on and the exact data.
 *
 * @param dl4jVersion        Deeplearning4j/ND4J version
 * @param backend            ND4J backend, {@code CPU} or {@code CUDA}
 * @param device             the processor or GPU that trained
 * @param oneDnnHelpers      whether conv layers ran on oneDNN
 * @param datasetFingerprint SHA-256 of the dataset's file list (relative paths and sizes)
 */
public record RunRecord(String dl4jVersion, String backend, String device, boolean oneDnnHelpers, String javaVersion,
                        String datasetFingerprint, int trainImages, int validationImages, int testImages,
                        int classes) {
}
