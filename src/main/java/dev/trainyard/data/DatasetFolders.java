package dev.trainyard.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code <data-dir>/datasets/}, the one place dataset files are read from. A folder a client names is resolved
 * against it, and every file trainyard lists or opens for a dataset (class folders, images, CIFAR-10's files) is
 * confined to it by its real path: links are followed and {@code ..} resolved by the file system, never by cleaning
 * the string, so {@code a/../../x}, absolute paths and links that point out, at any depth, are all caught the same
 * way, at submission and again when the file is read. Paths in messages are relative to the datasets folder.
 */
final class DatasetFolders {

    private final Path root;

    DatasetFolders(Path root) {
        this.root = root;
    }

    /** A dataset file or folder that resolves outside the datasets folder. */
    static final class EscapeException extends IOException {
        EscapeException(String shown) {
            super(shown + " links outside the datasets folder; datasets may only use files inside it");
        }
    }

    /**
     * The real folder for {@code relative}, or a reason it is refused.
     *
     * @return the folder, or empty with the reason written to {@code problem}
     */
    Optional<Path> resolve(String relative, StringBuilder problem) {
        try {
            Path requested = Path.of(relative);
            if (requested.isAbsolute()) {
                problem.append("must be relative to the datasets folder, not absolute");
                return Optional.empty();
            }
            Path rootReal = root.toRealPath();
            Path candidate = rootReal.resolve(requested);
            if (!Files.exists(candidate)) {
                problem.append("does not exist under the datasets folder");
                return Optional.empty();
            }
            Path real = candidate.toRealPath();
            if (!real.startsWith(rootReal) || real.equals(rootReal)) {
                problem.append("resolves outside the datasets folder; name a folder inside it");
                return Optional.empty();
            }
            if (!Files.isDirectory(real)) {
                problem.append("is not a folder");
                return Optional.empty();
            }
            return Optional.of(real);
        } catch (InvalidPathException e) {
            problem.append("is not a valid path");
        } catch (IOException e) {
            problem.append("cannot be read");
        }
        return Optional.empty();
    }

    /** The real path of a dataset file, which must lie inside the datasets folder. */
    Path confine(Path path) throws IOException {
        Path rootReal = root.toRealPath();
        Path real = path.toRealPath();
        if (!real.startsWith(rootReal) || real.equals(rootReal)) {
            throw new EscapeException(shown(path));
        }
        return real;
    }

    /** Opens a dataset file, confined as {@link #confine} says; the file itself may not be a link at that moment. */
    InputStream open(Path file) throws IOException {
        return Files.newInputStream(confine(file), LinkOption.NOFOLLOW_LINKS);
    }

    byte[] readAllBytes(Path file) throws IOException {
        try (InputStream in = open(file)) {
            return in.readAllBytes();
        }
    }

    /** How a path is named in messages: relative to the datasets folder. */
    String shown(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        Path base = root.toAbsolutePath().normalize();
        return "'" + (absolute.startsWith(base) ? base.relativize(absolute).toString() : path.getFileName()) + "'";
    }
}
