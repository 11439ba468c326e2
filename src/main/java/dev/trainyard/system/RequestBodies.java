package dev.trainyard.system;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Locale;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Guards every request body before anything reads it, and before the token is checked:
 * <ul>
 *   <li>a body larger than the API accepts is refused (413), whether its {@code Content-Length} says so or the bytes
 *   read (a chunked body) reach the limit: JSON up to {@code trainyard.http.max-json-body}, images up to
 *   {@code trainyard.http.max-image-body};</li>
 *   <li>a JSON body is read whole here and must be well-formed UTF-8 (400 otherwise: overlong forms and lone
 *   surrogates included), so the JSON reader never sees ambiguous bytes;</li>
 *   <li>a body that takes longer than {@code trainyard.http.body-timeout} to arrive is answered 408 and its
 *   connection closed (each read also times out after {@code server.tomcat.connection-timeout}).</li>
 * </ul>
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class RequestBodies extends OncePerRequestFilter {

    private final HttpLimitsProperties limits;

    RequestBodies(HttpLimitsProperties limits) {
        this.limits = limits;
    }

    /** The bytes read of a body passed the limit; answered 413. */
    public static final class BodyTooLargeException extends IOException {
        BodyTooLargeException(long limit) {
            super("the request body is larger than " + DiskSpace.describe(limit) + ", the most this API accepts here");
        }
    }

    /** The body did not arrive within the body timeout; answered 408. */
    static final class BodyTimeoutException extends SocketTimeoutException {
        BodyTimeoutException() {
            super("the request body did not arrive in time");
        }
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        // why not refuse Transfer-Encoding with Content-Length: Tomcat already reads such a body by its chunks alone
        // and closes the connection after it, as RFC 9112 section 6.3 asks
        boolean chunked = request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
        long declared = request.getContentLengthLong();
        boolean json = isJson(request.getContentType());
        long limit =
                json ? limits.maxJsonBody().toBytes() : limits.maxImageBody().toBytes();
        if (declared > limit) {
            refuse(
                    response,
                    new ContainerProblems.Problem(
                            413,
                            ProblemTypes.TOO_LARGE,
                            "Content Too Large",
                            new BodyTooLargeException(limit).getMessage()));
            return;
        }
        if (declared <= 0 && !chunked) {
            chain.doFilter(request, response);
            return;
        }
        long deadline = System.nanoTime() + limits.bodyTimeout().toNanos();
        if (!json) {
            chain.doFilter(new LimitedBody(request, limit, deadline), response);
            return;
        }
        byte[] body;
        try {
            body = readWhole(new LimitedBody(request, limit, deadline).getInputStream());
        } catch (BodyTooLargeException e) {
            refuse(
                    response,
                    new ContainerProblems.Problem(413, ProblemTypes.TOO_LARGE, "Content Too Large", e.getMessage()));
            return;
        } catch (SocketTimeoutException e) {
            refuse(response, ContainerProblems.forStatus(408));
            return;
        } catch (IOException e) {
            refuse(response, malformed("the body ended before the length it declared"));
            return;
        }
        int malformedAt = firstMalformedUtf8(body);
        if (malformedAt >= 0) {
            refuse(
                    response,
                    malformed("the body is not well-formed UTF-8 (at byte " + malformedAt
                            + "); JSON must be sent as UTF-8"));
            return;
        }
        chain.doFilter(new BufferedBody(request, body), response);
    }

    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.toLowerCase(Locale.ROOT);
        int parameters = type.indexOf(';');
        String essence = (parameters < 0 ? type : type.substring(0, parameters)).strip();
        return essence.equals("application/json") || essence.endsWith("+json");
    }

    private static byte[] readWhole(ServletInputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }

    /** The offset of the first byte that is not well-formed UTF-8, or -1. */
    static int firstMalformedUtf8(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        // a decoder made by newDecoder() reports malformed input; UTF-8 never gives more chars than bytes
        CoderResult result = StandardCharsets.UTF_8.newDecoder().decode(in, CharBuffer.allocate(bytes.length), true);
        return result.isError() ? in.position() : -1;
    }

    private static ContainerProblems.Problem malformed(String detail) {
        return new ContainerProblems.Problem(400, ProblemTypes.MALFORMED_REQUEST, "Malformed request", detail);
    }

    private static void refuse(HttpServletResponse response, ContainerProblems.Problem problem) throws IOException {
        // the unread body is not worth receiving: close the connection instead of draining it
        response.setHeader(HttpHeaders.CONNECTION, "close");
        ProblemErrorController.write(response, problem);
    }

    /** The request with its body counted: past the limit or the deadline, reads fail. */
    private static final class LimitedBody extends HttpServletRequestWrapper {
        private final long limit;
        private final long deadline;
        private ServletInputStream limited;

        LimitedBody(HttpServletRequest request, long limit, long deadline) {
            super(request);
            this.limit = limit;
            this.deadline = deadline;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (limited == null) {
                limited = new CountingStream(super.getInputStream(), limit, deadline);
            }
            return limited;
        }
    }

    private static final class CountingStream extends ServletInputStream {
        private final ServletInputStream in;
        private final long limit;
        private final long deadline;
        private long read;

        CountingStream(ServletInputStream in, long limit, long deadline) {
            this.in = in;
            this.limit = limit;
            this.deadline = deadline;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (System.nanoTime() > deadline) {
                throw new BodyTimeoutException();
            }
            int count = in.read(buffer, offset, (int) Math.min(length, limit + 1 - read));
            if (count > 0) {
                read += count;
                if (read > limit) {
                    throw new BodyTooLargeException(limit);
                }
            }
            return count;
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }

    /** The request with its JSON body already read and checked. */
    private static final class BufferedBody extends HttpServletRequestWrapper {
        private final byte[] body;

        BufferedBody(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] buffer, int offset, int length) {
                    return in.read(buffer, offset, length);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new IllegalStateException("the body was read already");
                }
            };
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }

        @Override
        public String getHeader(String name) {
            return HttpHeaders.TRANSFER_ENCODING.equalsIgnoreCase(name)
                    ? null
                    : HttpHeaders.CONTENT_LENGTH.equalsIgnoreCase(name)
                            ? Integer.toString(body.length)
                            : super.getHeader(name);
        }

        @Override
        public java.util.Enumeration<String> getHeaders(String name) {
            String value = getHeader(name);
            if (HttpHeaders.TRANSFER_ENCODING.equalsIgnoreCase(name)
                    || HttpHeaders.CONTENT_LENGTH.equalsIgnoreCase(name)) {
                return value == null
                        ? Collections.emptyEnumeration()
                        : Collections.enumeration(java.util.List.of(value));
            }
            return super.getHeaders(name);
        }
    }
}
