package dev.trainyard.training.onednn;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionHelper;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The helper that one DL4J {@code ConvolutionLayer} calls instead of convolving itself: its forward pass, its
 * backward pass and (for a fused ReLU) its activation run on cached oneDNN primitives.
 *
 * <p>The layer keeps its configuration, parameters, updater and serialisation; only where the arithmetic happens
 * changes. Between two layers of this path the activation array keeps oneDNN's blocked layout (it has NCHW's shape
 * and size, and everything DL4J does to it in between, the activation and its derivative, is elementwise), so only
 * the path's first input and last output are reordered.
 */
final class OneDnnConvolution implements ConvolutionHelper, AutoCloseable {

    /** Geometries kept per layer: the training batch, the evaluation batch and the two last partial batches. */
    private static final int GEOMETRIES = 4;

    private final OneDnnSession session;
    private final LayerPlan plan;
    private final OneDnnConvolution producer;
    private final Map<ConvGeometry, ConvKernels> kernels = new LinkedHashMap<>(8, 0.75f, true);
    private INDArray lastOutput;
    private ConvKernels lastKernels;

    /** @param producer the layer of this path whose output is this layer's input, or null */
    OneDnnConvolution(OneDnnSession session, LayerPlan plan, OneDnnConvolution producer) {
        this.session = session;
        this.plan = plan;
        this.producer = producer;
    }

    LayerPlan plan() {
        return plan;
    }

    /** The kernels of the last forward pass, which say how this layer's output is laid out. */
    ConvKernels lastKernels() {
        return lastKernels;
    }

    @Override
    public boolean checkSupported() {
        return true;
    }

    @Override
    public Map<String, Long> helperMemoryUse() {
        return Map.of("oneDNN scratchpad", session.scratchpadBytes());
    }

    @Override
    public INDArray preOutput(
            INDArray input,
            INDArray weights,
            INDArray bias,
            int[] kernel,
            int[] strides,
            int[] padding,
            ConvolutionLayer.AlgoMode mode,
            ConvolutionLayer.FwdAlgo forwardAlgo,
            ConvolutionMode convolutionMode,
            int[] dilation,
            CNN2DFormat format,
            LayerWorkspaceMgr workspaceMgr) {
        Prepared prepared = prepare(input, weights, kernel, strides, padding, convolutionMode, dilation, format);
        INDArray source = prepared.source();
        ConvKernels layerKernels = prepared.kernels();
        ConvGeometry geometry = layerKernels.geometry();
        INDArray output =
                workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, geometry.destination(), 'c');
        layerKernels.forward(
                address(source),
                source,
                address(dense(weights, "weights")),
                plan.bias() ? address(dense(bias, "bias")) : 0,
                address(output));
        lastOutput = output;
        lastKernels = layerKernels;
        return output;
    }

    /** A layer's input as the kernels read it, and the kernels for its shape. */
    private record Prepared(INDArray source, ConvKernels kernels) {}

    private Prepared prepare(
            INDArray input,
            INDArray weights,
            int[] kernel,
            int[] strides,
            int[] padding,
            ConvolutionMode convolutionMode,
            int[] dilation,
            CNN2DFormat format) {
        requirePlanned(input, dilation, format);
        INDArray source = plainInput(input);
        return new Prepared(
                source,
                kernelsFor(
                        ConvGeometry.of(source.shape(), weights.size(0), kernel, strides, padding, convolutionMode)));
    }

    /** The forward pass already applied a fused ReLU, so the layer's activation is its output as it is. */
    @Override
    public INDArray activate(INDArray z, IActivation activation, boolean training) {
        return plan.fuseRelu() && z == lastOutput ? z : null;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(
            INDArray input,
            INDArray weights,
            INDArray bias,
            INDArray delta,
            int[] kernel,
            int[] strides,
            int[] padding,
            INDArray biasGradView,
            INDArray weightGradView,
            IActivation activation,
            ConvolutionLayer.AlgoMode mode,
            ConvolutionLayer.BwdFilterAlgo filterAlgo,
            ConvolutionLayer.BwdDataAlgo dataAlgo,
            ConvolutionMode convolutionMode,
            int[] dilation,
            CNN2DFormat format,
            LayerWorkspaceMgr workspaceMgr) {
        Prepared prepared = prepare(input, weights, kernel, strides, padding, convolutionMode, dilation, format);
        INDArray source = prepared.source();
        ConvKernels layerKernels = prepared.kernels();
        INDArray outputGradient = layerKernels.outputBlocked() ? dense(delta, "output gradient") : plainCopy(delta);
        // DL4J applied the activation it was given to the gradient; while InstalledConvolutions#step runs, that is
        // the identity in place of the fused ReLU, whose derivative then runs here
        boolean reluLeft = plan.fuseRelu() && activation instanceof ActivationIdentity;
        if (reluLeft && lastOutput == null) {
            throw new OneDnnFailure("layer " + plan.name() + " ran backward before forward");
        }
        INDArray inputGradient = plan.inputGradient()
                ? workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, source.shape(), 'c')
                : null;
        layerKernels.backward(
                address(source),
                source,
                address(dense(weights, "weights")),
                address(outputGradient),
                reluLeft ? address(lastOutput) : 0,
                address(dense(weightGradView, "weight gradient")),
                plan.bias() ? address(dense(biasGradView, "bias gradient")) : 0,
                inputGradient == null ? 0 : address(inputGradient));
        Gradient gradient = new DefaultGradient();
        if (plan.bias()) {
            gradient.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, biasGradView);
        }
        gradient.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, weightGradView, 'c');
        return new Pair<>(gradient, inputGradient);
    }

    /** Creates (once per geometry) the kernels for this layer, chained to the layout its producer hands over. */
    ConvKernels kernelsFor(ConvGeometry geometry) {
        ConvKernels cached = kernels.get(geometry);
        if (cached != null) {
            return cached;
        }
        dnnl_memory_desc_t hiddenInput = null;
        if (producer != null) {
            ConvKernels upstream = producer.lastKernels();
            if (upstream == null || upstream.geometry().batch() != geometry.batch()) {
                throw new OneDnnFailure("layer " + plan.name() + " ran before the layer that feeds it");
            }
            hiddenInput = upstream.outputBlocked() ? upstream.outputLayout() : null;
        }
        ConvKernels created = new ConvKernels(
                session,
                geometry,
                hiddenInput,
                plan.hiddenOutput(),
                plan.bias(),
                plan.fuseRelu(),
                plan.inputGradient());
        kernels.put(geometry, created);
        if (kernels.size() > GEOMETRIES) {
            var eldest = kernels.entrySet().iterator().next();
            if (eldest.getValue() != lastKernels) {
                eldest.getValue().close();
                kernels.remove(eldest.getKey());
            }
        }
        return created;
    }

    /** The input in NCHW order when it comes from outside this path (a blocked input is never a view). */
    private INDArray plainInput(INDArray input) {
        return producer != null ? dense(input, "input") : plainCopy(input);
    }

    private void requirePlanned(INDArray input, int[] dilation, CNN2DFormat format) {
        if (input.dataType() != DataType.FLOAT || format != CNN2DFormat.NCHW || dilation[0] != 1 || dilation[1] != 1) {
            throw new OneDnnFailure("layer " + plan.name() + " was planned for float32 NCHW without dilation");
        }
    }

    private static INDArray plainCopy(INDArray array) {
        return isDense(array) ? array : array.dup('c');
    }

    private INDArray dense(INDArray array, String what) {
        if (!isDense(array)) {
            throw new OneDnnFailure("the " + what + " of layer " + plan.name() + " is not a dense array: shape "
                    + Arrays.toString(array.shape()) + ", strides " + Arrays.toString(array.stride()));
        }
        return array;
    }

    /** Whether the elements lie one after another in row-major order (the order flag of vectors is ignored). */
    static boolean isDense(INDArray array) {
        long expected = 1;
        for (int dimension = array.rank() - 1; dimension >= 0; dimension--) {
            long size = array.size(dimension);
            if (size > 1 && array.stride(dimension) != expected) {
                return false;
            }
            expected *= size;
        }
        return !array.isEmpty();
    }

    private static long address(INDArray array) {
        return array.data().addressPointer().address();
    }

    @Override
    public void close() {
        kernels.values().forEach(ConvKernels::close);
        kernels.clear();
        lastKernels = null;
        lastOutput = null;
    }
}
