package dev.trainyard.system;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Opaque page cursors: the sequence number of the last item on a page (a job, an experiment), so pages stay stable while items arrive. */
public final class PageCursor {

    private static final String PREFIX = "seq:";

    private PageCursor() {}

    public static String encode(long seq) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString((PREFIX + seq).getBytes(StandardCharsets.US_ASCII));
    }

    public static Long decode(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
            if (text.startsWith(PREFIX)) {
                return Long.parseLong(text.substring(PREFIX.length()));
            }
        } catch (IllegalArgumentException e) {
            // falls through to the error below
        }
        throw InvalidRequestException.of(
                "cursor",
                "is not a cursor this server issued; use the nextCursor of a "
                        + "previous page, or leave it out for the first page");
    }
}
