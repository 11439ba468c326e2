package dev.trainyard.training.onednn;

import static org.bytedeco.dnnl.global.dnnl.dnnl_f32;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_equal;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_get_size;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_init_by_tag;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_query;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_query_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_impl_info_str;
import static org.bytedeco.dnnl.global.dnnl.dnnl_success;

import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;

/** Small wrappers over oneDNN's C API: status checks and memory descriptors. */
final class Dnnl {

    private Dnnl() {}

    static void check(int status, String call) {
        if (status != dnnl_success) {
            throw new OneDnnFailure(call + " failed with oneDNN status " + status);
        }
    }

    /** A float32 descriptor of the given logical dimensions in the layout {@code tag} (or "any"). */
    static dnnl_memory_desc_t descriptor(long[] dims, int tag) {
        dnnl_memory_desc_t descriptor = new dnnl_memory_desc_t();
        check(
                dnnl_memory_desc_init_by_tag(descriptor, dims.length, dims, dnnl_f32, tag),
                "dnnl_memory_desc_init_by_tag");
        return descriptor;
    }

    static boolean same(dnnl_memory_desc_t a, dnnl_memory_desc_t b) {
        return dnnl_memory_desc_equal(a, b) == 1;
    }

    static long bytes(dnnl_memory_desc_t descriptor) {
        return dnnl_memory_desc_get_size(descriptor);
    }

    /** The descriptor a primitive descriptor chose for one of its arguments; valid while {@code pd} lives. */
    static dnnl_memory_desc_t query(dnnl_primitive_desc pd, int what) {
        return dnnl_primitive_desc_query_md(pd, what, 0);
    }

    /** The implementation oneDNN picked, e.g. {@code jit:avx512_common}. */
    static String implementation(dnnl_primitive_desc pd) {
        try (PointerPointer<BytePointer> name = new PointerPointer<>(1)) {
            check(dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, name), "dnnl_primitive_desc_query");
            return name.getString(0);
        }
    }
}
