package dev.trainyard.charts;

import java.util.List;
import java.util.Locale;

/** A square matrix of counts as SVG: rows and columns labelled, each cell shaded by its count and showing it. */
public final class HeatMap {

    private HeatMap() {}

    /**
     * @param labels    the name of each row and column
     * @param counts    {@code counts[row][column]}
     * @param rowShares a percentage per row, shown at its right end (for a confusion matrix: each class's accuracy)
     * @param rowAxis   what the rows are; {@code columnAxis} what the columns are
     */
    public static String toSvg(
            String title,
            List<String> labels,
            int[][] counts,
            List<Double> rowShares,
            String rowAxis,
            String columnAxis) {
        int size = labels.size();
        int cell = Math.max(28, Math.min(60, 600 / Math.max(1, size)));
        int left = 110;
        int top = 90;
        int max = 1;
        for (int[] row : counts) {
            for (int count : row) {
                max = Math.max(max, count);
            }
        }
        StringBuilder svg = Svg.header(left + cell * size + 150, top + cell * size + 40, title);
        svg.append(String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"%d\">&#8592; %s</text>"
                        + "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s &#8595;</text>%n",
                left + size * cell + 8,
                top - 8,
                Svg.escape(columnAxis),
                left - 6,
                top - 8,
                Svg.escape(rowAxis)));
        for (int row = 0; row < size; row++) {
            String name = Svg.escape(labels.get(row));
            svg.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n",
                    left - 6,
                    top + row * cell + cell / 2 + 4,
                    name));
            svg.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%d\" y=\"%d\" text-anchor=\"start\" font-size=\"10\" "
                            + "transform=\"rotate(-45 %d %d)\">%s</text>%n",
                    left + row * cell + 4,
                    top - 4,
                    left + row * cell + 4,
                    top - 4,
                    name));
            for (int column = 0; column < size; column++) {
                int count = counts[row][column];
                int shade = 255 - (int) Math.round(200.0 * count / max);
                svg.append(String.format(
                        Locale.ROOT,
                        "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
                                + "fill=\"rgb(%d,%d,255)\" stroke=\"#fff\"/><text x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
                                + "font-size=\"11\">%d</text>%n",
                        left + column * cell,
                        top + row * cell,
                        cell,
                        cell,
                        shade,
                        shade,
                        left + column * cell + cell / 2,
                        top + row * cell + cell / 2 + 4,
                        count));
            }
            svg.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%d\" y=\"%d\">%.1f%%</text>%n",
                    left + size * cell + 8,
                    top + row * cell + cell / 2 + 4,
                    100 * rowShares.get(row)));
        }
        return svg.append("</svg>\n").toString();
    }
}
