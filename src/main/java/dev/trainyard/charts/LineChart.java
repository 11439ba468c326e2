package dev.trainyard.charts;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Line charts as SVG: one or more panels stacked top to bottom, each with labelled axes, lines (a point whose value
 * is NaN or infinite is left out), a legend when lines are named, and dashed vertical markers. Ticks fall on round
 * numbers (1, 2 or 5 times a power of ten), on the x axis in multiples of its unit: a step axis with a unit of one
 * epoch ticks on epoch boundaries and names them. The y axis runs from 0 to the first tick above its largest value.
 */
public final class LineChart {

    private static final int PANEL_HEIGHT = 380;
    private static final int LEFT = 80;
    private static final int TOP = 40;
    private static final int BOTTOM = 60;
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
     * @param xMin  the x value at the left edge
     * @param xMax  the x value at the right edge
     * @param xUnit x ticks fall on whole multiples of it: 1 for steps or epochs, the steps per epoch for a step axis
     *              ticked on epoch boundaries
     * @param xUnitName names a tick's multiple of xUnit under it (e.g. "epoch"), or null
     */
    public record Panel(
            String xLabel,
            String yLabel,
            double xMin,
            double xMax,
            double xUnit,
            String xUnitName,
            List<Line> lines,
            List<Marker> markers) {}

    /** Okabe-Ito colours: told apart with every common colour-vision deficiency. */
    public static final String BLUE = "#0072B2";

    public static final String GREEN = "#009E73";
    public static final String VERMILLION = "#D55E00";
    public static final String ORANGE = "#E69F00";

    /** About this many ticks per axis, at most. */
    private static final int TICKS = 6;

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
        double yStep = nice(max > 0 ? max * 1.05 / (TICKS - 1) : 0.2);
        double yMax = Math.max(1, Math.ceil(max * 1.05 / yStep)) * yStep;
        double xSpan = Math.max(1e-12, panel.xMax() - panel.xMin());
        for (int i = 0; i * yStep <= yMax * (1 + 1e-9); i++) {
            double y = top + plotHeight - plotHeight * i * yStep / yMax;
            svg.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                            + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
                    LEFT,
                    y,
                    LEFT + plotWidth,
                    y,
                    LEFT - 6,
                    y + 4,
                    label(i * yStep, yStep)));
        }
        double unit = panel.xUnit() > 0 ? panel.xUnit() : 1;
        double xStep = nice(Math.max(1, xSpan / unit / TICKS)) * unit;
        for (double tick = Math.ceil(panel.xMin() / xStep) * xStep; tick <= panel.xMax() + 1e-9; tick += xStep) {
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
                    Math.round(tick)));
            if (panel.xUnitName() != null && tick > 0) {
                svg.append(String.format(
                        Locale.ROOT,
                        "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#555\">%s %d</text>%n",
                        x,
                        top + plotHeight + 34,
                        Svg.escape(panel.xUnitName()),
                        Math.round(tick / unit)));
            }
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
                top + plotHeight + (panel.xUnitName() == null ? 38 : 48),
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

    /** The smallest of 1, 2 and 5 times a power of ten that is at least {@code value} (a positive number). */
    static double nice(double value) {
        double power = Math.pow(10, Math.floor(Math.log10(value)));
        for (double n : new double[] {1, 2, 5, 10}) {
            if (n * power >= value * (1 - 1e-9)) {
                return n * power;
            }
        }
        return 10 * power;
    }

    /** A tick's value with as many decimals as its spacing needs, and no more. */
    static String label(double value, double spacing) {
        int decimals = Math.max(0, (int) -Math.floor(Math.log10(spacing) + 1e-9));
        if (decimals > 6) {
            return String.format(Locale.ROOT, "%.1e", value);
        }
        return new java.math.BigDecimal(value)
                .setScale(decimals, java.math.RoundingMode.HALF_UP)
                .stripTrailingZeros()
                .toPlainString();
    }
}
