package dev.trainyard.training.onednn;

import org.nd4j.linalg.exception.ND4JOpProfilerException;

/**
 * A oneDNN call that failed inside trainyard's convolution path.
 *
 * <p>why this supertype: DL4J's {@code ConvolutionLayer} rethrows an {@link ND4JOpProfilerException} from its helper
 * as it is, while any other exception makes it drop the helper quietly and convolve on its own from then on. A quiet
 * switch in the middle of a step would hand the next layer an array in the wrong memory layout, so a failure here
 * must end the step instead.
 */
public class OneDnnFailure extends ND4JOpProfilerException {

    public OneDnnFailure(String message) {
        super(message);
    }
}
