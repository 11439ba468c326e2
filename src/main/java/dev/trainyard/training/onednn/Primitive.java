package dev.trainyard.training.onednn;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SCRATCHPAD;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_set_data_handle;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_execute;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_scratchpad_md;

import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.javacpp.Pointer;

/**
 * One oneDNN primitive, created once, with a memory object per argument whose data pointer is set at each call: the
 * arrays DL4J hands over move between calls, the primitive and its descriptors do not.
 */
final class Primitive implements AutoCloseable {

    private final String name;
    private final dnnl_primitive_desc pd;
    private final dnnl_primitive primitive = new dnnl_primitive();
    private final dnnl_memory[] memories;
    private final dnnl_exec_arg_t arguments;
    private final long scratchpadBytes;

    /**
     * @param argumentKinds the {@code DNNL_ARG_*} kinds, in the order {@link #run} takes their addresses
     * @param descriptors   the memory descriptor of each argument, in the same order
     */
    Primitive(
            String name,
            OneDnnSession session,
            dnnl_primitive_desc pd,
            int[] argumentKinds,
            dnnl_memory_desc_t[] descriptors) {
        this.name = name;
        this.pd = pd;
        Dnnl.check(dnnl_primitive_create(primitive, pd), "dnnl_primitive_create(" + name + ")");
        dnnl_memory_desc_t scratchpad = Dnnl.query(pd, dnnl_query_scratchpad_md);
        this.scratchpadBytes = scratchpad == null ? 0 : Dnnl.bytes(scratchpad);
        int count = argumentKinds.length + (scratchpadBytes > 0 ? 1 : 0);
        this.memories = new dnnl_memory[count];
        this.arguments = new dnnl_exec_arg_t(count);
        for (int i = 0; i < count; i++) {
            boolean isScratchpad = i == argumentKinds.length;
            memories[i] = new dnnl_memory();
            Dnnl.check(
                    dnnl_memory_create(memories[i], isScratchpad ? scratchpad : descriptors[i], session.engine(), null),
                    "dnnl_memory_create(" + name + ")");
            arguments
                    .position(i)
                    .arg(isScratchpad ? DNNL_ARG_SCRATCHPAD : argumentKinds[i])
                    .memory(memories[i]);
        }
        arguments.position(0);
        session.reserveScratchpad(scratchpadBytes);
    }

    /** Runs the primitive on the given addresses, one per argument kind, and waits for it. */
    void run(OneDnnSession session, long... addresses) {
        for (int i = 0; i < addresses.length; i++) {
            Dnnl.check(
                    dnnl_memory_set_data_handle(memories[i], new Address(addresses[i])),
                    "dnnl_memory_set_data_handle(" + name + ")");
        }
        if (scratchpadBytes > 0) {
            Dnnl.check(
                    dnnl_memory_set_data_handle(memories[addresses.length], new Address(session.scratchpad())),
                    "dnnl_memory_set_data_handle(" + name + " scratchpad)");
        }
        Dnnl.check(
                dnnl_primitive_execute(primitive, session.stream(), memories.length, arguments),
                "dnnl_primitive_execute(" + name + ")");
        session.await();
    }

    String implementation() {
        return Dnnl.implementation(pd);
    }

    @Override
    public void close() {
        for (dnnl_memory memory : memories) {
            dnnl_memory_destroy(memory);
        }
        arguments.close();
        dnnl_primitive_destroy(primitive);
        dnnl_primitive_desc_destroy(pd);
    }

    /** A raw address in the shape JavaCPP's bindings take. */
    private static final class Address extends Pointer {
        Address(long value) {
            this.address = value;
        }
    }
}
