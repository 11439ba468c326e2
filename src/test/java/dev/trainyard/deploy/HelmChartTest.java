package dev.trainyard.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainyard.ApiClient;
import dev.trainyard.TestServer;
import dev.trainyard.webhooks.WebhooksProperties;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Renders the Helm chart with {@code helm template} (the binary named by {@code TRAINYARD_HELM}; CI unpacks one) for
 * the default values and each {@code helm/trainyard/ci/*-values.yaml}, and checks the manifests: GPU limits when
 * enabled, probes on paths this server really answers, secrets only by reference, the shutdown grace, a hardened
 * container.
 */
@EnabledIfEnvironmentVariable(named = "TRAINYARD_HELM", matches = ".+")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class HelmChartTest {

    private static final Path CHART = Path.of("helm/trainyard");
    private static final String CI_PASSWORD = "from-ci-values-not-a-default";
    private static final String CI_TOKEN = "ci-token-0123456789abcdef";
    private static final String CI_WEBHOOK_SECRET = "whsec_Y2ktd2ViaG9vay1zZWNyZXQtbm90LWEtZGVmYXVsdA==";

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        TestServer.register(registry, TestServer.newDataDir(), "0");
    }

    private static List<Map<String, Object>> render(String valuesFile) throws Exception {
        List<String> command =
                new ArrayList<>(List.of(System.getenv("TRAINYARD_HELM"), "template", "release", CHART.toString()));
        if (valuesFile != null) {
            command.addAll(List.of("-f", CHART.resolve("ci").resolve(valuesFile).toString()));
        }
        Process helm = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(helm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(helm.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(helm.exitValue()).as(output).isZero();
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Object document : new Yaml(new LoaderOptions()).loadAll(output)) {
            if (document != null) {
                documents.add(map(document));
            }
        }
        return documents;
    }

    private static List<String> valuesFiles() throws IOException {
        try (var files = Files.list(CHART.resolve("ci"))) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }

    private static Map<String, Object> only(List<Map<String, Object>> documents, String kind) {
        List<Map<String, Object>> matching =
                documents.stream().filter(d -> kind.equals(d.get("kind"))).toList();
        assertThat(matching).as(kind).hasSize(1);
        return matching.get(0);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        return (List<Object>) value;
    }

    private static Object at(Map<String, Object> root, String... path) {
        Object current = root;
        for (String key : path) {
            current = current instanceof List<?> items
                    ? items.get(Integer.parseInt(key))
                    : map(current).get(key);
            if (current == null) {
                return null;
            }
        }
        return current;
    }

    private static Map<String, Object> container(Map<String, Object> deployment) {
        return map(at(deployment, "spec", "template", "spec", "containers", "0"));
    }

    private static String env(Map<String, Object> container, String name) {
        return list(container.get("env")).stream()
                .map(HelmChartTest::map)
                .filter(e -> name.equals(e.get("name")))
                .map(e -> Objects.toString(e.get("value"), null))
                .findFirst()
                .orElse(null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "external-postgres-values.yaml", "gpu-values.yaml", "servicemonitor-values.yaml"})
    void everyValuesFileRendersAHardenedDeploymentWithRealProbes(String valuesFile) throws Exception {
        assertThat(valuesFiles())
                .as("ci values files covered here")
                .containsExactlyInAnyOrder(
                        "external-postgres-values.yaml", "gpu-values.yaml", "servicemonitor-values.yaml");
        Map<String, Object> deployment = only(render(valuesFile.isEmpty() ? null : valuesFile), "Deployment");
        Map<String, Object> container = container(deployment);

        ApiClient server = new ApiClient(port, null);
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            String path = (String) at(container, probe, "httpGet", "path");
            assertThat(path).startsWith("/actuator/health/");
            assertThat(server.get(path).statusCode())
                    .as("%s %s on a running server", probe, path)
                    .isEqualTo(200);
        }

        assertThat(at(container, "securityContext", "readOnlyRootFilesystem")).isEqualTo(true);
        assertThat(at(container, "securityContext", "allowPrivilegeEscalation")).isEqualTo(false);
        assertThat(list(at(container, "securityContext", "capabilities", "drop")))
                .containsExactly("ALL");
        assertThat(at(deployment, "spec", "template", "spec", "securityContext", "runAsNonRoot"))
                .isEqualTo(true);
        assertThat(list(container.get("volumeMounts")))
                .extracting(mount -> map(mount).get("mountPath"))
                .contains("/tmp", "/data");

        String grace = env(container, "TRAINYARD_SHUTDOWN_GRACE");
        int graceSeconds = Integer.parseInt(grace.replace("s", ""));
        assertThat((Integer) at(deployment, "spec", "template", "spec", "terminationGracePeriodSeconds"))
                .isGreaterThan(graceSeconds);
        Map<String, Object> replicaId = list(container.get("env")).stream()
                .map(HelmChartTest::map)
                .filter(e -> "TRAINYARD_EXECUTOR_REPLICA_ID".equals(e.get("name")))
                .findFirst()
                .orElseThrow();
        assertThat(at(replicaId, "valueFrom", "fieldRef", "fieldPath"))
                .as("each pod its own replica id")
                .isEqualTo("metadata.name");
    }

    @Test
    void gpuValuesMergeTheGpuIntoLimitsWithTolerationAndNodeSelectorAndNoSurge() throws Exception {
        Map<String, Object> deployment = only(render("gpu-values.yaml"), "Deployment");
        assertThat(at(container(deployment), "resources", "limits", "nvidia.com/gpu"))
                .isEqualTo("1");
        assertThat(at(container(deployment), "resources", "limits", "memory")).isEqualTo("6Gi");
        assertThat(at(deployment, "spec", "strategy", "type")).isEqualTo("Recreate");
        assertThat(at(deployment, "spec", "template", "spec", "tolerations", "0", "key"))
                .isEqualTo("nvidia.com/gpu");
        assertThat(at(deployment, "spec", "template", "spec", "nodeSelector", "accelerator"))
                .isEqualTo("nvidia");

        Map<String, Object> cpu = only(render(null), "Deployment");
        assertThat(at(container(cpu), "resources", "limits")).isEqualTo(Map.of("memory", "6Gi"));
        assertThat(at(cpu, "spec", "strategy", "rollingUpdate", "maxSurge")).isEqualTo(0);
        assertThat(at(cpu, "spec", "template", "spec", "tolerations")).isNull();
    }

    @Test
    void secretsAreReferencedNeverInlineAndHaveNoDefaults() throws Exception {
        List<Map<String, Object>> external = render("external-postgres-values.yaml");
        Map<String, Object> container = container(only(external, "Deployment"));
        Map<String, Object> password = list(container.get("env")).stream()
                .map(HelmChartTest::map)
                .filter(e -> "SPRING_DATASOURCE_PASSWORD".equals(e.get("name")))
                .findFirst()
                .orElseThrow();
        assertThat(password).doesNotContainKey("value");
        assertThat(at(password, "valueFrom", "secretKeyRef", "name")).isEqualTo("release-trainyard-database");
        assertThat(at(container, "envFrom", "0", "secretRef", "name")).isEqualTo("release-trainyard-tokens");
        assertThat(at(container, "envFrom", "1", "secretRef", "name")).isEqualTo("release-trainyard-webhooks");
        assertThat(env(container, "TRAINYARD_WEBHOOKS_ALLOWEDNETWORKS_0")).isEqualTo("10.20.0.0/16");
        for (Map<String, Object> document : external) {
            if (!"Secret".equals(document.get("kind"))) {
                assertThat(new Yaml().dump(document)).doesNotContain(CI_PASSWORD, CI_TOKEN, CI_WEBHOOK_SECRET);
            }
        }
        List<String> secretValues = external.stream()
                .filter(d -> "Secret".equals(d.get("kind")))
                .flatMap(secret -> map(secret.get("data")).values().stream())
                .map(value -> new String(Base64.getDecoder().decode((String) value), StandardCharsets.UTF_8))
                .toList();
        assertThat(secretValues).contains(CI_PASSWORD, CI_TOKEN, CI_WEBHOOK_SECRET);

        List<Map<String, Object>> defaults = render(null);
        assertThat(defaults).noneMatch(document -> "Secret".equals(document.get("kind")));
        assertThat(env(container(only(defaults, "Deployment")), "SPRING_DATASOURCE_URL"))
                .isNull();
    }

    /** The chart's environment variable names bind to the settings they are meant for. */
    @Test
    void webhookSettingsFromTheChartBindAsTheServerReadsThem() throws Exception {
        List<Map<String, Object>> external = render("external-postgres-values.yaml");
        Map<String, Object> environment = new java.util.HashMap<>();
        list(container(only(external, "Deployment")).get("env")).stream()
                .map(HelmChartTest::map)
                .filter(e -> e.get("value") != null)
                .forEach(e -> environment.put((String) e.get("name"), e.get("value")));
        external.stream()
                .filter(d -> "Secret".equals(d.get("kind")))
                .flatMap(secret -> map(secret.get("data")).entrySet().stream())
                .forEach(e -> environment.put(
                        e.getKey(),
                        new String(Base64.getDecoder().decode((String) e.getValue()), StandardCharsets.UTF_8)));
        var sources = new org.springframework.core.env.MutablePropertySources();
        sources.addFirst(new org.springframework.core.env.SystemEnvironmentPropertySource(
                org.springframework.core.env.StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, environment));
        var settings = new org.springframework.boot.context.properties.bind.Binder(
                        org.springframework.boot.context.properties.source.ConfigurationPropertySources.from(sources))
                .bindOrCreate("trainyard.webhooks", WebhooksProperties.class);

        assertThat(settings.secrets()).singleElement().satisfies(owner -> {
            assertThat(owner.principal()).isEqualTo("ci");
            assertThat(owner.secret()).isEqualTo(CI_WEBHOOK_SECRET);
        });
        assertThat(settings.allowedNetworks()).containsExactly("10.20.0.0/16");
    }

    @Test
    void serviceMonitorOnlyWhenAskedAndScrapingTheMetricsEndpoint() throws Exception {
        assertThat(render(null)).noneMatch(document -> "ServiceMonitor".equals(document.get("kind")));
        Map<String, Object> monitor = only(render("servicemonitor-values.yaml"), "ServiceMonitor");
        String path = (String) at(monitor, "spec", "endpoints", "0", "path");
        assertThat(new ApiClient(port, null).get(path, "text/plain").statusCode())
                .isEqualTo(200);
        assertThat(at(monitor, "metadata", "labels", "release")).isEqualTo("prometheus");
    }
}
