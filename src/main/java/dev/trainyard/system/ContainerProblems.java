package dev.trainyard.system;

import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * The problem details for errors that the servlet container or a filter answers before any controller runs: one per
 * status, in the API's words. Nothing the client sent is echoed and no server detail is given, since these requests
 * are by definition ones the server could not read.
 */
public final class ContainerProblems {

    private ContainerProblems() {}

    /**
     * One answer.
     *
     * @param type   the problem type, as {@link ProblemTypes}
     * @param title  the status's reason phrase
     * @param detail what went wrong and what to do
     */
    public record Problem(int status, URI type, String title, String detail) {

        /** The problem as RFC 9457 JSON. */
        public byte[] json() {
            return ("{\"type\":\"" + type + "\",\"title\":\"" + title + "\",\"status\":" + status + ",\"detail\":\""
                            + detail.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
        }
    }

    /** The answer for {@code status}; statuses below 400 are treated as 500. */
    public static Problem forStatus(int status) {
        return switch (status) {
            case 400 ->
                new Problem(
                        400,
                        ProblemTypes.MALFORMED_REQUEST,
                        "Bad Request",
                        "The request could not be "
                                + "read: its request line, a header, its URL or its body is malformed or uses characters this API "
                                + "does not accept (control characters, encoded slashes, dot segments, NUL).");
            case 401 ->
                new Problem(
                        401,
                        ProblemTypes.UNAUTHORIZED,
                        "Unauthorized",
                        "A valid 'Authorization: Bearer <token>' header is required.");
            case 403 -> new Problem(403, ProblemTypes.FORBIDDEN, "Forbidden", "This token may not use this resource.");
            case 404 ->
                new Problem(
                        404,
                        ProblemTypes.NOT_FOUND,
                        "Not Found",
                        "There is nothing at this URL; the API " + "is under /api/v1 (see /v3/api-docs).");
            case 405 ->
                new Problem(
                        405,
                        ProblemTypes.METHOD_NOT_ALLOWED,
                        "Method Not Allowed",
                        "This URL does not accept this HTTP method; see /v3/api-docs for the ones it does.");
            case 406 ->
                new Problem(
                        406,
                        ProblemTypes.NOT_ACCEPTABLE,
                        "Not Acceptable",
                        "None of the media types in "
                                + "the Accept header can be produced here; leave it out to get JSON.");
            case 408 ->
                new Problem(
                        408,
                        ProblemTypes.TIMEOUT,
                        "Request Timeout",
                        "The request body did not arrive in time; send it again without pausing.");
            case 411 ->
                new Problem(
                        411,
                        ProblemTypes.MALFORMED_REQUEST,
                        "Length Required",
                        "A request with a body needs a Content-Length or chunked transfer encoding.");
            case 413 ->
                new Problem(
                        413,
                        ProblemTypes.TOO_LARGE,
                        "Content Too Large",
                        "The request body is larger than this API accepts here; send a smaller one.");
            case 414 ->
                new Problem(
                        414,
                        ProblemTypes.TOO_LARGE,
                        "URI Too Long",
                        "The URL is longer than this server " + "accepts.");
            case 415 ->
                new Problem(
                        415,
                        ProblemTypes.UNSUPPORTED,
                        "Unsupported Media Type",
                        "The body's Content-Type is not one this URL accepts.");
            case 417 ->
                new Problem(
                        417,
                        ProblemTypes.MALFORMED_REQUEST,
                        "Expectation Failed",
                        "The only Expect value this server honours is 100-continue.");
            case 431 ->
                new Problem(
                        431,
                        ProblemTypes.TOO_LARGE,
                        "Request Header Fields Too Large",
                        "The request's headers are larger than this server accepts.");
            case 501 ->
                new Problem(
                        501,
                        ProblemTypes.MALFORMED_REQUEST,
                        "Not Implemented",
                        "This server does not implement that HTTP method.");
            case 503 ->
                new Problem(
                        503,
                        ProblemTypes.UNAVAILABLE,
                        "Service Unavailable",
                        "The server cannot answer now; retry shortly.");
            case 505 -> new Problem(505, ProblemTypes.MALFORMED_REQUEST, "HTTP Version Not Supported", "Use HTTP/1.1.");
            default ->
                status >= 400 && status < 500
                        ? new Problem(status, ProblemTypes.MALFORMED_REQUEST, "Bad Request", "The request was refused.")
                        : new Problem(
                                Math.max(500, status),
                                ProblemTypes.SERVER_ERROR,
                                "Internal Server Error",
                                "The server failed to answer this request; the error is in its log. Retrying may help.");
        };
    }
}
