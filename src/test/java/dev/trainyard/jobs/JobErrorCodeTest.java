package dev.trainyard.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** One list of error codes: the enum the code uses is what the OpenAPI contract and the README name, no more. */
class JobErrorCodeTest {

    private static final List<String> CODES =
            Arrays.stream(JobErrorCode.values()).map(JobErrorCode::code).toList();

    @Test
    void theContractListsExactlyTheCodesTheServerProduces() throws Exception {
        String contract = Files.readString(Path.of("openapi.yaml"));
        Matcher jobError = Pattern.compile("(?s)\\n    JobError:.*?code:.*?enum:\\n((?:\\s+- \\w+\\n)+)")
                .matcher(contract);
        assertThat(jobError.find())
                .as("JobError.code in openapi.yaml has an enum")
                .isTrue();
        List<String> listed = Arrays.stream(jobError.group(1).split("\\n"))
                .map(line -> line.replace("-", "").strip())
                .filter(line -> !line.isEmpty())
                .toList();
        assertThat(listed).containsExactlyElementsOf(CODES);
    }

    @Test
    void theReadmeNamesEveryCodeAndNoOther() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        String sentence = readme.substring(readme.indexOf("A failed job has an `error` with a `code`"));
        sentence = sentence.substring(0, sentence.indexOf(". "));
        List<String> named = Pattern.compile("`([a-z_]+)`")
                .matcher(sentence)
                .results()
                .map(m -> m.group(1))
                .filter(word -> !word.equals("error") && !word.equals("code"))
                .toList();
        assertThat(named).containsExactlyInAnyOrderElementsOf(CODES);
    }

    @Test
    void storedCodesReadBackAsTheSameEnum() {
        for (JobErrorCode code : JobErrorCode.values()) {
            assertThat(JobErrorCode.of(code.code())).isEqualTo(code);
        }
    }
}
