package dev.trainyard.data;

import dev.trainyard.system.DataDirectory;
import dev.trainyard.system.Sha256;
import dev.trainyard.system.Violations;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.concurrent.locks.ReentrantLock;
import org.springframework.stereotype.Service;

/**
 * Finds a job's dataset on disk (downloading CIFAR-10 once when it is missing), checks the folders a client names,
 * and reads the images into memory once per job, so later epochs never decode files again; decoded image folders
 * are also cached on disk, so later jobs on the same images do not decode them either.
 */
@Service
public class DatasetCatalog {

    private final DataDirectory dataDirectory;
    private final DatasetFolders folders;
    private final ImageDecoder decoder;
    private final Cifar10Downloader downloader;
    private final ReentrantLock downloadLock = new ReentrantLock();
    private final DecodedImageCache decodedCache;

    public DatasetCatalog(
            DataDirectory dataDirectory,
            Cifar10Properties cifar10,
            DecodedCacheProperties cache,
            ImageDecoder decoder,
            Clock clock) {
        this.dataDirectory = dataDirectory;
        this.folders = new DatasetFolders(dataDirectory.datasets());
        this.decoder = decoder;
        this.downloader = new Cifar10Downloader(cifar10);
        this.decodedCache = cache.entries() == 0
                ? null
                : new DecodedImageCache(dataDirectory.decodedImageCache(), cache.entries(), clock);
    }

    /** The dataset a spec names, by its kind. */
    private Dataset dataset(DatasetSpec spec) {
        return switch (spec.withDefaults().name()) {
            case IMAGEFOLDER ->
                new Dataset.ImageFolders(
                        spec.path(),
                        spec.testPath(),
                        spec.trainLimit(),
                        spec.testLimit(),
                        folders,
                        decoder,
                        decodedCache);
            case CIFAR10 ->
                new Dataset.Cifar10(
                        new Cifar10Archive(dataDirectory.datasets().resolve(Cifar10Archive.FOLDER), folders),
                        spec.trainLimit(),
                        spec.testLimit(),
                        downloader,
                        downloadLock,
                        dataDirectory.root());
        };
    }

    /** Checks that the folders a spec names are usable, inside the datasets folder. */
    public void checkFolders(DatasetSpec spec, String at, Violations violations) {
        dataset(spec).checkFolders(at, violations);
    }

    /** The number of images a job with this spec trains on; CIFAR-10's nominal size while its files are absent. */
    public int trainSize(DatasetSpec spec) {
        int available;
        try {
            available = dataset(spec).availableTrainImages();
        } catch (IOException e) {
            throw new DatasetUnavailableException("cannot read the dataset: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new DatasetUnavailableException("cannot read the dataset: its path is not valid", e);
        }
        int used = spec.trainLimit() == null ? available : Math.min(spec.trainLimit(), available);
        double fraction = spec.validationFraction() == null ? 0 : spec.validationFraction();
        return used - LabeledImages.validationCount(used, fraction);
    }

    /**
     * SHA-256 over the dataset's files (path relative to the datasets folder, and size, in listing order): changes
     * when a file is added, removed, renamed or resized. Call after {@link #load}, when the files are present.
     */
    public String fingerprint(DatasetSpec spec) throws IOException {
        MessageDigest digest = Sha256.digest();
        for (Path file : dataset(spec).files()) {
            digest.update((folders.shown(file) + ":" + Files.size(folders.confine(file)) + "\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        return Sha256.hex(digest);
    }

    /** Reads the training, validation and test images, downloading CIFAR-10 first if needed. */
    public TrainTestSplit load(DatasetSpec spec) throws InterruptedException {
        Dataset dataset = dataset(spec);
        Dataset.Images images;
        try {
            images = dataset.read();
        } catch (IOException e) {
            throw dataset.unreadable(e);
        }
        double fraction = spec.validationFraction() == null ? 0 : spec.validationFraction();
        if (fraction > 0) {
            LabeledImages[] parts = images.train().splitValidation(fraction);
            return new TrainTestSplit(parts[0], parts[1], images.test());
        }
        return new TrainTestSplit(images.train(), null, images.test());
    }
}
