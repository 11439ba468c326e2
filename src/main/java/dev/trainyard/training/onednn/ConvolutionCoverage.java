package dev.trainyard.training.onednn;

import java.util.List;

/**
 * Which path a network's convolutions ran on, for a job's run record.
 *
 * @param path      {@code trainyard-onednn} when at least one layer runs on trainyard's oneDNN path, else {@code dl4j}
 * @param layers    the network's 2-D convolution layers
 * @param onPath    how many of them run on trainyard's path (the others on DL4J's own)
 * @param blockedLinks how many layer-to-layer hand-overs keep oneDNN's blocked layout (no reorder in between)
 * @param notes     why a layer stays on DL4J's path, or why the path is off
 */
public record ConvolutionCoverage(String path, int layers, int onPath, int blockedLinks, List<String> notes) {

    public static final String TRAINYARD_ONEDNN = "trainyard-onednn";
    public static final String DL4J = "dl4j";

    static ConvolutionCoverage off(int layers, String reason) {
        return new ConvolutionCoverage(DL4J, layers, 0, 0, List.of(reason));
    }
}
