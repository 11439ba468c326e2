package dev.trainyard.training;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.evaluation.classification.Evaluation;

/**
 * How a trained network classifies one split: {@code counts[actual][predicted]} with per-class accuracy.
 *
 * @param split            {@code test} or {@code validation}
 * @param classes          class names, by index
 * @param counts           images of class {@code actual} (row) predicted as {@code predicted} (column)
 * @param perClassAccuracy share of each class's images classified correctly
 * @param accuracy         share of all images classified correctly
 */
public record ConfusionMatrix(
        String split, List<String> classes, int[][] counts, List<Double> perClassAccuracy, double accuracy) {

    /** The matrix ND4J's evaluation counted, {@code counts[actual][predicted]}. */
    static ConfusionMatrix of(String split, List<String> classes, Evaluation evaluation) {
        int[][] counts = new int[classes.size()][classes.size()];
        for (int actual = 0; actual < classes.size(); actual++) {
            for (int predicted = 0; predicted < classes.size(); predicted++) {
                counts[actual][predicted] = evaluation.getConfusionMatrix().getCount(actual, predicted);
            }
        }
        return of(split, classes, counts);
    }

    static ConfusionMatrix of(String split, List<String> classes, int[][] counts) {
        List<Double> perClass = new ArrayList<>();
        long correct = 0;
        long total = 0;
        for (int actual = 0; actual < counts.length; actual++) {
            long row = 0;
            for (int count : counts[actual]) {
                row += count;
            }
            perClass.add(row == 0 ? 0.0 : (double) counts[actual][actual] / row);
            correct += counts[actual][actual];
            total += row;
        }
        return new ConfusionMatrix(
                split, List.copyOf(classes), counts, List.copyOf(perClass), total == 0 ? 0 : (double) correct / total);
    }
}
