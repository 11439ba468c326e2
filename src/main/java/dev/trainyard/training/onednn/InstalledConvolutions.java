package dev.trainyard.training.onednn;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.layers.convolution.ConvolutionHelper;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;

/**
 * The path as installed on one network: closing it points every layer back at the helper DL4J gave it and frees
 * the native primitives and buffers. A network must not run after its path was closed unless it was restored.
 */
public final class InstalledConvolutions implements AutoCloseable {

    /** One DL4J layer and the helper the path gave it. */
    record Attachment(Layer layer, OneDnnConvolution helper) {}

    private static final IActivation PASS_THROUGH = new ActivationIdentity();

    private final OneDnnSession session;
    private final List<Attachment> attachments;
    private final List<ConvolutionHelper> originals;
    private final ConvolutionCoverage coverage;

    private InstalledConvolutions(
            OneDnnSession session,
            List<Attachment> attachments,
            List<ConvolutionHelper> originals,
            ConvolutionCoverage coverage) {
        this.session = session;
        this.attachments = attachments;
        this.originals = originals;
        this.coverage = coverage;
    }

    static InstalledConvolutions none(ConvolutionCoverage coverage) {
        return new InstalledConvolutions(null, List.of(), List.of(), coverage);
    }

    static InstalledConvolutions attach(
            OneDnnSession session, List<Attachment> attachments, ConvolutionCoverage coverage) {
        Field field = ConvolutionPath.helperField();
        List<ConvolutionHelper> originals = new ArrayList<>();
        try {
            for (Attachment attachment : attachments) {
                originals.add((ConvolutionHelper) field.get(attachment.layer()));
                field.set(attachment.layer(), attachment.helper());
            }
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("could not attach the oneDNN path to a DL4J layer", e);
        }
        // A layer may have had no helper at all: the list keeps nulls.
        return new InstalledConvolutions(session, List.copyOf(attachments), originals, coverage);
    }

    public ConvolutionCoverage coverage() {
        return coverage;
    }

    /** The oneDNN implementation of each covered layer's passes, as chosen for the last geometry it ran. */
    public List<String> implementations() {
        List<String> implementations = new ArrayList<>();
        for (Attachment attachment : attachments) {
            ConvKernels kernels = attachment.helper().lastKernels();
            implementations.add("layer " + attachment.helper().plan().name() + ": "
                    + (kernels == null ? "not run yet" : kernels.implementations()));
        }
        return implementations;
    }

    /**
     * Runs one training step with the derivative of each fused ReLU computed by the path. why: DL4J multiplies the
     * gradient by the activation's derivative itself, before it calls the helper, in an op that took about a fifth
     * of seednet's step here; for the step's duration each such layer's activation reads as the identity, so DL4J
     * passes the gradient through and the helper applies the derivative in oneDNN. Outside the step (saving,
     * evaluating) every layer's configuration is its own again.
     */
    public void step(Runnable step) {
        List<org.deeplearning4j.nn.conf.layers.BaseLayer> swapped = new ArrayList<>();
        List<IActivation> activations = new ArrayList<>();
        try {
            for (Attachment attachment : attachments) {
                if (attachment.helper().plan().fuseRelu()
                        && attachment.layer().conf().getLayer()
                                instanceof org.deeplearning4j.nn.conf.layers.BaseLayer conf) {
                    activations.add(conf.getActivationFn());
                    swapped.add(conf);
                    conf.setActivationFn(PASS_THROUGH);
                }
            }
            step.run();
        } finally {
            for (int i = 0; i < swapped.size(); i++) {
                swapped.get(i).setActivationFn(activations.get(i));
            }
        }
    }

    @Override
    public void close() {
        Field field = ConvolutionPath.helperField();
        try {
            for (int i = 0; i < attachments.size(); i++) {
                field.set(attachments.get(i).layer(), originals.get(i));
            }
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("could not detach the oneDNN path from a DL4J layer", e);
        }
        attachments.forEach(attachment -> attachment.helper().close());
        if (session != null) {
            session.close();
        }
    }
}
