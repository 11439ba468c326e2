package dev.trainyard.data;

import dev.trainyard.system.AtomicFiles;
import dev.trainyard.system.Sha256;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decoded image folders kept on disk, so that every job after the first on the same images (and a resumed job) reads
 * 3 KB of pixels per image instead of decoding every file again. An entry is keyed by what it was decoded from: each
 * file's real path, size, modification time and label, so an edited, added or removed image makes a new entry. Only
 * the {@code keep} most recently used entries stay. Entries are written to a temporary file and renamed into place; an
 * entry that does not read back whole is decoded again.
 */
final class DecodedImageCache {

    /** Decoder of a listing, the work the cache saves. */
    interface Decoder {
        LabeledImages decode(ImageFolder.Listing listing) throws IOException;
    }

    private static final Logger log = LoggerFactory.getLogger(DecodedImageCache.class);
    private static final int MAGIC = 0x54594443;
    /** why: part of the key, so entries written by a decoder that scaled differently are never read. */
    private static final int FORMAT = 1;

    private static final String SUFFIX = ".images";
    /** why: another job may be writing an entry right now; a temporary file this old was left by a crash. */
    private static final Duration UNFINISHED_WRITE_AGE = Duration.ofHours(1);

    private final Path folder;
    private final int keep;
    private final Clock clock;

    /** @param clock the time an entry is marked with when it is written or read: its last use, for pruning */
    DecodedImageCache(Path folder, int keep, Clock clock) {
        this.folder = folder;
        this.keep = keep;
        this.clock = clock;
    }

    LabeledImages read(ImageFolder.Listing listing, Decoder decoder) throws IOException {
        Path entry = folder.resolve(key(listing) + SUFFIX);
        if (Files.isRegularFile(entry)) {
            try {
                LabeledImages images = readEntry(entry, listing);
                markUsed(entry);
                return images;
            } catch (IOException e) {
                log.warn("Decoding again: the cached images in {} are unreadable ({})", entry, e.getMessage());
            }
        }
        LabeledImages images = decoder.decode(listing);
        try {
            write(entry, images);
            markUsed(entry);
            prune();
        } catch (IOException e) {
            log.warn(
                    "Could not cache the decoded images in {} ({}); the next job decodes them again",
                    folder,
                    e.getMessage());
        }
        return images;
    }

    static String key(ImageFolder.Listing listing) throws IOException {
        MessageDigest digest = Sha256.digest();
        digest.update(("format " + FORMAT + " side " + ImageFolder.SIDE + " classes " + listing.classes() + "\n")
                .getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < listing.count(); i++) {
            Path file = listing.files().get(i);
            digest.update((file.toRealPath() + ":" + Files.size(file) + ":"
                            + Files.getLastModifiedTime(file).toMillis() + ":" + listing.labels()[i] + "\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        return Sha256.hex(digest);
    }

    private static LabeledImages readEntry(Path entry, ImageFolder.Listing listing) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(entry), 1 << 16))) {
            if (in.readInt() != MAGIC || in.readInt() != FORMAT) {
                throw new IOException("not a cache entry of format " + FORMAT);
            }
            int count = in.readInt();
            int channels = in.readInt();
            int height = in.readInt();
            int width = in.readInt();
            if (count != listing.count()) {
                throw new IOException("holds " + count + " images, expected " + listing.count());
            }
            byte[] labels = new byte[count];
            in.readFully(labels);
            byte[] pixels = new byte[Math.multiplyExact(count, channels * height * width)];
            in.readFully(pixels);
            if (in.read() != -1) {
                throw new IOException("has trailing bytes");
            }
            return new LabeledImages(pixels, labels, count, channels, height, width, listing.classes());
        }
    }

    private void write(Path entry, LabeledImages images) throws IOException {
        AtomicFiles.write(entry, partial -> {
            try (DataOutputStream out =
                    new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(partial), 1 << 16))) {
                out.writeInt(MAGIC);
                out.writeInt(FORMAT);
                out.writeInt(images.count());
                out.writeInt(images.channels());
                out.writeInt(images.height());
                out.writeInt(images.width());
                out.write(images.labels());
                out.write(images.pixels());
            }
        });
    }

    /** Keeps the {@code keep} most recently used entries, and removes writes a crash left unfinished. */
    private void prune() throws IOException {
        List<Path> entries;
        FileTime unfinishedBefore = FileTime.from(clock.instant().minus(UNFINISHED_WRITE_AGE));
        try (Stream<Path> files = Files.list(folder)) {
            entries = new ArrayList<>();
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(SUFFIX)) {
                    entries.add(file);
                } else if (name.startsWith(AtomicFiles.TEMPORARY_PREFIX)
                        && lastModified(file).compareTo(unfinishedBefore) < 0) {
                    Files.deleteIfExists(file);
                }
            }
        }
        entries.sort(Comparator.comparing(DecodedImageCache::lastModified).reversed());
        for (Path stale : entries.subList(Math.min(keep, entries.size()), entries.size())) {
            Files.deleteIfExists(stale);
        }
    }

    private void markUsed(Path entry) throws IOException {
        Files.setLastModifiedTime(entry, FileTime.from(clock.instant()));
    }

    private static FileTime lastModified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }
}
