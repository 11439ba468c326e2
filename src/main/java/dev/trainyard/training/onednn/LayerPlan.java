package dev.trainyard.training.onednn;

/**
 * How one convolution layer runs on the path.
 *
 * @param name          the layer's name (its index in a layer stack)
 * @param bias          whether the layer has a bias
 * @param fuseRelu      whether its ReLU runs inside the forward convolution
 * @param hiddenOutput  whether its output goes straight into another layer of the path (and may stay blocked)
 * @param inputGradient whether anyone reads the gradient of its input (not so for a network's first layer)
 */
record LayerPlan(String name, boolean bias, boolean fuseRelu, boolean hiddenOutput, boolean inputGradient) {}
