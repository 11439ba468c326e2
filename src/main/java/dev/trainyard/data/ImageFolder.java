package dev.trainyard.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A folder with one sub-folder per class holding PNG or JPEG images of any size. Class names are the sub-folder
 * names, sorted; images are read in name order, scaled to 32x32 RGB and kept as channel-major bytes. Every class
 * folder and image is confined to the datasets folder by its real path when it is listed and again when it is read.
 */
final class ImageFolder {

    static final int SIDE = ImageDecoder.SIDE;

    private final Path folder;
    private final DatasetFolders datasets;
    private final ImageDecoder decoder;

    ImageFolder(Path folder, DatasetFolders datasets, ImageDecoder decoder) {
        this.folder = folder;
        this.datasets = datasets;
        this.decoder = decoder;
    }

    /** The class folders, sorted by name, each confined to the datasets folder. */
    List<Path> classFolders() throws IOException {
        List<Path> folders = new ArrayList<>();
        try (Stream<Path> entries = Files.list(folder)) {
            for (Path entry : entries.filter(Files::isDirectory).sorted().toList()) {
                datasets.confine(entry);
                folders.add(entry);
            }
        }
        return folders;
    }

    /** A problem with the layout (no classes, an empty class, a link out), or null when it is usable. */
    String layoutProblem() throws IOException {
        List<Path> classes;
        try {
            classes = classFolders();
        } catch (DatasetFolders.EscapeException e) {
            return "has a class folder: " + e.getMessage();
        }
        if (classes.isEmpty()) {
            return "has no class sub-folders; put each class's images in a folder named after the class";
        }
        for (Path classFolder : classes) {
            try {
                if (images(classFolder).isEmpty()) {
                    return "class folder '" + classFolder.getFileName() + "' has no PNG or JPEG images";
                }
            } catch (DatasetFolders.EscapeException e) {
                return "has an image: " + e.getMessage();
            }
        }
        return null;
    }

    /**
     * The image files a read decodes, in order, with their labels.
     *
     * @param classes the class names the labels index
     */
    record Listing(List<Path> files, byte[] labels, List<String> classes) {

        int count() {
            return files.size();
        }
    }

    /**
     * Lists the images, the first {@code limit} in class-then-name order when a limit is given.
     *
     * @param classNames the class list to label with (a test folder uses the training folder's classes)
     */
    Listing list(List<String> classNames, Integer limit) throws IOException {
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (Path classFolder : classFolders()) {
            int label = classNames.indexOf(classFolder.getFileName().toString());
            if (label < 0) {
                throw new IOException("class folder '" + classFolder.getFileName() + "' is not one of the training "
                        + "classes " + classNames);
            }
            for (Path image : images(classFolder)) {
                files.add(image);
                labels.add(label);
            }
        }
        int count = limit == null ? files.size() : Math.min(limit, files.size());
        byte[] labelBytes = new byte[count];
        for (int i = 0; i < count; i++) {
            labelBytes[i] = labels.get(i).byteValue();
        }
        return new Listing(List.copyOf(files.subList(0, count)), labelBytes, List.copyOf(classNames));
    }

    /** Decodes the listed images into 32x32 RGB bytes; each file is confined again as it is opened. */
    LabeledImages decode(Listing listing) throws IOException {
        int imageBytes = 3 * SIDE * SIDE;
        byte[] pixels = new byte[listing.count() * imageBytes];
        for (int i = 0; i < listing.count(); i++) {
            Path file = listing.files().get(i);
            try (InputStream in = datasets.open(file)) {
                decoder.decodeInto(in, pixels, i * imageBytes);
            } catch (UnreadableImageException e) {
                throw new UnreadableImageException(datasets.shown(file) + " " + e.getMessage());
            }
        }
        return new LabeledImages(pixels, listing.labels().clone(), listing.count(), 3, SIDE, SIDE, listing.classes());
    }

    /** How many images the folder holds, without decoding them. */
    int count() throws IOException {
        int count = 0;
        for (Path classFolder : classFolders()) {
            count += images(classFolder).size();
        }
        return count;
    }

    List<String> classNames() throws IOException {
        return classFolders().stream()
                .map(path -> path.getFileName().toString())
                .toList();
    }

    private List<Path> images(Path classFolder) throws IOException {
        List<Path> images = new ArrayList<>();
        try (Stream<Path> entries = Files.list(classFolder)) {
            for (Path entry : entries.filter(Files::isRegularFile)
                    .filter(ImageFolder::isImage)
                    .sorted()
                    .toList()) {
                datasets.confine(entry);
                images.add(entry);
            }
        }
        return images;
    }

    private static boolean isImage(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".png") || name.endsWith(".jpg") || name.endsWith(".jpeg");
    }
}
