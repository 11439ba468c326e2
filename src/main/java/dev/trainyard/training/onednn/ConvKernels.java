package dev.trainyard.training.onednn;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_FROM;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_TO;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.dnnl_backward_data;
import static org.bytedeco.dnnl.global.dnnl.dnnl_backward_weights;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_backward_data_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_backward_weights_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_direct;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_forward_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_backward_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_forward_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_relu;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_relu_use_dst_for_bwd;
import static org.bytedeco.dnnl.global.dnnl.dnnl_format_tag_any;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_training;
import static org.bytedeco.dnnl.global.dnnl.dnnl_nchw;
import static org.bytedeco.dnnl.global.dnnl.dnnl_oihw;
import static org.bytedeco.dnnl.global.dnnl.dnnl_post_ops_append_eltwise;
import static org.bytedeco.dnnl.global.dnnl.dnnl_post_ops_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_post_ops_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_attr_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_attr_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_attr_set_post_ops;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_attr_set_scratchpad_mode;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_diff_dst_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_diff_src_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_diff_weights_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_dst_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_src_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_weights_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_reorder_primitive_desc_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_scratchpad_mode_user;
import static org.bytedeco.dnnl.global.dnnl.dnnl_x;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.dnnl.const_dnnl_op_desc_t;
import org.bytedeco.dnnl.dnnl_convolution_desc_t;
import org.bytedeco.dnnl.dnnl_eltwise_desc_t;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_post_ops;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;

/**
 * The primitives of one convolution layer for one geometry, created once and run every step: forward (with bias and,
 * for ReLU layers, the ReLU fused in), backward for the weights and bias, backward for the input (left out for a
 * network's first layer, whose input gradient nobody reads), and the reorders at its edges.
 *
 * <p>Activations are in oneDNN's preferred blocked layout inside the kernels. An input that arrives in plain NCHW is
 * reordered once in the forward pass and that copy serves the weight gradient too; an output that must leave in NCHW
 * is reordered once, and so is its gradient on the way back. An input that comes from another layer of this path
 * already holds that layer's blocked output, and needs no reorder at all. Weights are reordered from DL4J's OIHW
 * parameters each step (the updater changes them in place), the weight gradient back into DL4J's gradient view.
 */
final class ConvKernels implements AutoCloseable {

    private final OneDnnSession session;
    private final ConvGeometry geometry;
    private final boolean bias;
    private final List<AutoCloseable> owned = new ArrayList<>();

    private final Primitive forward;
    private final Primitive backwardWeights;
    private final Primitive backwardData;
    private final Primitive reluBackward;

    private final Primitive sourceToKernel;
    private final Primitive inputGradientToPlain;
    private final Primitive outputToPlain;
    private final Primitive deltaToKernel;
    private final Primitive weightsToForward;
    private final Primitive weightsToBackward;
    private final Primitive weightGradientToPlain;

    private final NativeBuffer sourceBuffer;
    private final NativeBuffer outputBuffer;
    private final NativeBuffer forwardWeights;
    private final NativeBuffer backwardWeightsBuffer;
    private final NativeBuffer weightGradientBuffer;
    private final NativeBuffer reluDeltaBuffer;

    private final dnnl_memory_desc_t outputLayout;
    private final boolean outputBlocked;
    private Object sourceHolds;

    /**
     * @param hiddenInput   the layout of an input produced by another layer of this path, or null for plain NCHW
     * @param hiddenOutput  whether the output may stay in the kernel's layout (the next layer is of this path)
     * @param inputGradient whether the gradient of the input is wanted
     */
    ConvKernels(
            OneDnnSession session,
            ConvGeometry geometry,
            dnnl_memory_desc_t hiddenInput,
            boolean hiddenOutput,
            boolean bias,
            boolean fuseRelu,
            boolean inputGradient) {
        this.session = session;
        this.geometry = geometry;
        this.bias = bias;
        try {
            dnnl_memory_desc_t plainSource = Dnnl.descriptor(geometry.source(), dnnl_nchw);
            dnnl_memory_desc_t plainOutput = Dnnl.descriptor(geometry.destination(), dnnl_nchw);
            dnnl_memory_desc_t plainWeights = Dnnl.descriptor(geometry.weights(), dnnl_oihw);
            dnnl_memory_desc_t biasLayout = bias ? Dnnl.descriptor(geometry.bias(), dnnl_x) : null;
            dnnl_memory_desc_t anyWeights = Dnnl.descriptor(geometry.weights(), dnnl_format_tag_any);

            dnnl_convolution_desc_t forwardDesc = new dnnl_convolution_desc_t();
            Dnnl.check(
                    dnnl_convolution_forward_desc_init(
                            forwardDesc,
                            dnnl_forward_training,
                            dnnl_convolution_direct,
                            hiddenInput != null ? hiddenInput : Dnnl.descriptor(geometry.source(), dnnl_format_tag_any),
                            anyWeights,
                            biasLayout,
                            Dnnl.descriptor(geometry.destination(), dnnl_format_tag_any),
                            geometry.strides(),
                            geometry.paddingBefore(),
                            geometry.paddingAfter()),
                    "dnnl_convolution_forward_desc_init");
            dnnl_primitive_desc forwardPd = create(forwardDesc, fuseRelu, null);
            dnnl_memory_desc_t source = Dnnl.query(forwardPd, dnnl_query_src_md);
            dnnl_memory_desc_t kernelWeights = Dnnl.query(forwardPd, dnnl_query_weights_md);
            dnnl_memory_desc_t output = Dnnl.query(forwardPd, dnnl_query_dst_md);
            this.forward = own(new Primitive(
                    "convolution forward",
                    session,
                    forwardPd,
                    bias
                            ? new int[] {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_BIAS, DNNL_ARG_DST}
                            : new int[] {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST},
                    bias
                            ? new dnnl_memory_desc_t[] {source, kernelWeights, biasLayout, output}
                            : new dnnl_memory_desc_t[] {source, kernelWeights, output}));

            dnnl_convolution_desc_t weightsDesc = new dnnl_convolution_desc_t();
            Dnnl.check(
                    dnnl_convolution_backward_weights_desc_init(
                            weightsDesc,
                            dnnl_convolution_direct,
                            source,
                            anyWeights,
                            biasLayout,
                            output,
                            geometry.strides(),
                            geometry.paddingBefore(),
                            geometry.paddingAfter()),
                    "dnnl_convolution_backward_weights_desc_init");
            dnnl_primitive_desc weightsPd = create(weightsDesc, false, forwardPd);
            requireSame(weightsPd, dnnl_query_src_md, source, "weight gradient's input");
            requireSame(weightsPd, dnnl_query_diff_dst_md, output, "weight gradient's output gradient");
            dnnl_memory_desc_t weightGradient = Dnnl.query(weightsPd, dnnl_query_diff_weights_md);
            this.backwardWeights = own(new Primitive(
                    "convolution backward weights",
                    session,
                    weightsPd,
                    bias
                            ? new int[] {DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_WEIGHTS, DNNL_ARG_DIFF_BIAS}
                            : new int[] {DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_WEIGHTS},
                    bias
                            ? new dnnl_memory_desc_t[] {source, output, weightGradient, biasLayout}
                            : new dnnl_memory_desc_t[] {source, output, weightGradient}));

            dnnl_memory_desc_t dataWeights = null;
            if (inputGradient) {
                dnnl_convolution_desc_t dataDesc = new dnnl_convolution_desc_t();
                Dnnl.check(
                        dnnl_convolution_backward_data_desc_init(
                                dataDesc,
                                dnnl_convolution_direct,
                                source,
                                anyWeights,
                                output,
                                geometry.strides(),
                                geometry.paddingBefore(),
                                geometry.paddingAfter()),
                        "dnnl_convolution_backward_data_desc_init");
                dnnl_primitive_desc dataPd = create(dataDesc, false, forwardPd);
                requireSame(dataPd, dnnl_query_diff_src_md, source, "input gradient");
                requireSame(dataPd, dnnl_query_diff_dst_md, output, "input gradient's output gradient");
                dataWeights = Dnnl.query(dataPd, dnnl_query_weights_md);
                this.backwardData = own(new Primitive(
                        "convolution backward data",
                        session,
                        dataPd,
                        new int[] {DNNL_ARG_DIFF_DST, DNNL_ARG_WEIGHTS, DNNL_ARG_DIFF_SRC},
                        new dnnl_memory_desc_t[] {output, dataWeights, source}));
            } else {
                this.backwardData = null;
            }

            boolean reorderSource = hiddenInput == null && !Dnnl.same(source, plainSource);
            this.sourceBuffer = reorderSource ? own(new NativeBuffer(Dnnl.bytes(source))) : null;
            this.sourceToKernel = reorderSource ? own(reorder(plainSource, source)) : null;
            this.inputGradientToPlain = reorderSource && inputGradient ? own(reorder(source, plainSource)) : null;

            this.outputBlocked = hiddenOutput && Dnnl.bytes(output) == Dnnl.bytes(plainOutput);
            this.outputLayout = outputBlocked ? output : plainOutput;
            boolean reorderOutput = !outputBlocked && !Dnnl.same(output, plainOutput);
            this.outputBuffer = reorderOutput ? own(new NativeBuffer(Dnnl.bytes(output))) : null;
            this.outputToPlain = reorderOutput ? own(reorder(output, plainOutput)) : null;
            this.deltaToKernel = reorderOutput ? own(reorder(plainOutput, output)) : null;

            boolean reorderWeights = !Dnnl.same(kernelWeights, plainWeights);
            this.forwardWeights = reorderWeights ? own(new NativeBuffer(Dnnl.bytes(kernelWeights))) : null;
            this.weightsToForward = reorderWeights ? own(reorder(plainWeights, kernelWeights)) : null;
            boolean reorderDataWeights = dataWeights != null && !Dnnl.same(dataWeights, plainWeights);
            this.backwardWeightsBuffer = reorderDataWeights ? own(new NativeBuffer(Dnnl.bytes(dataWeights))) : null;
            this.weightsToBackward = reorderDataWeights ? own(reorder(plainWeights, dataWeights)) : null;
            boolean reorderGradient = !Dnnl.same(weightGradient, plainWeights);
            this.weightGradientBuffer = reorderGradient ? own(new NativeBuffer(Dnnl.bytes(weightGradient))) : null;
            this.weightGradientToPlain = reorderGradient ? own(reorder(weightGradient, plainWeights)) : null;

            this.reluBackward = fuseRelu ? own(reluBackward(geometry.destination())) : null;
            this.reluDeltaBuffer = fuseRelu ? own(new NativeBuffer(Dnnl.bytes(outputLayout))) : null;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    ConvGeometry geometry() {
        return geometry;
    }

    /** The layout the output array holds: oneDNN's blocked one when it stays inside this path, else NCHW. */
    dnnl_memory_desc_t outputLayout() {
        return outputLayout;
    }

    boolean outputBlocked() {
        return outputBlocked;
    }

    /** The implementations oneDNN chose, e.g. {@code jit:avx512_common} for all three passes. */
    String implementations() {
        return "forward " + forward.implementation() + ", weights " + backwardWeights.implementation()
                + (backwardData == null ? "" : ", data " + backwardData.implementation());
    }

    /**
     * @param inputArray identifies the input, so that the backward pass can tell whether the reordered copy is of it
     * @param biasAddress ignored for a layer without bias
     */
    void forward(long input, Object inputArray, long weights, long biasAddress, long output) {
        long kernelSource = input;
        if (sourceToKernel != null) {
            sourceToKernel.run(session, input, sourceBuffer.address());
            sourceHolds = inputArray;
            kernelSource = sourceBuffer.address();
        }
        long kernelWeights = weights;
        if (weightsToForward != null) {
            weightsToForward.run(session, weights, forwardWeights.address());
            kernelWeights = forwardWeights.address();
        }
        long kernelOutput = outputToPlain != null ? outputBuffer.address() : output;
        if (bias) {
            forward.run(session, kernelSource, kernelWeights, biasAddress, kernelOutput);
        } else {
            forward.run(session, kernelSource, kernelWeights, kernelOutput);
        }
        if (outputToPlain != null) {
            outputToPlain.run(session, outputBuffer.address(), output);
        }
    }

    /**
     * @param delta         the gradient of the output, in the layout {@link #outputLayout()}: of the activation
     *                      when {@code output} is not 0 (the fused ReLU's derivative is then applied here), else of
     *                      the pre-activation
     * @param output        the forward pass's output (after the fused ReLU), or 0
     * @param inputGradient where the input's gradient goes, in the layout the input came in, or 0 for none
     */
    void backward(
            long input,
            Object inputArray,
            long weights,
            long delta,
            long output,
            long weightGradient,
            long biasGradient,
            long inputGradient) {
        if (output != 0) {
            if (reluBackward == null) {
                throw new OneDnnFailure("the ReLU derivative was asked of a layer planned without a fused ReLU");
            }
            // Elementwise, so it runs on the flat buffers whatever their layout.
            reluBackward.run(session, output, delta, reluDeltaBuffer.address());
            delta = reluDeltaBuffer.address();
        }
        long kernelSource = input;
        if (sourceToKernel != null) {
            if (sourceHolds != inputArray) {
                sourceToKernel.run(session, input, sourceBuffer.address());
                sourceHolds = inputArray;
            }
            kernelSource = sourceBuffer.address();
        }
        long kernelDelta = delta;
        if (deltaToKernel != null) {
            deltaToKernel.run(session, delta, outputBuffer.address());
            kernelDelta = outputBuffer.address();
        }
        long kernelWeightGradient = weightGradientToPlain != null ? weightGradientBuffer.address() : weightGradient;
        if (bias) {
            backwardWeights.run(session, kernelSource, kernelDelta, kernelWeightGradient, biasGradient);
        } else {
            backwardWeights.run(session, kernelSource, kernelDelta, kernelWeightGradient);
        }
        if (weightGradientToPlain != null) {
            weightGradientToPlain.run(session, weightGradientBuffer.address(), weightGradient);
        }
        if (inputGradient == 0) {
            return;
        }
        if (backwardData == null) {
            throw new OneDnnFailure("the input gradient was asked of a layer planned without it");
        }
        long kernelWeights = weights;
        if (weightsToBackward != null) {
            weightsToBackward.run(session, weights, backwardWeightsBuffer.address());
            kernelWeights = backwardWeightsBuffer.address();
        }
        // The reordered input copy is no longer needed once the weight gradient is done: it takes the input gradient.
        long kernelInputGradient = inputGradientToPlain != null ? sourceBuffer.address() : inputGradient;
        backwardData.run(session, kernelDelta, kernelWeights, kernelInputGradient);
        if (inputGradientToPlain != null) {
            sourceHolds = null;
            inputGradientToPlain.run(session, sourceBuffer.address(), inputGradient);
        }
    }

    private dnnl_primitive_desc create(dnnl_convolution_desc_t desc, boolean fuseRelu, dnnl_primitive_desc hint) {
        dnnl_primitive_attr attributes = new dnnl_primitive_attr();
        Dnnl.check(dnnl_primitive_attr_create(attributes), "dnnl_primitive_attr_create");
        dnnl_post_ops postOps = null;
        try {
            Dnnl.check(
                    dnnl_primitive_attr_set_scratchpad_mode(attributes, dnnl_scratchpad_mode_user),
                    "dnnl_primitive_attr_set_scratchpad_mode");
            if (fuseRelu) {
                postOps = new dnnl_post_ops();
                Dnnl.check(dnnl_post_ops_create(postOps), "dnnl_post_ops_create");
                Dnnl.check(
                        dnnl_post_ops_append_eltwise(postOps, 1f, dnnl_eltwise_relu, 0f, 0f),
                        "dnnl_post_ops_append_eltwise");
                Dnnl.check(dnnl_primitive_attr_set_post_ops(attributes, postOps), "dnnl_primitive_attr_set_post_ops");
            }
            dnnl_primitive_desc pd = new dnnl_primitive_desc();
            Dnnl.check(
                    dnnl_primitive_desc_create(pd, new const_dnnl_op_desc_t(desc), attributes, session.engine(), hint),
                    "dnnl_primitive_desc_create(" + kind(desc) + ")");
            return pd;
        } finally {
            if (postOps != null) {
                dnnl_post_ops_destroy(postOps);
            }
            dnnl_primitive_attr_destroy(attributes);
        }
    }

    /** ReLU's derivative from its output, over the {@code dims} elements as one flat vector. */
    private Primitive reluBackward(long[] dims) {
        long elements = 1;
        for (long dim : dims) {
            elements *= dim;
        }
        dnnl_memory_desc_t flat = Dnnl.descriptor(new long[] {elements}, dnnl_x);
        dnnl_eltwise_desc_t forwardDesc = new dnnl_eltwise_desc_t();
        Dnnl.check(
                dnnl_eltwise_forward_desc_init(
                        forwardDesc, dnnl_forward_training, dnnl_eltwise_relu_use_dst_for_bwd, flat, 0f, 0f),
                "dnnl_eltwise_forward_desc_init");
        dnnl_primitive_desc hint = new dnnl_primitive_desc();
        Dnnl.check(
                dnnl_primitive_desc_create(hint, new const_dnnl_op_desc_t(forwardDesc), null, session.engine(), null),
                "dnnl_primitive_desc_create(relu forward)");
        try {
            dnnl_eltwise_desc_t backwardDesc = new dnnl_eltwise_desc_t();
            Dnnl.check(
                    dnnl_eltwise_backward_desc_init(
                            backwardDesc, dnnl_eltwise_relu_use_dst_for_bwd, flat, flat, 0f, 0f),
                    "dnnl_eltwise_backward_desc_init");
            dnnl_primitive_desc pd = new dnnl_primitive_desc();
            Dnnl.check(
                    dnnl_primitive_desc_create(
                            pd, new const_dnnl_op_desc_t(backwardDesc), null, session.engine(), hint),
                    "dnnl_primitive_desc_create(relu backward)");
            return new Primitive(
                    "relu backward",
                    session,
                    pd,
                    new int[] {DNNL_ARG_DST, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_SRC},
                    new dnnl_memory_desc_t[] {flat, flat, flat});
        } finally {
            dnnl_primitive_desc_destroy(hint);
        }
    }

    private static String kind(dnnl_convolution_desc_t desc) {
        int prop = desc.prop_kind();
        return prop == dnnl_backward_data
                ? "convolution backward data"
                : prop == dnnl_backward_weights ? "convolution backward weights" : "convolution forward";
    }

    private Primitive reorder(dnnl_memory_desc_t from, dnnl_memory_desc_t to) {
        dnnl_primitive_desc pd = new dnnl_primitive_desc();
        Dnnl.check(
                dnnl_reorder_primitive_desc_create(pd, from, session.engine(), to, session.engine(), null),
                "dnnl_reorder_primitive_desc_create");
        return new Primitive(
                "reorder", session, pd, new int[] {DNNL_ARG_FROM, DNNL_ARG_TO}, new dnnl_memory_desc_t[] {from, to});
    }

    private static void requireSame(dnnl_primitive_desc pd, int what, dnnl_memory_desc_t expected, String name) {
        if (!Dnnl.same(Dnnl.query(pd, what), expected)) {
            throw new OneDnnFailure("oneDNN chose another layout for the " + name + " than the forward pass used");
        }
    }

    private <T extends AutoCloseable> T own(T resource) {
        owned.add(resource);
        return resource;
    }

    @Override
    public void close() {
        for (int i = owned.size() - 1; i >= 0; i--) {
            try {
                owned.get(i).close();
            } catch (Exception e) {
                throw new IllegalStateException("could not release oneDNN resources", e);
            }
        }
        owned.clear();
    }
}
