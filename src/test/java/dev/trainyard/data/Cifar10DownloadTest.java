package dev.trainyard.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.trainyard.TestServer;
import dev.trainyard.system.DataDirectory;
import dev.trainyard.system.TrainyardProperties;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real download code against a local HTTP server that serves a generated cifar-10-binary.tar.gz. */
class Cifar10DownloadTest {

    private HttpServer server;
    private byte[] archive;
    private final AtomicInteger downloads = new AtomicInteger();
    private final Path dataDir = TestServer.newDataDir();

    @BeforeEach
    void serveArchive() throws Exception {
        archive = tarGz(20, 10);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/cifar-10-binary.tar.gz", exchange -> {
            downloads.incrementAndGet();
            exchange.sendResponseHeaders(200, archive.length);
            exchange.getResponseBody().write(archive);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private DatasetCatalog catalog(URI url, String sha256) {
        return new DatasetCatalog(
                new DataDirectory(new TrainyardProperties(dataDir)),
                new Cifar10Properties(url, sha256, Duration.ofSeconds(30)),
                new DecodedCacheProperties(4),
                new ImageDecoder(new ImageProperties(25_000_000)),
                Clock.systemUTC());
    }

    private URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/cifar-10-binary.tar.gz");
    }

    @Test
    void missingDatasetIsDownloadedCheckedAndUnpackedOnce() throws Exception {
        DatasetCatalog catalog = catalog(url(), sha256(archive));

        TrainTestSplit split = catalog.load(new DatasetChoice.Cifar10(null, null, 0));
        catalog.load(new DatasetChoice.Cifar10(30, 5, 0));

        assertThat(split.train().count()).isEqualTo(100);
        assertThat(split.test().count()).isEqualTo(10);
        assertThat(downloads).hasValue(1);
        assertThat(dataDir.resolve("datasets/cifar-10-batches-bin/test_batch.bin"))
                .isRegularFile();
        try (var leftovers = Files.list(dataDir.resolve("datasets"))) {
            assertThat(leftovers)
                    .extracting(path -> path.getFileName().toString())
                    .containsExactly("cifar-10-batches-bin");
        }
    }

    @Test
    void archiveWithTheWrongChecksumIsDiscarded() {
        DatasetCatalog catalog = catalog(url(), "0".repeat(64));

        assertThatThrownBy(() -> catalog.load(new DatasetChoice.Cifar10(null, null, 0)))
                .isInstanceOf(DatasetUnavailableException.class)
                .hasMessageContaining("SHA-256");
        assertThat(dataDir.resolve("datasets/cifar-10-batches-bin")).doesNotExist();
    }

    @Test
    void unreachableSourceSaysWhereToPutTheFiles() {
        DatasetCatalog catalog = catalog(URI.create("http://127.0.0.1:9/cifar-10-binary.tar.gz"), sha256(archive));

        assertThatThrownBy(() -> catalog.load(new DatasetChoice.Cifar10(null, null, 0)))
                .isInstanceOf(DatasetUnavailableException.class)
                .hasMessageContaining("<data-dir>/datasets/cifar-10-batches-bin/")
                .hasMessageNotContaining(dataDir.toString())
                .hasMessageContaining("data_batch_1.bin");
    }

    @Test
    void limitsTakeTheFirstImagesInFileOrder() throws Exception {
        Path folder = Cifar10Fixture.write(dataDir.resolve("datasets"), 4, 3, 9);
        byte[] first = Files.readAllBytes(folder.resolve("data_batch_1.bin"));

        TrainTestSplit split = catalog(url(), sha256(archive)).load(new DatasetChoice.Cifar10(6, 2, 0));

        assertThat(split.train().count()).isEqualTo(6);
        assertThat(split.test().count()).isEqualTo(2);
        assertThat(split.train().labels()[0]).isEqualTo(first[0]);
        assertThat(split.train().pixels()[0]).isEqualTo(first[1]);
        assertThat(downloads).hasValue(0);
    }

    private static byte[] tarGz(int perTrainFile, int test) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Random random = new Random(5);
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
            for (String name : Cifar10Archive.TRAIN_FILES) {
                add(tar, "cifar-10-batches-bin/" + name, Cifar10Fixture.records(perTrainFile, random));
            }
            add(tar, "cifar-10-batches-bin/test_batch.bin", Cifar10Fixture.records(test, random));
            add(tar, "cifar-10-batches-bin/batches.meta.txt", "airplane\n".getBytes());
        }
        return bytes.toByteArray();
    }

    private static void add(TarArchiveOutputStream tar, String name, byte[] content) throws Exception {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(content.length);
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
