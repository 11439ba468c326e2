package dev.trainyard;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 as bytes on a socket, for requests no HTTP client library would send: control characters, broken framing,
 * duplicate headers, bodies that stop halfway. Reads one response (by Content-Length, chunks, or to the close).
 */
public final class RawHttp {

    private final int port;

    public RawHttp(int port) {
        this.port = port;
    }

    /**
     * One response.
     *
     * @param status  0 when the server answered nothing before closing or timing out
     * @param headers lower-case names, the last value of each
     */
    public record Response(int status, Map<String, String> headers, String body, long millis) {

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** Sends {@code request} as it is and reads the answer, waiting at most {@code timeoutMillis} for each read. */
    public Response send(byte[] request, int timeoutMillis) {
        return send(request, null, 0, timeoutMillis);
    }

    /** Sends {@code head}, then {@code rest} after {@code pauseMillis} (null: nothing more), and reads the answer. */
    public Response send(byte[] head, byte[] rest, int pauseMillis, int timeoutMillis) {
        long start = System.nanoTime();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(timeoutMillis);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(head);
                out.flush();
            } catch (IOException closedByServer) {
                // the server answered (413, say) and closed before it read all the request
                return read(socket.getInputStream(), start);
            }
            if (rest != null) {
                Thread.sleep(pauseMillis);
                try {
                    out.write(rest);
                    out.flush();
                } catch (IOException closedByServer) {
                    // the server answered and closed before the rest was sent
                }
            }
            return read(socket.getInputStream(), start);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A request from its lines (CRLF added) and a body; {@code Content-Length} is not added. */
    public static byte[] request(String body, String... lines) {
        StringBuilder head = new StringBuilder();
        for (String line : lines) {
            head.append(line).append("\r\n");
        }
        head.append("\r\n");
        byte[] start = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] tail = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[start.length + tail.length];
        System.arraycopy(start, 0, all, 0, start.length);
        System.arraycopy(tail, 0, all, start.length, tail.length);
        return all;
    }

    private static Response read(InputStream in, long start) throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int headEnd = -1;
        try {
            while (headEnd < 0) {
                int read = in.read(buffer);
                if (read < 0) {
                    break;
                }
                raw.write(buffer, 0, read);
                headEnd = indexOf(raw.toByteArray(), "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            if (headEnd < 0) {
                return new Response(0, Map.of(), raw.toString(StandardCharsets.ISO_8859_1), elapsed(start));
            }
            byte[] bytes = raw.toByteArray();
            String head = new String(bytes, 0, headEnd, StandardCharsets.ISO_8859_1);
            String[] lines = head.split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(
                        lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).strip());
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.write(bytes, headEnd + 4, bytes.length - headEnd - 4);
            String length = headers.get("content-length");
            boolean chunked = "chunked".equalsIgnoreCase(headers.get("transfer-encoding"));
            while (status >= 200 && status != 204 && status != 304) {
                if (length != null && body.size() >= Long.parseLong(length)) {
                    break;
                }
                if (chunked && body.toString(StandardCharsets.ISO_8859_1).endsWith("0\r\n\r\n")) {
                    break;
                }
                int read = in.read(buffer);
                if (read < 0) {
                    break;
                }
                body.write(buffer, 0, read);
            }
            String text = chunked ? dechunk(body.toByteArray()) : body.toString(StandardCharsets.UTF_8);
            return new Response(status, headers, text, elapsed(start));
        } catch (SocketTimeoutException timeout) {
            return new Response(0, Map.of(), raw.toString(StandardCharsets.ISO_8859_1), elapsed(start));
        }
    }

    private static String dechunk(byte[] chunked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (at < chunked.length) {
            int lineEnd = indexOf(chunked, at, "\r\n".getBytes(StandardCharsets.ISO_8859_1));
            if (lineEnd < 0) {
                break;
            }
            int size = Integer.parseInt(new String(chunked, at, lineEnd - at, StandardCharsets.ISO_8859_1).strip(), 16);
            if (size == 0) {
                break;
            }
            out.write(chunked, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static long elapsed(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static int indexOf(byte[] data, byte[] pattern) {
        return indexOf(data, 0, pattern);
    }

    private static int indexOf(byte[] data, int from, byte[] pattern) {
        outer:
        for (int i = from; i <= data.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
