package dev.trainyard.events;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's open stream: what it watches, how far it got, and the messages on their way to it. The poller
 * thread decides what to send and moves the cursor; sender threads write, so a slow client never holds up the
 * poller or other clients. A client that falls {@code maxQueued} messages behind is disconnected; it reconnects
 * with {@code Last-Event-ID} and misses no recorded event.
 */
final class EventStream {

    private static final Logger log = LoggerFactory.getLogger(EventStream.class);

    /** Queued after a stream's last message: the sender closes the stream once everything before it is written. */
    private static final StreamEvent CLOSE = new StreamEvent(null, null, null);

    private final String owner;
    private final boolean admin;
    private final UUID jobId;
    private final EventSender sender;
    private final Runnable complete;
    private final Executor senders;
    private final int maxQueued;
    private final Runnable onClose;

    private final Queue<StreamEvent> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean sending = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    /** Moved by the poller thread only. */
    private long seq;

    private long steps;
    private String lastEtag;
    private final Map<UUID, Long> versions = new HashMap<>();

    /**
     * @param jobId    the job watched, or null for every job the owner may see
     * @param complete ends the HTTP response
     * @param onClose  takes the stream off the poller's list
     */
    EventStream(
            String owner,
            boolean admin,
            UUID jobId,
            EventCursor from,
            EventSender sender,
            Runnable complete,
            Executor senders,
            int maxQueued,
            Runnable onClose) {
        this.owner = owner;
        this.admin = admin;
        this.jobId = jobId;
        this.seq = from.seq();
        this.steps = from.steps();
        this.sender = sender;
        this.complete = complete;
        this.senders = senders;
        this.maxQueued = maxQueued;
        this.onClose = onClose;
    }

    String owner() {
        return owner;
    }

    UUID jobId() {
        return jobId;
    }

    /** The owner whose events a stream of every job shows; null for an admin's, which shows everyone's. */
    String ownerShown() {
        return admin ? null : owner;
    }

    /** Whether this stream shows the events of a job of {@code jobOwner}. */
    boolean sees(UUID job, String jobOwner) {
        return jobId != null ? jobId.equals(job) : admin || owner.equals(jobOwner);
    }

    long seq() {
        return seq;
    }

    void seq(long seq) {
        this.seq = seq;
    }

    long steps() {
        return steps;
    }

    void steps(long steps) {
        this.steps = steps;
    }

    /** The ETag of the watched job when its last progress event was sent. */
    String lastEtag() {
        return lastEtag;
    }

    void lastEtag(String etag) {
        this.lastEtag = etag;
    }

    /** The version of each running job when its last progress event went out, for a stream of every job. */
    Map<UUID, Long> versions() {
        return versions;
    }

    String currentId() {
        EventCursor cursor = new EventCursor(seq, steps);
        return jobId == null ? cursor.allJobsStreamId() : cursor.jobStreamId();
    }

    /** Queues a message; past {@code maxQueued} the client is too slow and is disconnected. */
    void send(StreamEvent event) {
        if (closed.get()) {
            return;
        }
        if (queued.incrementAndGet() > maxQueued) {
            log.info("Closing an event stream of {}: it is {} messages behind", owner, maxQueued);
            close();
            return;
        }
        queue.add(event);
        drainLater();
    }

    /** Sends {@code last}, then ends the stream. */
    void finish(StreamEvent last) {
        onClose.run();
        send(last);
        queue.add(CLOSE);
        drainLater();
    }

    /** Ends the stream now; what is still queued is dropped. */
    void close() {
        if (closed.compareAndSet(false, true)) {
            onClose.run();
            queue.clear();
            try {
                complete.run();
            } catch (RuntimeException e) {
                // a response that already failed (the client went away) refuses to be completed; nothing is left to end
                log.debug("An event stream of {} was already broken: {}", owner, e.getMessage());
            }
        }
    }

    private void drainLater() {
        if (sending.compareAndSet(false, true)) {
            try {
                senders.execute(this::drain);
            } catch (RejectedExecutionException e) {
                sending.set(false);
                close();
            }
        }
    }

    /** Writes what is queued in one go (one flush for a round's events), then ends the stream if that was its last. */
    private void drain() {
        try {
            List<StreamEvent> batch = new ArrayList<>();
            boolean last = false;
            for (StreamEvent event; !closed.get() && (event = queue.poll()) != null; ) {
                if (event == CLOSE) {
                    last = true;
                    break;
                }
                queued.decrementAndGet();
                batch.add(event);
            }
            if (!batch.isEmpty() && !closed.get()) {
                sender.send(batch);
            }
            if (last) {
                close();
                return;
            }
        } catch (IOException | RuntimeException gone) {
            close();
        } finally {
            sending.set(false);
        }
        if (!closed.get() && !queue.isEmpty()) {
            drainLater();
        }
    }
}
