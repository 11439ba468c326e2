package dev.trainyard.training;

import java.io.File;
import java.io.IOException;
import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * A network as the trainer, the checkpoints and the predictor use it, whichever DL4J class holds it: a plain stack
 * of layers or a graph (for networks with skip connections).
 */
public sealed interface Network permits Network.LayerStack, Network.Graph {

    /** The DL4J model, for listeners and serialisation. */
    Model model();

    /** One optimizer step on a minibatch. */
    void fit(DataSet minibatch);

    /** The last step's loss as DL4J reports it: cross-entropy plus the weight-decay penalty. */
    double score();

    /** The weight-decay penalty of the current weights, the part of {@link #score()} that is not cross-entropy. */
    double penalty();

    /** Class probabilities for a batch of images, in inference mode. */
    INDArray output(INDArray features);

    /** The learning rate the updater applied in the step that just finished. */
    double learningRate();

    void incrementEpochCount();

    long parameterCount();

    /** The layers that hold parameters, in no particular order. */
    org.deeplearning4j.nn.api.Layer[] layers();

    /** Each layer's configuration, as the saved model holds it (updaters included). */
    List<NeuralNetConfiguration> layerConfigurations();

    /** Optimizer steps taken so far: the index of the next step. */
    int iterationCount();

    int epochCount();

    default void setListeners(TrainingListener... listeners) {
        model().setListeners(listeners);
    }

    /** Writes the network with its updater state. */
    default void save(File file) throws IOException {
        ModelSerializer.writeModel(model(), file, true);
    }

    /** A network of layers applied one after another. */
    record LayerStack(MultiLayerNetwork network) implements Network {

        static LayerStack restore(File file, boolean withUpdater) throws IOException {
            return new LayerStack(ModelSerializer.restoreMultiLayerNetwork(file, withUpdater));
        }

        @Override
        public Model model() {
            return network;
        }

        @Override
        public void fit(DataSet minibatch) {
            network.fit(minibatch);
        }

        @Override
        public double score() {
            return network.score();
        }

        @Override
        public double penalty() {
            return network.calcRegularizationScore(true);
        }

        @Override
        public INDArray output(INDArray features) {
            return network.output(features, false);
        }

        @Override
        public double learningRate() {
            return network.getLearningRate(0);
        }

        @Override
        public void incrementEpochCount() {
            network.incrementEpochCount();
        }

        @Override
        public long parameterCount() {
            return network.numParams();
        }

        @Override
        public org.deeplearning4j.nn.api.Layer[] layers() {
            return network.getLayers();
        }

        @Override
        public List<NeuralNetConfiguration> layerConfigurations() {
            return network.getLayerWiseConfigurations().getConfs();
        }

        @Override
        public int iterationCount() {
            return network.getIterationCount();
        }

        @Override
        public int epochCount() {
            return network.getEpochCount();
        }
    }

    /** A network whose layers form a graph with one input and one output. */
    record Graph(ComputationGraph graph) implements Network {

        static Graph restore(File file, boolean withUpdater) throws IOException {
            return new Graph(ModelSerializer.restoreComputationGraph(file, withUpdater));
        }

        @Override
        public Model model() {
            return graph;
        }

        @Override
        public void fit(DataSet minibatch) {
            graph.fit(minibatch);
        }

        @Override
        public double score() {
            return graph.score();
        }

        @Override
        public double penalty() {
            return graph.calcRegularizationScore(true);
        }

        @Override
        public INDArray output(INDArray features) {
            return graph.outputSingle(false, features);
        }

        @Override
        public double learningRate() {
            return graph.getLearningRate(graph.getLayers()[0].conf().getLayer().getLayerName());
        }

        @Override
        public void incrementEpochCount() {
            graph.incrementEpochCount();
        }

        @Override
        public long parameterCount() {
            return graph.numParams();
        }

        @Override
        public org.deeplearning4j.nn.api.Layer[] layers() {
            return graph.getLayers();
        }

        @Override
        public List<NeuralNetConfiguration> layerConfigurations() {
            return graph.getConfiguration().getVertices().values().stream()
                    .filter(vertex -> vertex instanceof LayerVertex)
                    .map(vertex -> ((LayerVertex) vertex).getLayerConf())
                    .toList();
        }

        @Override
        public int iterationCount() {
            return graph.getIterationCount();
        }

        @Override
        public int epochCount() {
            return graph.getEpochCount();
        }
    }
}
