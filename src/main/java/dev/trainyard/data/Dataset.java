package dev.trainyard.data;

import dev.trainyard.system.Violations;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One kind of dataset a job can name, found on disk: what {@link DatasetCatalog} does with a spec, it asks of the
 * spec's kind here, so a new kind is one new implementation and no new branch elsewhere.
 */
sealed interface Dataset permits Dataset.Cifar10, Dataset.ImageFolders {

    /** Adds a violation, under {@code at}, for each folder the spec names that is missing or badly laid out. */
    void checkFolders(String at, Violations violations);

    /** How many training images there are before limits and the validation split. */
    int availableTrainImages() throws IOException;

    /** The dataset's files, in a stable order, for its fingerprint. */
    List<Path> files() throws IOException;

    /** The training images and the test images (null without a test set), within the spec's limits. */
    Images read() throws IOException, InterruptedException;

    /** What a job is told when the dataset cannot be read. */
    DatasetUnavailableException unreadable(IOException cause);

    /** @param test null without a test set */
    record Images(LabeledImages train, LabeledImages test) {}

    /**
     * The CIFAR-10 binary archive, downloaded once when its folder is absent.
     *
     * @param downloadLock shared by every job, so that one download runs at a time
     * @param dataRoot     the data directory, left out of messages a client sees
     */
    record Cifar10(
            Cifar10Archive archive,
            Integer trainLimit,
            Integer testLimit,
            Cifar10Downloader downloader,
            ReentrantLock downloadLock,
            Path dataRoot)
            implements Dataset {

        @Override
        public void checkFolders(String at, Violations violations) {
            // nothing to check: the archive's folder is trainyard's own and is downloaded when missing
        }

        /** CIFAR-10's nominal size while its files are absent (they are downloaded when the job starts). */
        @Override
        public int availableTrainImages() throws IOException {
            return archive.isComplete() ? archive.trainCount() : Cifar10Archive.NOMINAL_TRAIN;
        }

        @Override
        public List<Path> files() {
            return Cifar10Archive.allFiles().stream()
                    .map(name -> archive.folder().resolve(name))
                    .toList();
        }

        @Override
        public Images read() throws IOException, InterruptedException {
            ensurePresent();
            return new Images(archive.readTrain(trainLimit), archive.readTest(testLimit));
        }

        private void ensurePresent() throws IOException, InterruptedException {
            downloadLock.lockInterruptibly();
            try {
                if (archive.isComplete()) {
                    return;
                }
                if (archive.folder().toFile().exists()) {
                    throw new IOException("missing " + archive.missingFiles());
                }
                downloader.download(archive.folder());
            } finally {
                downloadLock.unlock();
            }
        }

        @Override
        public DatasetUnavailableException unreadable(IOException cause) {
            String reason = cause.getMessage() != null
                    ? cause.getMessage()
                    : cause.getClass().getSimpleName();
            return new DatasetUnavailableException(
                    "CIFAR-10 is not available (" + reason.replace(dataRoot.toString(), "<data-dir>")
                            + "). Put data_batch_1.bin ... data_batch_5.bin and "
                            + "test_batch.bin from cifar-10-binary.tar.gz into <data-dir>/datasets/"
                            + Cifar10Archive.FOLDER
                            + "/, or set trainyard.datasets.cifar10.url to a reachable copy of the archive.",
                    cause);
        }
    }

    /**
     * Folders of images, one sub-folder per class, under the datasets folder.
     *
     * @param path     the training folder, relative to the datasets folder
     * @param testPath the test folder, laid out the same way, or null
     * @param cache    decoded folders kept on disk, or null to decode every time
     */
    record ImageFolders(
            String path,
            String testPath,
            Integer trainLimit,
            Integer testLimit,
            DatasetFolders folders,
            ImageDecoder decoder,
            DecodedImageCache cache)
            implements Dataset {

        @Override
        public void checkFolders(String at, Violations violations) {
            checkFolder(path, at + ".path", violations);
            checkFolder(testPath, at + ".testPath", violations);
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

        @Override
        public int availableTrainImages() throws IOException {
            return imageFolder(folder(path)).count();
        }

        @Override
        public List<Path> files() throws IOException {
            ImageFolder train = imageFolder(folder(path));
            List<String> classes = train.classNames();
            List<Path> files = new ArrayList<>(train.list(classes, null).files());
            if (testPath != null) {
                files.addAll(imageFolder(folder(testPath)).list(classes, null).files());
            }
            return files;
        }

        @Override
        public Images read() throws IOException {
            ImageFolder trainFolder = imageFolder(folder(path));
            List<String> classes = trainFolder.classNames();
            LabeledImages train = decode(trainFolder, trainFolder.list(classes, trainLimit));
            ImageFolder testFolder = testPath == null ? null : imageFolder(folder(testPath));
            return new Images(
                    train, testFolder == null ? null : decode(testFolder, testFolder.list(classes, testLimit)));
        }

        @Override
        public DatasetUnavailableException unreadable(IOException cause) {
            return new DatasetUnavailableException("cannot read the image folder: " + cause.getMessage(), cause);
        }

        private LabeledImages decode(ImageFolder folder, ImageFolder.Listing listing) throws IOException {
            return cache == null ? folder.decode(listing) : cache.read(listing, folder::decode);
        }

        private ImageFolder imageFolder(Path folder) {
            return new ImageFolder(folder, folders, decoder);
        }

        private Path folder(String relative) throws IOException {
            StringBuilder problem = new StringBuilder();
            return folders.resolve(relative, problem)
                    .orElseThrow(() -> new IOException("'" + relative + "' " + problem));
        }
    }
}
