package dev.trainyard.system;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The container's error page ({@code /error}, where requests end that failed outside a controller: a filter, the
 * security firewall, a body that could not be read): problem details in place of Spring Boot's default error JSON,
 * whatever the request's Accept header.
 */
@RestController
class ProblemErrorController implements ErrorController {

    @RequestMapping("/error")
    void error(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer value ? value : response.getStatus();
        write(response, ContainerProblems.forStatus(status < 400 ? 500 : status));
    }

    static void write(HttpServletResponse response, ContainerProblems.Problem problem) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        byte[] body = problem.json();
        response.resetBuffer();
        response.setStatus(problem.status());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
