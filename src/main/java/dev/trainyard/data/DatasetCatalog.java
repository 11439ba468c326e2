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

    /** The dataset a choice names, by its kind. */
    private Dataset dataset(DatasetChoice choice) {
        if (choice instanceof DatasetChoice.ImageFolder folder) {
            return new Dataset.ImageFolders(
                    folder.path(),
                    folder.testPath(),
                    folder.trainLimit(),
                    folder.testLimit(),
                    folders,
                    decoder,
                    decodedCache);
        }
        return new Dataset.Cifar10(
                new Cifar10Archive(dataDirectory.datasets().resolve(Cifar10Archive.FOLDER), folders),
                choice.trainLimit(),
                choice.testLimit(),
                downloader,
                downloadLock,
                dataDirectory.root());
    }

    /** Checks that the folders a choice names are usable, inside the datasets folder. */
    public void checkFolders(DatasetChoice choice, String at, Violations violations) {
        dataset(choice).checkFolders(at, violations);
    }

    /** The number of images a run on this choice trains on; CIFAR-10's nominal size while its files are absent. */
    public int trainSize(DatasetChoice choice) {
        int available;
        try {
            available = dataset(choice).availableTrainImages();
        } catch (IOException e) {
            throw new DatasetUnavailableException("cannot read the dataset: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new DatasetUnavailableException("cannot read the dataset: its path is not valid", e);
        }
        int used = choice.trainLimit() == null ? available : Math.min(choice.trainLimit(), available);
        return used - LabeledImages.validationCount(used, choice.validationFraction());
    }

    /**
     * SHA-256 over the dataset's files (path relative to the datasets folder, and size, in listing order): changes
     * when a file is added, removed, renamed or resized. Call after {@link #load}, when the files are present.
     */
    public String fingerprint(DatasetChoice choice) throws IOException {
        MessageDigest digest = Sha256.digest();
        for (Path file : dataset(choice).files()) {
            digest.update((folders.shown(file) + ":" + Files.size(folders.confine(file)) + "\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        return Sha256.hex(digest);
    }

    /** Reads the training, validation and test images, downloading CIFAR-10 first if needed. */
    public TrainTestSplit load(DatasetChoice choice) throws InterruptedException {
        Dataset dataset = dataset(choice);
        Dataset.Images images;
        try {
            images = dataset.read();
        } catch (IOException e) {
            throw dataset.unreadable(e);
        }
        if (choice.validationFraction() > 0) {
            LabeledImages[] parts = images.train().splitValidation(choice.validationFraction());
            return new TrainTestSplit(parts[0], parts[1], images.test());
        }
        return new TrainTestSplit(images.train(), null, images.test());
    }
}
