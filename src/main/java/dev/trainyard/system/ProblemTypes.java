package dev.trainyard.system;

import java.net.URI;

/** The stable {@code type} URI of each kind of problem the API reports (RFC 9457). */
public final class ProblemTypes {

    public static final URI VALIDATION = of("validation");
    public static final URI MALFORMED_REQUEST = of("malformed-request");
    public static final URI UNAUTHORIZED = of("unauthorized");
    public static final URI FORBIDDEN = of("forbidden");
    public static final URI NOT_FOUND = of("not-found");
    public static final URI METHOD_NOT_ALLOWED = of("method-not-allowed");
    public static final URI NOT_ACCEPTABLE = of("not-acceptable");
    public static final URI TIMEOUT = of("timeout");
    public static final URI CONFLICT = of("conflict");
    public static final URI UNSUPPORTED = of("unsupported");
    public static final URI TOO_LARGE = of("too-large");
    public static final URI UNPROCESSABLE = of("unprocessable");
    public static final URI TOO_MANY_REQUESTS = of("too-many-requests");
    public static final URI UNAVAILABLE = of("unavailable");
    public static final URI SERVER_ERROR = of("server-error");

    private ProblemTypes() {}

    private static URI of(String kind) {
        return URI.create("urn:trainyard:problem:" + kind);
    }
}
