package dev.trainyard.system;

import java.net.URI;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Maps every error to RFC 9457 problem details with a stable {@code type} per kind of problem, the request path
 * as {@code instance}, and a {@code detail} that says what to do next.
 */
@RestControllerAdvice
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);
    private static final long DATABASE_RETRY_AFTER_SECONDS = 5;

    @ExceptionHandler(InvalidRequestException.class)
    ResponseEntity<Object> invalid(InvalidRequestException e, WebRequest request) {
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, ProblemTypes.VALIDATION, "Invalid request",
                e.getMessage(), request);
        problem.setProperty("errors", e.violations());
        return ResponseEntity.badRequest().body(problem);
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
        return respond(HttpStatus.UNPROCESSABLE_CONTENT, ProblemTypes.UNPROCESSABLE, e.title(), e.getMessage(),
                request);
    }

    @ExceptionHandler(TooManyRequestsException.class)
    ResponseEntity<Object> tooMany(TooManyRequestsException e, WebRequest request) {
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfterSeconds()))
                .body(problem(HttpStatus.TOO_MANY_REQUESTS, ProblemTypes.TOO_MANY_REQUESTS, "Too many requests",
                        e.getMessage(), request));
    }

    @ExceptionHandler(PayloadTooLargeException.class)
    ResponseEntity<Object> tooLarge(PayloadTooLargeException e, WebRequest request) {
        return respond(HttpStatus.CONTENT_TOO_LARGE, ProblemTypes.TOO_LARGE, "Request too large", e.getMessage(),
                request);
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<Object> badParameter(MethodArgumentTypeMismatchException e, WebRequest request) {
        String expected = e.getRequiredType() == null ? "another value" : describe(e.getRequiredType());
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, ProblemTypes.VALIDATION, "Invalid request",
                "parameter '" + e.getName() + "' must be " + expected + " (was '" + e.getValue() + "')", request);
        problem.setProperty("errors", List.of(new FieldViolation(e.getName(), "must be " + expected)));
        return ResponseEntity.badRequest().body(problem);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e,
                                                                  HttpHeaders headers, HttpStatusCode status,
                                                                  WebRequest request) {
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, ProblemTypes.MALFORMED_REQUEST, "Malformed request",
                describe(e), request);
        if (e.getCause() instanceof DatabindException databind && !databind.getPath().isEmpty()) {
            problem.setProperty("errors", List.of(new FieldViolation(path(databind), reason(databind))));
        }
        return ResponseEntity.badRequest().body(problem);
    }

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception e, Object body, HttpHeaders headers,
                                                             HttpStatusCode status, WebRequest request) {
        if (body instanceof ProblemDetail problem) {
            if (problem.getType() == null || "about:blank".equals(problem.getType().toString())) {
                problem.setType(status.is4xxClientError() ? ProblemTypes.MALFORMED_REQUEST : ProblemTypes.SERVER_ERROR);
            }
            problem.setInstance(instance(request));
        }
        return super.handleExceptionInternal(e, body, headers, status, request);
    }

    /**
     * The database cannot be reached (or gave up on the connection): nothing was changed, and the request can be
     * repeated once it is back. The connection pool's timeout bounds how long this takes to answer.
     */
    @ExceptionHandler({DataAccessResourceFailureException.class, CannotCreateTransactionException.class,
            TransientDataAccessException.class})
    ResponseEntity<Object> databaseUnavailable(Exception e, WebRequest request) {
        log.warn("Database unavailable answering {}: {}", instance(request), e.getMessage());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(DATABASE_RETRY_AFTER_SECONDS))
                .body(problem(HttpStatus.SERVICE_UNAVAILABLE, ProblemTypes.UNAVAILABLE, "Service unavailable",
                        "The job database cannot be reached; nothing was changed. Retry after "
                                + DATABASE_RETRY_AFTER_SECONDS + " seconds.", request));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception e, WebRequest request) {
        log.error("Unexpected error answering {}", instance(request), e);
        return respond(HttpStatus.INTERNAL_SERVER_ERROR, ProblemTypes.SERVER_ERROR, "Internal error",
                "The server failed to answer this request; the error is in its log. Retrying may help.", request);
    }

    private static String describe(HttpMessageNotReadableException e) {
        Throwable cause = e.getCause();
        if (cause instanceof UnrecognizedPropertyException unknown) {
            return "unknown field '" + path(unknown) + "'; accepted fields here: "
                    + unknown.getKnownPropertyIds().stream().map(Object::toString).sorted()
                    .collect(Collectors.joining(", "));
        }
        if (cause instanceof DatabindException databind && !databind.getPath().isEmpty()) {
            return "field '" + path(databind) + "' " + reason(databind);
        }
        if (cause instanceof JacksonException) {
            return "the body is not valid JSON: " + ((JacksonException) cause).getOriginalMessage();
        }
        return "the request body is missing or unreadable; send a JSON object with Content-Type: application/json";
    }

    private static String reason(DatabindException e) {
        if (e instanceof UnrecognizedPropertyException) {
            return "is not a known field";
        }
        if (e instanceof InvalidFormatException format) {
            return "must be " + describe(format.getTargetType()) + " (was " + format.getValue() + ")";
        }
        if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            return "must be " + describe(mismatch.getTargetType());
        }
        return "has the wrong type";
    }

    private static String describe(Class<?> type) {
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (type == Double.class || type == double.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type.isEnum()) {
            return "one of " + java.util.Arrays.toString(type.getEnumConstants());
        }
        if (type == java.util.UUID.class) {
            return "a job id (UUID)";
        }
        return "an object";
    }

    private static String path(DatabindException e) {
        StringBuilder path = new StringBuilder();
        for (var reference : e.getPath()) {
            if (reference.getPropertyName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private ResponseEntity<Object> respond(HttpStatus status, URI type, String title, String detail,
                                           WebRequest request) {
        return ResponseEntity.status(status).body(problem(status, type, title, detail, request));
    }

    private static ProblemDetail problem(HttpStatus status, URI type, String title, String detail,
                                         WebRequest request) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(type);
        problem.setTitle(title);
        problem.setInstance(instance(request));
        return problem;
    }

    private static URI instance(WebRequest request) {
        return request instanceof ServletWebRequest servlet ? URI.create(servlet.getRequest().getRequestURI()) : null;
    }
}
