package dev.trainyard.data;

import dev.trainyard.system.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.util.FileSystemUtils;

/**
 * Fetches cifar-10-binary.tar.gz, checks its SHA-256, unpacks it beside the target and moves the archive's own
 * folder into place in one rename, so a half-finished download never looks like a dataset.
 */
final class Cifar10Downloader {

    private static final Logger log = LoggerFactory.getLogger(Cifar10Downloader.class);

    private final Cifar10Properties properties;
    private final HttpClient http;

    Cifar10Downloader(Cifar10Properties properties) {
        this.properties = properties;
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(java.time.Duration.ofSeconds(20))
                .build();
    }

    /** Downloads and unpacks into {@code target} (which must not exist yet). */
    void download(Path target) throws IOException, InterruptedException {
        Path parent = target.getParent();
        Files.createDirectories(parent);
        Path archive = Files.createTempFile(parent, ".cifar10-", ".tar.gz.part");
        Path unpacked = Files.createTempDirectory(parent, ".cifar10-unpack-");
        try {
            log.info("Downloading CIFAR-10 from {} into {}", properties.url(), target);
            String sha256 = fetch(archive);
            if (!sha256.equals(properties.sha256())) {
                throw new IOException("the archive from " + properties.url() + " has SHA-256 " + sha256 + ", expected "
                        + properties.sha256() + "; it was discarded");
            }
            unpack(archive, unpacked);
            Path folder = unpacked.resolve(Cifar10Archive.FOLDER);
            if (!Files.isDirectory(folder)) {
                throw new IOException("the archive has no " + Cifar10Archive.FOLDER + "/ folder");
            }
            Files.move(folder, target, StandardCopyOption.ATOMIC_MOVE);
            log.info("CIFAR-10 is ready in {}", target);
        } finally {
            Files.deleteIfExists(archive);
            FileSystemUtils.deleteRecursively(unpacked);
        }
    }

    private String fetch(Path archive) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(properties.url())
                .timeout(properties.timeout())
                .GET()
                .build();
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        MessageDigest digest = Sha256.digest();
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new IOException("GET " + properties.url() + " answered HTTP " + response.statusCode());
            }
            try (InputStream in = new DigestInputStream(body, digest);
                    OutputStream out = Files.newOutputStream(archive)) {
                in.transferTo(out);
            }
        }
        return Sha256.hex(digest);
    }

    private static void unpack(Path archive, Path into) throws IOException {
        try (InputStream file = Files.newInputStream(archive);
                TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(file))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path destination = into.resolve(entry.getName()).normalize();
                if (!destination.startsWith(into)) {
                    throw new IOException("archive entry " + entry.getName() + " points outside the archive");
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(destination);
                } else if (entry.isFile()) {
                    Files.createDirectories(destination.getParent());
                    Files.copy(tar, destination);
                }
            }
        }
    }
}
