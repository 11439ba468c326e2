package dev.trainyard.system;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Refuses a request whose declared body is larger than any the API accepts, with 413 problem details, before the
 * body is read or the token checked: JSON bodies up to 1 MiB (a job spec is a few hundred bytes), others (images
 * for prediction, at most 10 MiB) up to 11 MiB.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestSizeLimit extends OncePerRequestFilter {

    static final long MAX_JSON_BYTES = 1024 * 1024;
    static final long MAX_OTHER_BYTES = 11 * 1024 * 1024;

    private final JsonMapper json;

    RequestSizeLimit(JsonMapper json) {
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long length = request.getContentLengthLong();
        String type = request.getContentType();
        long limit = type != null && type.toLowerCase().contains("json") ? MAX_JSON_BYTES : MAX_OTHER_BYTES;
        if (length > limit) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONTENT_TOO_LARGE,
                    "The request body is " + length + " bytes; this API accepts at most " + limit + " bytes here.");
            problem.setTitle("Request too large");
            problem.setType(ProblemTypes.TOO_LARGE);
            problem.setInstance(URI.create(request.getRequestURI()));
            response.setStatus(HttpStatus.CONTENT_TOO_LARGE.value());
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            // the unread body is not worth receiving: close the connection instead of draining it
            response.setHeader("Connection", "close");
            json.writeValue(response.getOutputStream(), problem);
            return;
        }
        chain.doFilter(request, response);
    }
}
