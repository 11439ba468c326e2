package dev.trainyard.charts;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Line charts as SVG: one or more panels stacked top to bottom, each with labelled axes, five ticks per axis, lines
 * (a point whose value is NaN or infinite is left out), a legend when lines are named, and dashed vertical markers.
 * The y axis of each panel runs from 0 to 5% above its largest value.
 */
public final class LineChart {

    private static final int PANEL_HEIGHT = 380;
    private static final int LEFT = 80;
    private static final int TOP = 40;
    private static final int BOTTOM = 50;
    private static final int LEGEND = 150;
    private static final int NO_LEGEND = 30;

    /**
     * One line.
     *
     * @param name   shown in the legend; blank for none
     * @param colour any SVG colour
     */
    public record Line(String name, String colour, double[] x, double[] y) {}

    /** A dashed vertical line at {@code x}, labelled at its top. */
    public record Marker(double x, String label) {}

    /**
     * One chart of the stack.
     *
     * @param xMin the x value at the left edge
     * @param xMax the x value at the right edge; ticks show x values rounded to whole numbers (steps, epochs)
     */
    public record Panel(
            String xLabel, String yLabel, double xMin, double xMax, List<Line> lines, List<Marker> markers) {}

    private final String title;
    private final int width;
    private final List<Panel> panels = new ArrayList<>();

    private LineChart(String title, int width) {
        this.title = title;
        this.width = width;
    }

    public static LineChart titled(String title, int width) {
        return new LineChart(title, width);
    }

    public LineChart panel(Panel panel) {
        panels.add(panel);
        return this;
    }

    public String toSvg() {
        StringBuilder svg = Svg.header(width, PANEL_HEIGHT * panels.size(), title);
        for (int i = 0; i < panels.size(); i++) {
            draw(svg, i * PANEL_HEIGHT, panels.get(i));
        }
        return svg.append("</svg>\n").toString();
    }

    private void draw(StringBuilder svg, int offset, Panel panel) {
        boolean legend = panel.lines().stream().anyMatch(line -> !line.name().isBlank());
        double plotWidth = width - LEFT - (legend ? LEGEND : NO_LEGEND);
        double plotHeight = PANEL_HEIGHT - TOP - BOTTOM;
        double top = offset + TOP;
        double max = 0;
        for (Line line : panel.lines()) {
            for (double value : line.y()) {
                if (Double.isFinite(value)) {
                    max = Math.max(max, value);
                }
            }
        }
        double yMax = max > 0 ? max * 1.05 : 1;
        double xSpan = Math.max(1e-12, panel.xMax() - panel.xMin());
        for (int i = 0; i <= 5; i++) {
            double y = top + plotHeight - plotHeight * i / 5;
            svg.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                            + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.3g</text>%n",
                    LEFT,
                    y,
                    LEFT + plotWidth,
                    y,
                    LEFT - 6,
                    y + 4,
                    yMax * i / 5));
            long tick = Math.round(panel.xMin() + xSpan * i / 5);
            double x = LEFT + plotWidth * (tick - panel.xMin()) / xSpan;
            svg.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>"
                            + "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%d</text>%n",
                    x,
                    top + plotHeight,
                    x,
                    top + plotHeight + 5,
                    x,
                    top + plotHeight + 20,
                    tick));
        }
        svg.append(String.format(
                Locale.ROOT,
                "<rect x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" "
                        + "stroke=\"#333\"/><text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>"
                        + "<text x=\"18\" y=\"%.1f\" transform=\"rotate(-90 18 %.1f)\" text-anchor=\"middle\">%s</text>%n",
                LEFT,
                top,
                plotWidth,
                plotHeight,
                LEFT + plotWidth / 2,
                top + plotHeight + 38,
                Svg.escape(panel.xLabel()),
                top + plotHeight / 2,
                top + plotHeight / 2,
                Svg.escape(panel.yLabel())));
        for (Marker marker : panel.markers()) {
            double x = LEFT + plotWidth * (marker.x() - panel.xMin()) / xSpan;
            svg.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#c33\" "
                            + "stroke-dasharray=\"5,4\"/><text x=\"%.1f\" y=\"%.1f\" fill=\"#c33\">%s</text>%n",
                    x,
                    top,
                    x,
                    top + plotHeight,
                    x + 4,
                    top + 14,
                    Svg.escape(marker.label())));
        }
        int named = 0;
        for (Line line : panel.lines()) {
            StringBuilder points = new StringBuilder();
            for (int i = 0; i < Math.min(line.x().length, line.y().length); i++) {
                if (Double.isFinite(line.x()[i]) && Double.isFinite(line.y()[i])) {
                    points.append(String.format(
                            Locale.ROOT,
                            "%.1f,%.1f ",
                            LEFT + plotWidth * (line.x()[i] - panel.xMin()) / xSpan,
                            top + plotHeight - plotHeight * line.y()[i] / yMax));
                }
            }
            if (points.isEmpty()) {
                continue;
            }
            svg.append(String.format(
                    Locale.ROOT,
                    "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" " + "points=\"%s\"/>%n",
                    line.colour(),
                    points));
            if (!line.name().isBlank()) {
                svg.append(String.format(
                        Locale.ROOT,
                        "<text x=\"%.1f\" y=\"%.1f\" fill=\"%s\">%s</text>%n",
                        LEFT + plotWidth + 10,
                        top + 14 + 18 * named++,
                        line.colour(),
                        Svg.escape(line.name())));
            }
        }
    }
}
