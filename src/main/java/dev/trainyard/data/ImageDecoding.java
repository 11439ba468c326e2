package dev.trainyard.data;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;

/** Turns an uploaded PNG or JPEG into the same 32x32 RGB bytes that training images become. */
public final class ImageDecoding {

    private ImageDecoding() {
    }

    /** One image as a one-image set (label 0), or empty when the bytes are not a PNG or JPEG image. */
    public static Optional<LabeledImages> decode(byte[] content, List<String> classes) {
        BufferedImage image;
        try {
            image = ImageIO.read(new ByteArrayInputStream(content));
        } catch (IOException e) {
            return Optional.empty();
        }
        if (image == null) {
            return Optional.empty();
        }
        byte[] pixels = new byte[3 * ImageFolder.SIDE * ImageFolder.SIDE];
        ImageFolder.writeChannelMajor(image, pixels, 0);
        return Optional.of(new LabeledImages(pixels, new byte[1], 1, 3, ImageFolder.SIDE, ImageFolder.SIDE, classes));
    }
}
