package dev.trainyard.data;

/** The dataset's files are neither on disk nor downloadable; the message says where to put them. */
public class DatasetUnavailableException extends RuntimeException {

    public DatasetUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
