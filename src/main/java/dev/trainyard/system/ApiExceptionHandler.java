package dev.trainyard.system;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.core.exc.UnexpectedEndOfInputException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Maps every error to RFC 9457 problem details with a stable {@code type} per kind of problem, the request path
 * as {@code instance}, and a {@code detail} that says what to do next in the API's words: field names and limits,
 * never the server's classes, libraries or paths. Problems are written as {@code application/problem+json} whatever
 * the request's Accept header asks for, since an error must reach the client in some form.
 */
@RestControllerAdvice
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);
    private static final long DATABASE_RETRY_AFTER_SECONDS = 5;
    private static final Pattern DUPLICATE_FIELD = Pattern.compile("Duplicate Object property \"([^\"]{1,100})\"");

    private final JsonMapper json;

    ApiExceptionHandler(JsonMapper json) {
        this.json = json;
    }

    @ExceptionHandler(InvalidRequestException.class)
    ResponseEntity<Object> invalid(InvalidRequestException e, WebRequest request) {
        ProblemDetail problem =
                problem(HttpStatus.BAD_REQUEST, ProblemTypes.VALIDATION, "Invalid request", e.getMessage(), request);
        problem.setProperty("errors", e.violations());
        return send(problem, null, request);
    }

    @ExceptionHandler(NotFoundException.class)
    ResponseEntity<Object> notFound(NotFoundException e, WebRequest request) {
        return respond(HttpStatus.NOT_FOUND, ProblemTypes.NOT_FOUND, e.title(), e.getMessage(), request);
    }

    @ExceptionHandler(ConflictException.class)
    ResponseEntity<Object> conflict(ConflictException e, WebRequest request) {
        return respond(HttpStatus.CONFLICT, ProblemTypes.CONFLICT, e.title(), e.getMessage(), request);
    }

    @ExceptionHandler(UnprocessableRequestException.class)
    ResponseEntity<Object> unprocessable(UnprocessableRequestException e, WebRequest request) {
        return respond(
                HttpStatus.UNPROCESSABLE_CONTENT, ProblemTypes.UNPROCESSABLE, e.title(), e.getMessage(), request);
    }

    @ExceptionHandler(TooManyRequestsException.class)
    ResponseEntity<Object> tooMany(TooManyRequestsException e, WebRequest request) {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfterSeconds()));
        return send(
                problem(
                        HttpStatus.TOO_MANY_REQUESTS,
                        ProblemTypes.TOO_MANY_REQUESTS,
                        "Too many requests",
                        e.getMessage(),
                        request),
                headers,
                request);
    }

    @Override
    protected ResponseEntity<Object> handleMaxUploadSizeExceededException(
            MaxUploadSizeExceededException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return uploadTooLarge(request);
    }

    private ResponseEntity<Object> uploadTooLarge(WebRequest request) {
        return respond(
                HttpStatus.CONTENT_TOO_LARGE,
                ProblemTypes.TOO_LARGE,
                "Request too large",
                "the upload is larger than this API accepts (trainyard.http.max-image-body); send a smaller image",
                request);
    }

    @ExceptionHandler(MultipartException.class)
    ResponseEntity<Object> badMultipart(MultipartException e, WebRequest request) {
        if (causedBy(e, RequestBodies.BodyTooLargeException.class)) {
            return uploadTooLarge(request);
        }
        return respond(
                HttpStatus.BAD_REQUEST,
                ProblemTypes.MALFORMED_REQUEST,
                "Malformed request",
                "the multipart body cannot be read: send multipart/form-data with a boundary and one part named "
                        + "'image', or the image itself as the body with Content-Type image/png or image/jpeg",
                request);
    }

    /** A query string whose %-escapes or UTF-8 the container could not decode. */
    @ExceptionHandler(InvalidParameterException.class)
    ResponseEntity<Object> badQuery(InvalidParameterException e, WebRequest request) {
        return respond(
                HttpStatus.BAD_REQUEST,
                ProblemTypes.MALFORMED_REQUEST,
                "Malformed request",
                "the query string cannot be decoded: use %-escapes of UTF-8 bytes only",
                request);
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<Object> badParameter(MethodArgumentTypeMismatchException e, WebRequest request) {
        String expected = e.getRequiredType() == null ? "another value" : JsonProblems.describe(e.getRequiredType());
        ProblemDetail problem = problem(
                HttpStatus.BAD_REQUEST,
                ProblemTypes.VALIDATION,
                "Invalid request",
                "parameter '" + e.getName() + "' must be " + expected + " (was '" + ClientText.shown(e.getValue())
                        + "')",
                request);
        problem.setProperty("errors", List.of(new FieldViolation(e.getName(), "must be " + expected)));
        return send(problem, null, request);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(
            HttpMessageNotReadableException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        if (answeredAsBodyFailure(e, request)) {
            return null;
        }
        if (e.getCause() instanceof InvalidFormatException format
                && format.getTargetType() != null
                && format.getTargetType().isEnum()
                && format.getValue() instanceof String
                && !format.getPath().isEmpty()) {
            // well-formed JSON naming a value outside a closed set is invalid, not malformed, like any other value
            FieldViolation violation = new FieldViolation(
                    JsonProblems.path(format),
                    "must be " + JsonProblems.describe(format.getTargetType()) + " (was '"
                            + ClientText.shown(format.getValue()) + "')");
            ProblemDetail problem = problem(
                    HttpStatus.BAD_REQUEST,
                    ProblemTypes.VALIDATION,
                    "Invalid request",
                    violation.field() + " " + violation.message(),
                    request);
            problem.setProperty("errors", List.of(violation));
            return send(problem, null, request);
        }
        ProblemDetail problem = problem(
                HttpStatus.BAD_REQUEST, ProblemTypes.MALFORMED_REQUEST, "Malformed request", describe(e), request);
        if (e.getCause() instanceof DatabindException databind
                && !databind.getPath().isEmpty()) {
            problem.setProperty(
                    "errors", List.of(new FieldViolation(JsonProblems.path(databind), JsonProblems.reason(databind))));
        }
        return send(problem, null, request);
    }

    @Override
    protected ResponseEntity<Object> handleNoResourceFoundException(
            NoResourceFoundException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ContainerProblems.Problem notFound = ContainerProblems.forStatus(404);
        return respond(HttpStatus.NOT_FOUND, notFound.type(), notFound.title(), notFound.detail(), request);
    }

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(
            Exception e, Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ProblemDetail problem = body instanceof ProblemDetail detail
                ? detail
                : ProblemDetail.forStatusAndDetail(
                        status, ContainerProblems.forStatus(status.value()).detail());
        if (problem.getType() == null || "about:blank".equals(problem.getType().toString())) {
            problem.setType(ContainerProblems.forStatus(status.value()).type());
        }
        problem.setInstance(instance(request));
        return send(problem, headers, request);
    }

    /**
     * The database cannot be reached (or gave up on the connection): nothing was changed, and the request can be
     * repeated once it is back. The connection pool's timeout bounds how long this takes to answer.
     */
    @ExceptionHandler({
        DataAccessResourceFailureException.class,
        CannotCreateTransactionException.class,
        TransientDataAccessException.class
    })
    ResponseEntity<Object> databaseUnavailable(Exception e, WebRequest request) {
        log.warn("Database unavailable answering {}: {}", instance(request), e.getMessage());
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.RETRY_AFTER, Long.toString(DATABASE_RETRY_AFTER_SECONDS));
        return send(
                problem(
                        HttpStatus.SERVICE_UNAVAILABLE,
                        ProblemTypes.UNAVAILABLE,
                        "Service unavailable",
                        "The job database cannot be reached; nothing was changed. Retry after "
                                + DATABASE_RETRY_AFTER_SECONDS + " seconds.",
                        request),
                headers,
                request);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception e, WebRequest request) {
        if (answeredAsBodyFailure(e, request)) {
            return null;
        }
        log.error("Unexpected error answering {}", instance(request), e);
        return respond(
                HttpStatus.INTERNAL_SERVER_ERROR,
                ProblemTypes.SERVER_ERROR,
                "Internal error",
                "The server failed to answer this request; the error is in its log. Retrying may help.",
                request);
    }

    /**
     * Answers a body whose reading failed on the way ({@link RequestBodies}): over the limit (413) or too slow
     * (408).
     *
     * @return false for any other failure, which is left to the caller
     */
    private boolean answeredAsBodyFailure(Exception e, WebRequest request) {
        Throwable tooLarge = causeOf(e, RequestBodies.BodyTooLargeException.class);
        if (tooLarge != null) {
            respond(
                    HttpStatus.CONTENT_TOO_LARGE,
                    ProblemTypes.TOO_LARGE,
                    "Request too large",
                    tooLarge.getMessage(),
                    request);
            return true;
        }
        if (causedBy(e, SocketTimeoutException.class)) {
            send(
                    problem(
                            HttpStatus.REQUEST_TIMEOUT,
                            ProblemTypes.TIMEOUT,
                            "Request Timeout",
                            ContainerProblems.forStatus(408).detail(),
                            request),
                    closing(),
                    request);
            return true;
        }
        return false;
    }

    /** What was wrong with a body that could not be read, in the API's words. */
    private static String describe(HttpMessageNotReadableException e) {
        Throwable cause = e.getCause();
        if (cause instanceof UnrecognizedPropertyException unknown) {
            return "unknown field '" + ClientText.shown(JsonProblems.path(unknown)) + "'; accepted fields here: "
                    + unknown.getKnownPropertyIds().stream()
                            .map(Object::toString)
                            .sorted()
                            .collect(Collectors.joining(", "));
        }
        if (cause instanceof DatabindException databind && !databind.getPath().isEmpty()) {
            return "field '" + ClientText.shown(JsonProblems.path(databind)) + "' " + JsonProblems.reason(databind);
        }
        if (cause instanceof MismatchedInputException) {
            return "the body must be one JSON object, with the fields this URL accepts (see /v3/api-docs)";
        }
        if (cause instanceof StreamConstraintsException) {
            return "the JSON nests too deeply or holds a number, name or string longer than this API reads";
        }
        if (cause instanceof StreamReadException read) {
            Matcher duplicate = DUPLICATE_FIELD.matcher(String.valueOf(read.getOriginalMessage()));
            if (duplicate.find()) {
                return "field '" + ClientText.shown(duplicate.group(1)) + "' appears more than once in one object; "
                        + "send each field once";
            }
            return (cause instanceof UnexpectedEndOfInputException
                            ? "the body ends before its JSON does"
                            : "the body is not valid JSON")
                    + at(read.getLocation());
        }
        if (cause instanceof JacksonException) {
            return "the body is not valid JSON";
        }
        return "the request body is missing or unreadable; send a JSON object with Content-Type: application/json";
    }

    private static String at(TokenStreamLocation location) {
        return location == null || location.getLineNr() < 1
                ? ""
                : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        return causeOf(e, type) != null;
    }

    private static Throwable causeOf(Throwable e, Class<? extends Throwable> type) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return cause;
            }
        }
        return null;
    }

    private static HttpHeaders closing() {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.CONNECTION, "close");
        return headers;
    }

    private ResponseEntity<Object> respond(
            HttpStatus status, URI type, String title, String detail, WebRequest request) {
        return send(problem(status, type, title, detail, request), null, request);
    }

    /**
     * Writes the problem to the response as {@code application/problem+json} and ends the handling (null: the
     * response is written): not through content negotiation, which would answer nothing to a client whose Accept
     * header excludes JSON.
     */
    private ResponseEntity<Object> send(ProblemDetail problem, HttpHeaders headers, WebRequest request) {
        HttpServletResponse response = ((ServletWebRequest) request).getResponse();
        if (response == null || response.isCommitted()) {
            return null;
        }
        response.resetBuffer();
        response.setStatus(problem.getStatus());
        if (headers != null) {
            headers.forEach((name, values) -> values.forEach(value -> response.addHeader(name, value)));
        }
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        try {
            json.writeValue(response.getOutputStream(), problem);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return null;
    }

    private static ProblemDetail problem(HttpStatus status, URI type, String title, String detail, WebRequest request) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(type);
        problem.setTitle(title);
        problem.setInstance(instance(request));
        return problem;
    }

    private static URI instance(WebRequest request) {
        if (!(request instanceof ServletWebRequest servlet)) {
            return null;
        }
        String path = servlet.getRequest().getRequestURI();
        // why: a path is shown back only when it is plain ASCII that parses as a URI
        if (!path.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '"' && c != '\\')) {
            return null;
        }
        try {
            return URI.create(path);
        } catch (IllegalArgumentException notAUri) {
            return null;
        }
    }
}
