package dev.trainyard.data;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/** Writes an image folder (one sub-folder per class) of small coloured PNG and JPEG images of odd sizes. */
public final class ImageFolderFixture {

    public static final List<String> CLASSES = List.of("apple", "banana", "cherry");

    private ImageFolderFixture() {}

    /** Writes {@code perClass} images for each class under {@code folder}; even ones PNG, odd ones JPEG. */
    public static Path write(Path folder, int perClass, long seed) throws IOException {
        return write(folder, CLASSES, perClass, seed);
    }

    /** The same with the given class (folder) names, up to three. */
    public static Path write(Path folder, List<String> classes, int perClass, long seed) throws IOException {
        Random random = new Random(seed);
        int[][] colours = {{220, 40, 40}, {240, 220, 60}, {120, 20, 90}};
        for (int c = 0; c < classes.size(); c++) {
            Path classFolder = Files.createDirectories(folder.resolve(classes.get(c)));
            for (int i = 0; i < perClass; i++) {
                int width = 20 + random.nextInt(40);
                int height = 20 + random.nextInt(40);
                BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
                Graphics2D graphics = image.createGraphics();
                graphics.setColor(new Color(colours[c][0], colours[c][1], colours[c][2]));
                graphics.fillRect(0, 0, width, height);
                graphics.setColor(new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256)));
                graphics.fillRect(random.nextInt(width / 2), random.nextInt(height / 2), width / 4, height / 4);
                graphics.dispose();
                String format = i % 2 == 0 ? "png" : "jpg";
                ImageIO.write(
                        image,
                        format,
                        classFolder.resolve(String.format("%04d.%s", i, format)).toFile());
            }
        }
        return folder;
    }
}
