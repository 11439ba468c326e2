package dev.trainyard.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Resolves a folder a client names against {@code <data-dir>/datasets/} and refuses anything that ends up outside
 * it. The check is made on the real path (links followed, {@code ..} resolved by the file system), never by cleaning
 * the string, so {@code a/../../x}, absolute paths and links that point out are all caught the same way.
 */
final class DatasetFolders {

    private final Path root;

    DatasetFolders(Path root) {
        this.root = root;
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
                problem.append("does not exist under the datasets folder (").append(rootReal).append(')');
                return Optional.empty();
            }
            Path real = candidate.toRealPath();
            if (!real.startsWith(rootReal) || real.equals(rootReal)) {
                problem.append("resolves outside the datasets folder; name a folder inside ").append(rootReal);
                return Optional.empty();
            }
            if (!Files.isDirectory(real)) {
                problem.append("is not a folder");
                return Optional.empty();
            }
            return Optional.of(real);
        } catch (InvalidPathException e) {
            problem.append("is not a valid path: ").append(e.getReason());
        } catch (IOException e) {
            problem.append("cannot be read: ").append(e.getClass().getSimpleName());
        }
        return Optional.empty();
    }
}
