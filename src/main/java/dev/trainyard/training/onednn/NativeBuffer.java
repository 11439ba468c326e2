package dev.trainyard.training.onednn;

import org.bytedeco.javacpp.Pointer;

/** Native memory owned by the convolution path, aligned to a cache line as oneDNN's kernels prefer. */
final class NativeBuffer implements AutoCloseable {

    private static final long ALIGNMENT = 64;

    private final Pointer allocation;
    private final long address;
    private final long bytes;

    NativeBuffer(long bytes) {
        this.bytes = bytes;
        this.allocation = Pointer.malloc(bytes + ALIGNMENT);
        if (allocation == null || allocation.isNull()) {
            throw new OutOfMemoryError("could not allocate " + bytes + " bytes of native memory for oneDNN");
        }
        this.address = (allocation.address() + ALIGNMENT - 1) & -ALIGNMENT;
    }

    long address() {
        return address;
    }

    long bytes() {
        return bytes;
    }

    @Override
    public void close() {
        Pointer.free(allocation);
    }
}
