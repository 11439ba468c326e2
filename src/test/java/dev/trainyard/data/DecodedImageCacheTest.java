package dev.trainyard.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainyard.SettableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecodedImageCacheTest {

    @TempDir
    Path temp;

    private Path images;
    private Path cacheFolder;
    private final AtomicInteger decodes = new AtomicInteger();
    private final SettableClock clock = SettableClock.startingNow();

    @BeforeEach
    void fixture() throws IOException {
        images = ImageFolderFixture.write(temp.resolve("fruit"), 4, 3);
        cacheFolder = temp.resolve("cache");
    }

    private LabeledImages read(DecodedImageCache cache, Path folder) throws IOException {
        ImageFolder imageFolder = ImageFolderTest.folder(folder);
        return cache.read(imageFolder.list(imageFolder.classNames(), null), listing -> {
            decodes.incrementAndGet();
            return imageFolder.decode(listing);
        });
    }

    @Test
    void secondReadOfTheSameFilesComesFromTheCacheWithTheSamePixels() throws IOException {
        DecodedImageCache cache = new DecodedImageCache(cacheFolder, 4, clock);

        LabeledImages first = read(cache, images);
        LabeledImages second = read(cache, images);

        assertThat(decodes).hasValue(1);
        assertThat(second.pixels()).isEqualTo(first.pixels());
        assertThat(second.labels()).isEqualTo(first.labels());
        assertThat(second.count()).isEqualTo(12);
        assertThat(second.classes()).isEqualTo(ImageFolderFixture.CLASSES);
    }

    @Test
    void aChangedImageIsDecodedAgain() throws IOException {
        DecodedImageCache cache = new DecodedImageCache(cacheFolder, 4, clock);
        read(cache, images);
        Path changed = images.resolve("banana/0001.jpg");
        Files.setLastModifiedTime(
                changed, FileTime.fromMillis(Files.getLastModifiedTime(changed).toMillis() + 5_000));

        read(cache, images);

        assertThat(decodes).hasValue(2);
    }

    @Test
    void aTruncatedEntryIsDecodedAgainAndReplaced() throws IOException {
        DecodedImageCache cache = new DecodedImageCache(cacheFolder, 4, clock);
        LabeledImages original = read(cache, images);
        Path entry = entries().get(0);
        byte[] whole = Files.readAllBytes(entry);
        Files.write(entry, java.util.Arrays.copyOf(whole, whole.length / 2));

        LabeledImages again = read(cache, images);
        LabeledImages cached = read(cache, images);

        assertThat(decodes).hasValue(2);
        assertThat(again.pixels()).isEqualTo(original.pixels());
        assertThat(cached.pixels()).isEqualTo(original.pixels());
    }

    @Test
    void keepsOnlyTheMostRecentlyUsedEntries() throws IOException {
        DecodedImageCache cache = new DecodedImageCache(cacheFolder, 2, clock);
        Path other = ImageFolderFixture.write(temp.resolve("other"), 2, 5);
        Path third = ImageFolderFixture.write(temp.resolve("third"), 3, 7);

        read(cache, images);
        clock.advance(Duration.ofSeconds(1));
        read(cache, other);
        clock.advance(Duration.ofSeconds(1));
        read(cache, third);

        assertThat(entries()).hasSize(2);
        clock.advance(Duration.ofSeconds(1));
        read(cache, third);
        assertThat(decodes).as("the newest entry is kept").hasValue(3);
        clock.advance(Duration.ofSeconds(1));
        read(cache, other);
        assertThat(decodes).as("so is the one used before it").hasValue(3);
        clock.advance(Duration.ofSeconds(1));
        read(cache, images);
        assertThat(decodes).as("the least recently used one went").hasValue(4);
    }

    private List<Path> entries() throws IOException {
        try (Stream<Path> files = Files.list(cacheFolder)) {
            return files.filter(file -> file.toString().endsWith(".images")).toList();
        }
    }
}
