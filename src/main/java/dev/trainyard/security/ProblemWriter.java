package dev.trainyard.security;

import dev.trainyard.system.ContainerProblems;
import dev.trainyard.system.ProblemTypes;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import tools.jackson.databind.json.JsonMapper;

/**
 * Answers the security filters' refusals as problem details, like every other API error: 401, 403, a request the
 * firewall rejects (encoded slashes, dot segments, NUL, ...) and one with two Authorization headers (400).
 */
class ProblemWriter implements AuthenticationEntryPoint, AccessDeniedHandler, RequestRejectedHandler {

    private final JsonMapper json;

    ProblemWriter(JsonMapper json) {
        this.json = json;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException exception)
            throws IOException {
        response.setHeader("WWW-Authenticate", "Bearer");
        write(
                request,
                response,
                HttpStatus.UNAUTHORIZED,
                ProblemTypes.UNAUTHORIZED,
                "A valid 'Authorization: Bearer <token>' header is required. Without configured tokens, the admin "
                        + "token is in <data-dir>/admin.token.");
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException exception)
            throws IOException {
        write(
                request,
                response,
                HttpStatus.FORBIDDEN,
                ProblemTypes.FORBIDDEN,
                "This token may not use " + request.getRequestURI() + "; it needs an admin token.");
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, RequestRejectedException exception)
            throws IOException {
        write(
                request,
                response,
                HttpStatus.BAD_REQUEST,
                ProblemTypes.MALFORMED_REQUEST,
                ContainerProblems.forStatus(400).detail());
    }

    void twoAuthorizationHeaders(HttpServletRequest request, HttpServletResponse response) throws IOException {
        write(
                request,
                response,
                HttpStatus.BAD_REQUEST,
                ProblemTypes.MALFORMED_REQUEST,
                "Send one Authorization header; this request has several.");
    }

    private void write(
            HttpServletRequest request, HttpServletResponse response, HttpStatus status, URI type, String detail)
            throws IOException {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(type);
        if (request.getRequestURI().chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            try {
                problem.setInstance(URI.create(request.getRequestURI()));
            } catch (IllegalArgumentException notAUri) {
                // a rejected request's path is not shown back
            }
        }
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), problem);
    }
}
