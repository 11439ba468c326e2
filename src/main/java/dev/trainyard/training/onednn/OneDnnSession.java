package dev.trainyard.training.onednn;

import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_default_flags;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_wait;

import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_stream;

/**
 * What the convolution layers of one network share: a stream (oneDNN streams are not thread-safe, and a network
 * trains on one thread) and one scratchpad, since its primitives run one after another.
 */
final class OneDnnSession implements AutoCloseable {

    private final dnnl_engine engine;
    private final dnnl_stream stream = new dnnl_stream();
    private NativeBuffer scratchpad;

    OneDnnSession(dnnl_engine engine) {
        this.engine = engine;
        Dnnl.check(dnnl_stream_create(stream, engine, dnnl_stream_default_flags), "dnnl_stream_create");
    }

    dnnl_engine engine() {
        return engine;
    }

    dnnl_stream stream() {
        return stream;
    }

    void await() {
        Dnnl.check(dnnl_stream_wait(stream), "dnnl_stream_wait");
    }

    /** Grows the shared scratchpad to at least {@code bytes}. */
    void reserveScratchpad(long bytes) {
        if (bytes > 0 && (scratchpad == null || scratchpad.bytes() < bytes)) {
            if (scratchpad != null) {
                scratchpad.close();
            }
            scratchpad = new NativeBuffer(bytes);
        }
    }

    long scratchpad() {
        return scratchpad.address();
    }

    long scratchpadBytes() {
        return scratchpad == null ? 0 : scratchpad.bytes();
    }

    @Override
    public void close() {
        if (scratchpad != null) {
            scratchpad.close();
        }
        dnnl_stream_destroy(stream);
    }
}
