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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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

    public DatasetCatalog(DataDirectory dataDirectory, Cifar10Properties cifar10, DecodedCacheProperties cache,
                          ImageDecoder decoder, Clock clock) {
        this.dataDirectory = dataDirectory;
        this.folders = new DatasetFolders(dataDirectory.datasets());
        this.decoder = decoder;
        this.downloader = new Cifar10Downloader(cifar10);
        this.decodedCache = cache.entries() == 0 ? null
                : new DecodedImageCache(dataDirectory.decodedImageCache(), cache.entries(), clock);
    }

    /** Checks that an imagefolder spec names usable folders inside the datasets folder. */
    public void checkFolders(DatasetSpec spec, String at, Violations violations) {
        if (!DatasetSpec.IMAGE_FOLDER.equals(spec.name())) {
            return;
        }
        checkFolder(spec.path(), at + ".path", violations);
        if (spec.testPath() != null) {
            checkFolder(spec.testPath(), at + ".testPath", violations);
        }
    }

    private void checkFolder(String relative, String field, Violations violations) {
        if (relative == null) {
            return;
        }
        StringBuilder problem = new StringBuilder();
        Optional<Path> folder = folders.resolve(relative, problem);
        if (folder.isEmpty()) {
            violations.add(field, problem.toString());
            return;
        }
        try {
            String layout = imageFolder(folder.get()).layoutProblem();
            if (layout != null) {
                violations.add(field, layout);
            }
        } catch (IOException e) {
            violations.add(field, "cannot be read");
        }
    }

    /** The number of images a job with this spec trains on; CIFAR-10's nominal size while its files are absent. */
    public int trainSize(DatasetSpec spec) {
        int available;
        try {
            if (DatasetSpec.IMAGE_FOLDER.equals(spec.name())) {
                available = imageFolder(folder(spec.path())).count();
            } else {
                Cifar10Archive archive = cifar10();
                available = archive.isComplete() ? archive.trainCount() : Cifar10Archive.NOMINAL_TRAIN;
            }
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
        List<Path> files = new ArrayList<>();
        if (DatasetSpec.IMAGE_FOLDER.equals(spec.name())) {
            ImageFolder train = imageFolder(folder(spec.path()));
            List<String> classes = train.classNames();
            files.addAll(train.list(classes, null).files());
            if (spec.testPath() != null) {
                files.addAll(imageFolder(folder(spec.testPath())).list(classes, null).files());
            }
        } else {
            Path archive = cifar10().folder();
            for (String name : Cifar10Archive.allFiles()) {
                files.add(archive.resolve(name));
            }
        }
        MessageDigest digest = Sha256.digest();
        for (Path file : files) {
            digest.update((folders.shown(file) + ":" + Files.size(folders.confine(file)) + "\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        return Sha256.hex(digest);
    }

    /** Reads the training, validation and test images, downloading CIFAR-10 first if needed. */
    public TrainTestSplit load(DatasetSpec spec) throws InterruptedException {
        LabeledImages train;
        LabeledImages test;
        try {
            if (DatasetSpec.IMAGE_FOLDER.equals(spec.name())) {
                ImageFolder trainFolder = imageFolder(folder(spec.path()));
                List<String> classes = trainFolder.classNames();
                train = decode(trainFolder, trainFolder.list(classes, spec.trainLimit()));
                ImageFolder testFolder = spec.testPath() == null ? null : imageFolder(folder(spec.testPath()));
                test = testFolder == null ? null : decode(testFolder, testFolder.list(classes, spec.testLimit()));
            } else {
                Cifar10Archive archive = cifar10();
                ensurePresent(archive);
                train = archive.readTrain(spec.trainLimit());
                test = archive.readTest(spec.testLimit());
            }
        } catch (IOException e) {
            throw DatasetSpec.CIFAR10.equals(spec.name()) ? unavailable(e)
                    : new DatasetUnavailableException("cannot read the image folder: " + e.getMessage(), e);
        }
        double fraction = spec.validationFraction() == null ? 0 : spec.validationFraction();
        if (fraction > 0) {
            LabeledImages[] parts = train.splitValidation(fraction);
            return new TrainTestSplit(parts[0], parts[1], test);
        }
        return new TrainTestSplit(train, null, test);
    }

    private LabeledImages decode(ImageFolder folder, ImageFolder.Listing listing) throws IOException {
        return decodedCache == null ? folder.decode(listing) : decodedCache.read(listing, folder::decode);
    }

    private ImageFolder imageFolder(Path folder) {
        return new ImageFolder(folder, folders, decoder);
    }

    private Path folder(String relative) throws IOException {
        StringBuilder problem = new StringBuilder();
        return folders.resolve(relative, problem).orElseThrow(() -> new IOException("'" + relative + "' " + problem));
    }

    private void ensurePresent(Cifar10Archive archive) throws InterruptedException {
        downloadLock.lockInterruptibly();
        try {
            if (archive.isComplete()) {
                return;
            }
            if (archive.folder().toFile().exists()) {
                throw unavailable(new IOException("missing " + archive.missingFiles()));
            }
            downloader.download(archive.folder());
        } catch (IOException e) {
            throw unavailable(e);
        } finally {
            downloadLock.unlock();
        }
    }

    private Cifar10Archive cifar10() {
        return new Cifar10Archive(dataDirectory.datasets().resolve(Cifar10Archive.FOLDER), folders);
    }

    private DatasetUnavailableException unavailable(Exception cause) {
        String reason = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
        return new DatasetUnavailableException("CIFAR-10 is not available (" + reason.replace(
                dataDirectory.root().toString(), "<data-dir>") + "). Put data_batch_1.bin ... data_batch_5.bin and "
                + "test_batch.bin from cifar-10-binary.tar.gz into <data-dir>/datasets/" + Cifar10Archive.FOLDER
                + "/, or set trainyard.datasets.cifar10.url to a reachable copy of the archive.", cause);
    }
}
