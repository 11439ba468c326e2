package dev.trainyard.training;

import dev.trainyard.data.Normalization;
import java.util.List;

/**
 * What a trained model needs besides its weights to classify an image: the class names and the per-channel
 * normalisation its training data had. Written beside the model as {@code model-card.json}.
 */
public record ModelCard(String model, List<String> classes, float[] mean, float[] std) {

    public Normalization normalization() {
        return new Normalization(mean, std);
    }
}
