package dev.trainyard.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/** Every curl example in the README calls an operation the OpenAPI contract has, with parameters it declares. */
class ReadmeExamplesTest {

    private static final Pattern URL = Pattern.compile("localhost:8080(/[^\\s\"'?]*)(?:\\?([^\\s\"']*))?");
    private static final Pattern METHOD = Pattern.compile("-X (\\w+)");

    record Example(String method, String path, List<String> queryNames, String line) {}

    static List<Example> examples() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("README.md"));
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).startsWith("curl ")) {
                continue;
            }
            StringBuilder command = new StringBuilder(lines.get(i));
            while (command.toString().endsWith("\\") && i + 1 < lines.size()) {
                command.setLength(command.length() - 1);
                command.append(' ').append(lines.get(++i).trim());
            }
            String text = command.toString();
            Matcher url = URL.matcher(text);
            assertThat(url.find()).as("a curl example without a URL: %s", text).isTrue();
            Matcher method = METHOD.matcher(text);
            String verb =
                    method.find() ? method.group(1) : text.matches(".* (-d|--data-binary|-F) .*") ? "POST" : "GET";
            List<String> queryNames = url.group(2) == null
                    ? List.of()
                    : List.of(url.group(2).split("&")).stream()
                            .map(pair -> pair.split("=", 2)[0])
                            .toList();
            examples.add(new Example(verb.toLowerCase(Locale.ROOT), url.group(1), queryNames, text));
        }
        return examples;
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyCurlExampleNamesAnOperationAndParametersOfTheContract() throws Exception {
        Map<String, Object> contract =
                new Yaml(new LoaderOptions()).load(Files.readString(OpenApiContractTest.CONTRACT));
        Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) contract.get("paths");
        List<Example> examples = examples();
        assertThat(examples).hasSizeGreaterThan(30);

        for (Example example : examples) {
            if (example.path().startsWith("/actuator/")) {
                continue;
            }
            String template = example.path().replaceAll("<id>", "{id}").replace("/seednet/", "/{name}/");
            assertThat(paths).as(example.line()).containsKey(template);
            Map<String, Object> operation =
                    (Map<String, Object>) paths.get(template).get(example.method());
            assertThat(operation)
                    .as("%s %s: %s", example.method(), template, example.line())
                    .isNotNull();
            List<String> declared = ((List<Map<String, Object>>) operation.getOrDefault("parameters", List.of()))
                    .stream()
                            .filter(parameter -> "query".equals(parameter.get("in")))
                            .map(parameter -> (String) parameter.get("name"))
                            .toList();
            assertThat(declared).as(example.line()).containsAll(example.queryNames());
        }
    }
}
