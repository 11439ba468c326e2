package dev.trainyard.data;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * A folder with one sub-folder per class holding PNG or JPEG images of any size. Class names are the sub-folder
 * names, sorted; images are read in name order, scaled to 32x32 RGB and kept as channel-major bytes.
 */
final class ImageFolder {

    static final int SIDE = 32;

    private final Path folder;

    ImageFolder(Path folder) {
        this.folder = folder;
    }

    /** The class folders, sorted by name. */
    List<Path> classFolders() throws IOException {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.filter(Files::isDirectory).sorted().toList();
        }
    }

    /** A problem with the layout (no classes, an empty class), or null when it is usable. */
    String layoutProblem() throws IOException {
        List<Path> classes = classFolders();
        if (classes.isEmpty()) {
            return "has no class sub-folders; put each class's images in a folder named after the class";
        }
        for (Path classFolder : classes) {
            if (images(classFolder).isEmpty()) {
                return "class folder '" + classFolder.getFileName() + "' has no PNG or JPEG images";
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

    /** Decodes the listed images into 32x32 RGB bytes. */
    static LabeledImages decode(Listing listing) throws IOException {
        int imageBytes = 3 * SIDE * SIDE;
        byte[] pixels = new byte[listing.count() * imageBytes];
        for (int i = 0; i < listing.count(); i++) {
            decode(listing.files().get(i), pixels, i * imageBytes);
        }
        return new LabeledImages(pixels, listing.labels().clone(), listing.count(), 3, SIDE, SIDE,
                listing.classes());
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
        return classFolders().stream().map(path -> path.getFileName().toString()).toList();
    }

    private static List<Path> images(Path classFolder) throws IOException {
        try (Stream<Path> entries = Files.list(classFolder)) {
            return entries.filter(Files::isRegularFile).filter(ImageFolder::isImage).sorted().toList();
        }
    }

    private static boolean isImage(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".png") || name.endsWith(".jpg") || name.endsWith(".jpeg");
    }

    /** Decodes one image, scales it to 32x32 RGB and writes it channel-major at {@code offset}. */
    static void decode(Path file, byte[] into, int offset) throws IOException {
        BufferedImage image = ImageIO.read(file.toFile());
        if (image == null) {
            throw new IOException(file + " is not a readable PNG or JPEG image");
        }
        writeChannelMajor(image, into, offset);
    }

    static void writeChannelMajor(BufferedImage image, byte[] into, int offset) {
        BufferedImage rgb = image;
        if (image.getWidth() != SIDE || image.getHeight() != SIDE || image.getType() != BufferedImage.TYPE_INT_RGB) {
            rgb = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_INT_RGB);
            Graphics2D graphics = rgb.createGraphics();
            graphics.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            graphics.drawImage(image, 0, 0, SIDE, SIDE, null);
            graphics.dispose();
        }
        int plane = SIDE * SIDE;
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                int argb = rgb.getRGB(x, y);
                int pixel = y * SIDE + x;
                into[offset + pixel] = (byte) (argb >> 16);
                into[offset + plane + pixel] = (byte) (argb >> 8);
                into[offset + 2 * plane + pixel] = (byte) argb;
            }
        }
    }
}
