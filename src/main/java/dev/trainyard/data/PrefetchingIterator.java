package dev.trainyard.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Runs a source iterator on its own thread, up to {@code depth} items ahead, so the trainer does not wait for
 * batch assembly. {@link #close()} stops the producer; a failure in the source is rethrown to the consumer, and an
 * interrupt of the consumer's wait ends it with {@link WaitInterruptedException}.
 */
public final class PrefetchingIterator<T> implements Iterator<T>, AutoCloseable {

    private static final Object END = new Object();

    private final BlockingQueue<Object> queue;
    private final Thread producer;
    private Object next;

    public PrefetchingIterator(Iterator<T> source, int depth, String threadName) {
        this.queue = new ArrayBlockingQueue<>(depth);
        this.producer = new Thread(() -> produce(source), threadName);
        this.producer.setDaemon(true);
        this.producer.start();
    }

    private void produce(Iterator<T> source) {
        try {
            while (source.hasNext()) {
                queue.put(source.next());
            }
            queue.put(END);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            queue.clear();
            queue.offer(new Failure(e));
        }
    }

    @Override
    public boolean hasNext() {
        if (next == null) {
            try {
                next = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new WaitInterruptedException(e);
            }
        }
        if (next instanceof Failure failure) {
            throw failure.cause();
        }
        return next != END;
    }

    @Override
    @SuppressWarnings("unchecked")
    public T next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        T item = (T) next;
        next = null;
        return item;
    }

    @Override
    public void close() {
        producer.interrupt();
    }

    private record Failure(RuntimeException cause) {}

    /**
     * The consumer's thread was interrupted while it waited for the next item; its interrupt flag is set again.
     * why unchecked: {@link Iterator#hasNext()} cannot throw {@link InterruptedException}.
     */
    public static final class WaitInterruptedException extends RuntimeException {
        WaitInterruptedException(InterruptedException cause) {
            super("interrupted while waiting for the next item", cause);
        }
    }
}
