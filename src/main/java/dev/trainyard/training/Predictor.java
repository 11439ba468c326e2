package dev.trainyard.training;

import dev.trainyard.data.Augmentation;
import dev.trainyard.data.LabeledImages;
import dev.trainyard.data.Minibatches;
import dev.trainyard.system.JobFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;

/** A trained model ready to classify images, with the preprocessing its evaluation used. */
public final class Predictor {

    private final Network network;
    private final ModelCard card;

    private Predictor(Network network, ModelCard card) {
        this.network = network;
        this.card = card;
    }

    /** Loads a job's model and its card (written by the trainer beside it). */
    public static Predictor load(JobFolder files, JsonMapper json) throws IOException {
        ModelCard card = json.readValue(Files.readString(files.modelCard()), ModelCard.class);
        ModelArchitecture architecture = ModelArchitecture.byId(card.model())
                .orElseThrow(() -> new IOException("the model card names an unknown model: " + card.model()));
        return new Predictor(architecture.restore(files.model().toFile(), false), card);
    }

    public List<String> classes() {
        return card.classes();
    }

    /**
     * One class and how likely the model finds it.
     *
     * @param probability softmax output, 0..1
     */
    public record ClassProbability(String label, double probability) {}

    /** The {@code top} most likely classes of a decoded image, most likely first. */
    public synchronized List<ClassProbability> predict(LabeledImages image, int top) {
        float[] probabilities = network.output(new Minibatches(image, 1, card.normalization(), Augmentation.NONE)
                        .inOrder()
                        .next()
                        .getFeatures())
                .data()
                .asFloat();
        List<ClassProbability> ranked = new ArrayList<>();
        for (int c = 0; c < probabilities.length; c++) {
            ranked.add(new ClassProbability(card.classes().get(c), probabilities[c]));
        }
        ranked.sort(Comparator.comparingDouble(ClassProbability::probability).reversed());
        return List.copyOf(ranked.subList(0, Math.min(top, ranked.size())));
    }
}
