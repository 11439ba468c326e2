package dev.trainyard.training.cuda;

/** An NVIDIA GPU's compute capability, e.g. 8.6; {@code sm_86} names machine code for it. */
public record ComputeCapability(int major, int minor) {

    public ComputeCapability {
        if (major < 1 || minor < 0 || minor > 9) {
            throw new IllegalArgumentException("not a compute capability: " + major + "." + minor);
        }
    }

    /** From the number in {@code sm_86} or {@code compute_90}: 86 is 8.6, 100 is 10.0. */
    public static ComputeCapability ofArchitecture(int architecture) {
        return new ComputeCapability(architecture / 10, architecture % 10);
    }

    public int architecture() {
        return major * 10 + minor;
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
