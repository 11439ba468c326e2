package dev.trainyard.charts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class LineChartTest {

    private static final Pattern TEXT = Pattern.compile("<text[^>]*>([^<]*)</text>");

    private static List<String> texts(String svg) {
        List<String> texts = new ArrayList<>();
        Matcher matcher = TEXT.matcher(svg);
        while (matcher.find()) {
            texts.add(matcher.group(1));
        }
        return texts;
    }

    private static String chart(double xMax, double xUnit, String unitName, double yMax) {
        return LineChart.titled("t", 800)
                .panel(new LineChart.Panel(
                        "step",
                        "learning rate",
                        0,
                        xMax,
                        xUnit,
                        unitName,
                        List.of(new LineChart.Line("", LineChart.BLUE, new double[] {0, xMax}, new double[] {0, yMax})),
                        List.of()))
                .toSvg();
    }

    @Test
    void niceNumbersAreOneTwoOrFiveTimesAPowerOfTen() {
        assertThat(List.of(0.3, 1.0, 1.2, 7.0, 0.0021, 0.0105, 26.0).stream()
                        .map(LineChart::nice)
                        .toList())
                .containsExactly(0.5, 1.0, 2.0, 10.0, 0.005, 0.02, 50.0);
    }

    /** why: the schedule chart's ticks fell at 1251, 2502, ... with nothing saying those are epoch boundaries. */
    @Test
    void aStepAxisInEpochsTicksOnEpochBoundariesAndNamesThem() {
        List<String> texts = texts(chart(12509, 1251, "epoch", 0.05));

        assertThat(texts).containsSubsequence("0", "2502", "epoch 2", "5004", "epoch 4", "7506", "epoch 6");
        assertThat(texts).doesNotContain("1251", "2501", "5003");
        assertThat(texts).contains("0.02", "0.04", "0.06").doesNotContain("0.0105", "0.021");
    }

    @Test
    void withoutAnEpochUnitTheStepsTickOnRoundNumbers() {
        List<String> texts = texts(chart(3500, 1, null, 2.4));

        assertThat(texts).contains("0", "1000", "2000", "3000").noneMatch(t -> t.startsWith("epoch"));
        assertThat(texts).containsSubsequence("0", "1", "2", "3", "0", "1000").doesNotContain("2.52", "0.504");
    }

    @Test
    void tinyRatesKeepTheirDigits() {
        assertThat(texts(chart(10, 1, null, 0.00004))).contains("0.00001", "0.00002", "0.00004");
    }
}
