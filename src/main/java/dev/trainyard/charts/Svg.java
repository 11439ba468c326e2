package dev.trainyard.charts;

import java.util.Locale;

/** What every chart starts with, and how text is put into one. */
final class Svg {

    private Svg() {}

    /** The root element with a white background and the title at the top left. */
    static StringBuilder header(int width, int height, String title) {
        return new StringBuilder(String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
                        + "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n"
                        + "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n"
                        + "<text x=\"20\" y=\"24\" font-size=\"15\">%s</text>%n",
                width,
                height,
                width,
                height,
                escape(title)));
    }

    /** Text as SVG character data or an attribute value: a client's job name cannot open an element. */
    static String escape(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
