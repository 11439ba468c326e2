package dev.trainyard.system;

import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.stereotype.Component;

/** Documents the problem-details answers that every API operation can give, with one shared schema. */
@Component
class OpenApiProblems implements OpenApiCustomizer {

    private static final Map<String, String> ANSWERS = Map.of(
            "400", "Invalid or malformed request; nothing was changed",
            "401", "Missing or unknown bearer token",
            "404", "No such job for this token",
            "409", "Not possible in the job's current state",
            "408", "The request body did not arrive within trainyard.http.body-timeout; nothing was changed",
            "413",
                    "Request body too large (JSON over trainyard.http.max-json-body, 1 MB by default; images over "
                            + "trainyard.http.max-image-body, 10 MB); nothing was changed",
            "429",
                    "Over a limit of yours that frees up with time (queued jobs, open event streams, waiting long "
                            + "polls); nothing was changed; retry after the Retry-After header's seconds",
            "503",
                    "The job database cannot be reached; nothing was changed; retry after the Retry-After header's "
                            + "seconds");

    @Override
    public void customise(io.swagger.v3.oas.models.OpenAPI openApi) {
        openApi.getComponents()
                .addSchemas(
                        "Problem",
                        new Schema<>()
                                .type("object")
                                .description("RFC 9457 problem details")
                                .addProperty(
                                        "type", new Schema<>().type("string").format("uri"))
                                .addProperty("title", new Schema<>().type("string"))
                                .addProperty("status", new Schema<>().type("integer"))
                                .addProperty("detail", new Schema<>().type("string"))
                                .addProperty(
                                        "instance",
                                        new Schema<>().type("string").format("uri"))
                                .addProperty(
                                        "errors",
                                        new Schema<>()
                                                .type("array")
                                                .items(new Schema<>()
                                                        .type("object")
                                                        .addProperty("field", new Schema<>().type("string"))
                                                        .addProperty("message", new Schema<>().type("string")))));
        Content problem = new Content()
                .addMediaType(
                        "application/problem+json",
                        new MediaType().schema(new Schema<>().$ref("#/components/schemas/Problem")));
        openApi.getPaths()
                .forEach((path, item) -> item.readOperations().forEach(operation -> {
                    if (path.startsWith("/api/")) {
                        ANSWERS.forEach((status, description) -> operation
                                .getResponses()
                                .putIfAbsent(
                                        status,
                                        new ApiResponse()
                                                .description(description)
                                                .content(problem)));
                    }
                }));
    }
}
