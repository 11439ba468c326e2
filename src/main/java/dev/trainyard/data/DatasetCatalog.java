package dev.trainyard.data;

import dev.trainyard.system.DataDirectory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantLock;
import org.springframework.stereotype.Service;

/** Finds a job's dataset on disk, downloads it once when it is missing, and reads it. */
@Service
public class DatasetCatalog {

    private final DataDirectory dataDirectory;
    private final Cifar10Downloader downloader;
    private final ReentrantLock downloadLock = new ReentrantLock();

    public DatasetCatalog(DataDirectory dataDirectory, Cifar10Properties cifar10) {
        this.dataDirectory = dataDirectory;
        this.downloader = new Cifar10Downloader(cifar10);
    }

    /** The number of training images a job with this spec sees; the nominal size while the files are not here. */
    public int trainSize(DatasetSpec spec) {
        Cifar10Archive archive = cifar10();
        int available = Cifar10Archive.NOMINAL_TRAIN;
        if (archive.isComplete()) {
            try {
                available = archive.trainCount();
            } catch (IOException e) {
                throw unavailable(archive, e);
            }
        }
        return spec.trainLimit() == null ? available : Math.min(spec.trainLimit(), available);
    }

    /** Reads the training and test splits, downloading the dataset first if needed. */
    public TrainTestSplit load(DatasetSpec spec) throws InterruptedException {
        Cifar10Archive archive = cifar10();
        ensurePresent(archive);
        try {
            return new TrainTestSplit(archive.readTrain(spec.trainLimit()), archive.readTest(spec.testLimit()));
        } catch (IOException e) {
            throw unavailable(archive, e);
        }
    }

    private void ensurePresent(Cifar10Archive archive) throws InterruptedException {
        downloadLock.lockInterruptibly();
        try {
            if (archive.isComplete()) {
                return;
            }
            if (archive.folder().toFile().exists()) {
                throw unavailable(archive, new IOException("missing " + archive.missingFiles()));
            }
            downloader.download(archive.folder());
        } catch (IOException e) {
            throw unavailable(archive, e);
        } finally {
            downloadLock.unlock();
        }
    }

    private Cifar10Archive cifar10() {
        return new Cifar10Archive(dataDirectory.datasets().resolve(Cifar10Archive.FOLDER));
    }

    private static DatasetUnavailableException unavailable(Cifar10Archive archive, Exception cause) {
        Path folder = archive.folder();
        String reason = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
        return new DatasetUnavailableException("CIFAR-10 is not available (" + reason + "). Put "
                + "data_batch_1.bin ... data_batch_5.bin and test_batch.bin from cifar-10-binary.tar.gz into "
                + folder + ", or set trainyard.datasets.cifar10.url to a reachable copy of the archive.", cause);
    }
}
