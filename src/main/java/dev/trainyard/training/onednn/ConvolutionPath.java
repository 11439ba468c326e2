package dev.trainyard.training.onednn;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.convolution.ConvolutionHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationELU;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Puts a network's 2-D convolution layers on trainyard's oneDNN path: decides which layers it covers, which pairs
 * of them hand their activations over in oneDNN's blocked layout, checks that oneDNN can build every primitive, and
 * attaches a {@link OneDnnConvolution} to each covered DL4J layer.
 *
 * <p>A layer is covered when it is a plain {@code ConvolutionLayer} in float32 and NCHW, without dilation, dropout
 * or weight noise, in {@code Truncate}, {@code Strict} or {@code Same} mode. Two covered layers of a layer stack
 * keep the blocked layout between them when nothing but the first one's elementwise activation lies in between.
 * Everything else stays on DL4J's own convolution, and the returned coverage says why.
 */
public final class ConvolutionPath {

    /** Activations DL4J applies element by element, so an array in any memory layout is transformed correctly. */
    private static final Set<Class<? extends IActivation>> ELEMENTWISE = Set.of(
            ActivationReLU.class,
            ActivationIdentity.class,
            ActivationLReLU.class,
            ActivationTanH.class,
            ActivationSigmoid.class,
            ActivationELU.class);

    private final OneDnnLibrary library;

    public ConvolutionPath(OneDnnLibrary library) {
        this.library = library;
    }

    /** Installs the path on a layer stack or a graph whose input is {@code input}. */
    public InstalledConvolutions install(Model model, InputType input) {
        List<Candidate> candidates;
        if (model instanceof MultiLayerNetwork network) {
            candidates = candidates(network, input);
        } else if (model instanceof ComputationGraph graph) {
            candidates = candidates(graph, input);
        } else {
            throw new IllegalArgumentException(
                    "not a DL4J network: " + model.getClass().getName());
        }
        if (!library.available()) {
            return InstalledConvolutions.none(ConvolutionCoverage.off(
                    candidates.size(), library.unavailableReason().orElse("oneDNN is not available")));
        }
        DataType dataType = model instanceof MultiLayerNetwork network
                ? network.getLayerWiseConfigurations().getDataType()
                : ((ComputationGraph) model).getConfiguration().getDataType();
        if (dataType != DataType.FLOAT) {
            return InstalledConvolutions.none(ConvolutionCoverage.off(
                    candidates.size(), "the network computes in " + dataType + "; the path is for FLOAT"));
        }
        OneDnnSession session = new OneDnnSession(library.engine());
        try {
            return attach(session, candidates);
        } catch (RuntimeException | Error e) {
            session.close();
            throw e;
        }
    }

    private InstalledConvolutions attach(OneDnnSession session, List<Candidate> candidates) {
        List<String> notes = new ArrayList<>();
        Map<String, Candidate> covered = new LinkedHashMap<>();
        for (Candidate candidate : candidates) {
            String reason = candidate.unsupportedReason();
            if (reason == null) {
                covered.put(candidate.name(), candidate);
            } else {
                notes.add("layer " + candidate.name() + ": " + reason);
            }
        }
        Map<String, LayerPlan> plans = plan(covered);
        Refusal refusal;
        while ((refusal = firstRefusal(session, covered, plans)) != null) {
            covered.remove(refusal.layer());
            notes.add("layer " + refusal.layer() + ": " + refusal.reason());
            plans = plan(covered);
        }
        Map<String, OneDnnConvolution> helpers = new LinkedHashMap<>();
        List<InstalledConvolutions.Attachment> attachments = new ArrayList<>();
        for (Candidate candidate : covered.values()) {
            LayerPlan plan = plans.get(candidate.name());
            OneDnnConvolution producer =
                    candidate.producer() == null ? null : blockedProducer(candidate, plans, helpers);
            OneDnnConvolution helper = new OneDnnConvolution(session, plan, producer);
            helpers.put(candidate.name(), helper);
            attachments.add(new InstalledConvolutions.Attachment(candidate.layer(), helper));
        }
        int links =
                (int) plans.values().stream().filter(LayerPlan::hiddenOutput).count();
        ConvolutionCoverage coverage = new ConvolutionCoverage(
                covered.isEmpty() ? ConvolutionCoverage.DL4J : ConvolutionCoverage.TRAINYARD_ONEDNN,
                candidates.size(),
                covered.size(),
                links,
                List.copyOf(notes));
        return InstalledConvolutions.attach(session, attachments, coverage);
    }

    private static OneDnnConvolution blockedProducer(
            Candidate candidate, Map<String, LayerPlan> plans, Map<String, OneDnnConvolution> helpers) {
        LayerPlan upstream = plans.get(candidate.producer());
        return upstream != null && upstream.hiddenOutput() ? helpers.get(candidate.producer()) : null;
    }

    /** The plan of each covered layer, given which layers are covered. */
    private static Map<String, LayerPlan> plan(Map<String, Candidate> covered) {
        Map<String, LayerPlan> plans = new LinkedHashMap<>();
        for (Candidate candidate : covered.values()) {
            ConvolutionLayer conf = candidate.conf();
            boolean hiddenOutput = candidate.consumer() != null
                    && covered.containsKey(candidate.consumer())
                    && ELEMENTWISE.contains(conf.getActivationFn().getClass());
            plans.put(
                    candidate.name(),
                    new LayerPlan(
                            candidate.name(),
                            conf.hasBias(),
                            plainRelu(conf.getActivationFn()),
                            hiddenOutput,
                            candidate.inputGradient()));
        }
        return plans;
    }

    /**
     * Builds every covered layer's primitives for a batch of one, in forward order so that each layer sees its
     * producer's layout; returns the first layer oneDNN refuses, if any.
     */
    private static Refusal firstRefusal(
            OneDnnSession session, Map<String, Candidate> covered, Map<String, LayerPlan> plans) {
        Map<String, ConvKernels> built = new LinkedHashMap<>();
        try {
            for (Candidate candidate : covered.values()) {
                LayerPlan plan = plans.get(candidate.name());
                LayerPlan upstreamPlan = candidate.producer() == null ? null : plans.get(candidate.producer());
                ConvKernels upstream =
                        upstreamPlan != null && upstreamPlan.hiddenOutput() ? built.get(candidate.producer()) : null;
                try {
                    built.put(
                            candidate.name(),
                            new ConvKernels(
                                    session,
                                    candidate.geometry(),
                                    upstream != null && upstream.outputBlocked() ? upstream.outputLayout() : null,
                                    plan.hiddenOutput(),
                                    plan.bias(),
                                    plan.fuseRelu(),
                                    plan.inputGradient()));
                } catch (OneDnnFailure e) {
                    return new Refusal(
                            candidate.name(), "oneDNN could not build its primitives (" + e.getMessage() + ")");
                }
            }
            return null;
        } finally {
            built.values().forEach(ConvKernels::close);
        }
    }

    private static boolean plainRelu(IActivation activation) {
        return activation instanceof ActivationReLU relu
                && relu.getMax() == null
                && (relu.getThreshold() == null || relu.getThreshold() == 0.0)
                && (relu.getNegativeSlope() == null || relu.getNegativeSlope() == 0.0);
    }

    private static List<Candidate> candidates(MultiLayerNetwork network, InputType input) {
        MultiLayerConfiguration conf = network.getLayerWiseConfigurations();
        List<InputType> outputs = conf.getLayerActivationTypes(input);
        Layer[] layers = network.getLayers();
        List<Candidate> candidates = new ArrayList<>();
        for (int i = 0; i < layers.length; i++) {
            if (!(layers[i].conf().getLayer() instanceof ConvolutionLayer layerConf)
                    || !isPlainConvolution(layers[i])) {
                continue;
            }
            InputType layerInput = i == 0 ? input : outputs.get(i - 1);
            InputPreProcessor preProcessor = conf.getInputPreProcess(i);
            if (preProcessor != null) {
                layerInput = preProcessor.getOutputType(layerInput);
            }
            boolean nextTakesOutputAsIs = i + 1 < layers.length
                    && conf.getInputPreProcess(i + 1) == null
                    && isPlainConvolution(layers[i + 1]);
            boolean previousHandsOver = i > 0 && preProcessor == null && isPlainConvolution(layers[i - 1]);
            candidates.add(new Candidate(
                    String.valueOf(i),
                    layers[i],
                    layerConf,
                    layerInput,
                    previousHandsOver ? String.valueOf(i - 1) : null,
                    nextTakesOutputAsIs ? String.valueOf(i + 1) : null,
                    i > 0));
        }
        return candidates;
    }

    private static List<Candidate> candidates(ComputationGraph graph, InputType input) {
        ComputationGraphConfiguration conf = graph.getConfiguration();
        Map<String, InputType> outputs = conf.getLayerActivationTypes(input);
        Map<String, List<String>> inputsOf = conf.getVertexInputs();
        List<Candidate> candidates = new ArrayList<>();
        for (int index : graph.topologicalSortOrder()) {
            org.deeplearning4j.nn.graph.vertex.GraphVertex vertex = graph.getVertices()[index];
            if (!vertex.hasLayer()
                    || !(vertex.getLayer().conf().getLayer() instanceof ConvolutionLayer layerConf)
                    || !isPlainConvolution(vertex.getLayer())) {
                continue;
            }
            String name = vertex.getVertexName();
            List<String> inputs = inputsOf.get(name);
            GraphVertex vertexConf = conf.getVertices().get(name);
            InputPreProcessor preProcessor =
                    vertexConf instanceof LayerVertex layerVertex ? layerVertex.getPreProcessor() : null;
            String source = inputs.get(0);
            InputType layerInput = conf.getNetworkInputs().contains(source) ? input : outputs.get(source);
            if (preProcessor != null) {
                layerInput = preProcessor.getOutputType(layerInput);
            }
            long readersOfSource = inputsOf.values().stream()
                    .filter(list -> list.contains(source))
                    .count();
            boolean inputGradientUnread = inputs.size() == 1
                    && conf.getNetworkInputs().contains(source)
                    && readersOfSource == 1
                    && preProcessor == null;
            candidates.add(
                    new Candidate(name, vertex.getLayer(), layerConf, layerInput, null, null, !inputGradientUnread));
        }
        return candidates;
    }

    private record Refusal(String layer, String reason) {}

    /** DL4J's 2-D convolution itself, not one of its subclasses (1-D, depthwise, separable, deconvolution). */
    private static boolean isPlainConvolution(Layer layer) {
        return layer.getClass() == org.deeplearning4j.nn.layers.convolution.ConvolutionLayer.class;
    }

    /**
     * A convolution layer the path may take.
     *
     * @param producer the covered candidate whose output is this layer's input as it is, if any
     * @param consumer the candidate that takes this layer's output as it is, if any
     */
    private record Candidate(
            String name,
            Layer layer,
            ConvolutionLayer conf,
            InputType input,
            String producer,
            String consumer,
            boolean inputGradient) {

        String unsupportedReason() {
            if (!(input instanceof InputType.InputTypeConvolutional image)) {
                return "its input is not an image (" + input + ")";
            }
            if (conf.getCnn2dDataFormat() != CNN2DFormat.NCHW || image.getFormat() != CNN2DFormat.NCHW) {
                return "it uses the NHWC data format";
            }
            if (conf.getDilation()[0] != 1 || conf.getDilation()[1] != 1) {
                return "dilation is not covered";
            }
            ConvolutionMode mode = conf.getConvolutionMode();
            if (mode != ConvolutionMode.Truncate && mode != ConvolutionMode.Strict && mode != ConvolutionMode.Same) {
                return "convolution mode " + mode + " is not covered";
            }
            if (conf.getIDropout() != null || conf.getWeightNoise() != null) {
                return "dropout and weight noise are not covered";
            }
            return null;
        }

        ConvGeometry geometry() {
            InputType.InputTypeConvolutional image = (InputType.InputTypeConvolutional) input;
            return ConvGeometry.of(
                    new long[] {1, image.getChannels(), image.getHeight(), image.getWidth()},
                    conf.getNOut(),
                    conf.getKernelSize(),
                    conf.getStride(),
                    conf.getPadding(),
                    conf.getConvolutionMode());
        }
    }

    /** DL4J's own helper field of a convolution layer; how a layer is pointed at the path and back. */
    static Field helperField() {
        try {
            Field field = org.deeplearning4j.nn.layers.convolution.ConvolutionLayer.class.getDeclaredField("helper");
            field.setAccessible(true);
            return field;
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException("this DL4J version's ConvolutionLayer has no helper field", e);
        }
    }

    static ConvolutionHelper currentHelper(Layer layer) {
        try {
            return (ConvolutionHelper) helperField().get(layer);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
