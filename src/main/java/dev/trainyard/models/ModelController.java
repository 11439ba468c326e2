package dev.trainyard.models;

import dev.trainyard.system.InvalidRequestException;
import dev.trainyard.training.ModelArchitecture;
import dev.trainyard.training.ModelSummary;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Arrays;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.util.function.SingletonSupplier;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The networks a job can name in {@code model}. */
@RestController
@RequestMapping("/api/v1/models")
@Tag(name = "models")
class ModelController {

    /** Built on the first request, not at start-up: it builds every network once. */
    private final SingletonSupplier<List<ModelInfo>> catalogue = SingletonSupplier.of(() -> Arrays.stream(
                    ModelArchitecture.values())
            .map(model -> new ModelInfo(
                    model.id(), model.description(), ModelSummary.of(model, 1).totalParameters()))
            .toList());

    /**
     * A model in the catalogue.
     *
     * @param parameters all parameters for 32x32x3 input and 10 classes: weights, biases and batch norm's running
     *                   statistics (the summary splits them into trainable and not)
     */
    record ModelInfo(String name, String description, long parameters) {}

    @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "The models a job can train")
    List<ModelInfo> list() {
        return catalogue.obtain();
    }

    @GetMapping(path = "/{name}/summary", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(
            summary = "Layers, shapes and parameter counts of a model",
            description = "Accept: text/plain gives " + "the same as a table.")
    ModelSummary summary(@PathVariable String name, @RequestParam(defaultValue = "64") int batchSize) {
        return summarise(name, batchSize);
    }

    @GetMapping(path = "/{name}/summary", produces = MediaType.TEXT_PLAIN_VALUE)
    String summaryTable(@PathVariable String name, @RequestParam(defaultValue = "64") int batchSize) {
        return summarise(name, batchSize).toTable();
    }

    private static ModelSummary summarise(String name, int batchSize) {
        ModelArchitecture model = ModelArchitecture.byId(name).orElseThrow(() -> new ModelNotFoundException(name));
        if (batchSize < 1 || batchSize > 4096) {
            throw InvalidRequestException.of("batchSize", "must be between 1 and 4096 (was " + batchSize + ")");
        }
        return ModelSummary.of(model, batchSize);
    }
}
