package dev.trainyard.training.onednn;

import org.deeplearning4j.nn.conf.ConvolutionMode;

/**
 * The shape of one 2-D convolution call: a minibatch of NCHW images, OIHW weights, strides and the padding on each
 * side. Primitives are created once per geometry.
 */
record ConvGeometry(
        long batch,
        long inChannels,
        long inHeight,
        long inWidth,
        long outChannels,
        long outHeight,
        long outWidth,
        long kernelHeight,
        long kernelWidth,
        long strideHeight,
        long strideWidth,
        long padTop,
        long padLeft,
        long padBottom,
        long padRight) {

    /**
     * The geometry DL4J's {@code ConvolutionLayer} computes for an input of shape {@code inputShape} (NCHW), with
     * its output size rules: floor division for {@code Truncate} and {@code Strict}, {@code ceil(in / stride)} with
     * the extra padding at the bottom and right for {@code Same}.
     */
    static ConvGeometry of(
            long[] inputShape, long outChannels, int[] kernel, int[] strides, int[] padding, ConvolutionMode mode) {
        long inHeight = inputShape[2];
        long inWidth = inputShape[3];
        long outHeight;
        long outWidth;
        long padTop;
        long padLeft;
        if (mode == ConvolutionMode.Same) {
            outHeight = (inHeight + strides[0] - 1) / strides[0];
            outWidth = (inWidth + strides[1] - 1) / strides[1];
            padTop = Math.max(0, (outHeight - 1) * strides[0] + kernel[0] - inHeight) / 2;
            padLeft = Math.max(0, (outWidth - 1) * strides[1] + kernel[1] - inWidth) / 2;
        } else {
            padTop = padding[0];
            padLeft = padding[1];
            outHeight = (inHeight + 2 * padTop - kernel[0]) / strides[0] + 1;
            outWidth = (inWidth + 2 * padLeft - kernel[1]) / strides[1] + 1;
        }
        // Rows and columns that a truncating stride never reaches need no padding: oneDNN floors the same way.
        long padBottom = Math.max(0, (outHeight - 1) * strides[0] + kernel[0] - inHeight - padTop);
        long padRight = Math.max(0, (outWidth - 1) * strides[1] + kernel[1] - inWidth - padLeft);
        return new ConvGeometry(
                inputShape[0],
                inputShape[1],
                inHeight,
                inWidth,
                outChannels,
                outHeight,
                outWidth,
                kernel[0],
                kernel[1],
                strides[0],
                strides[1],
                padTop,
                padLeft,
                padBottom,
                padRight);
    }

    ConvGeometry withBatch(long newBatch) {
        return new ConvGeometry(
                newBatch,
                inChannels,
                inHeight,
                inWidth,
                outChannels,
                outHeight,
                outWidth,
                kernelHeight,
                kernelWidth,
                strideHeight,
                strideWidth,
                padTop,
                padLeft,
                padBottom,
                padRight);
    }

    long[] source() {
        return new long[] {batch, inChannels, inHeight, inWidth};
    }

    long[] destination() {
        return new long[] {batch, outChannels, outHeight, outWidth};
    }

    long[] weights() {
        return new long[] {outChannels, inChannels, kernelHeight, kernelWidth};
    }

    long[] bias() {
        return new long[] {outChannels};
    }

    long[] strides() {
        return new long[] {strideHeight, strideWidth};
    }

    long[] paddingBefore() {
        return new long[] {padTop, padLeft};
    }

    long[] paddingAfter() {
        return new long[] {padBottom, padRight};
    }
}
