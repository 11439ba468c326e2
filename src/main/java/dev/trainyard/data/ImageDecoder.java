package dev.trainyard.data;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.springframework.stereotype.Component;

/**
 * Turns PNG and JPEG images into the 32x32 RGB bytes that training images become, and refuses anything else first:
 * the format is told by the content's signature (a GIF, BMP or TIFF named .png is refused), and the size the header
 * declares is checked against {@code trainyard.images.max-pixels} before a pixel is decoded. Large images are
 * decoded subsampled, since they end as 32x32 anyway, so memory per image stays small whatever it declares.
 */
@Component
public class ImageDecoder {

    static final int SIDE = 32;
    /** why: decoding every n-th pixel of a large image keeps at least this many on its shorter side for scaling. */
    private static final int DECODED_SIDE = 256;

    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final byte[] JPEG = {(byte) 0xff, (byte) 0xd8, (byte) 0xff};

    private final long maxPixels;

    public ImageDecoder(ImageProperties properties) {
        this.maxPixels = properties.maxPixels();
    }

    /** One uploaded image as a one-image set (label 0). */
    public LabeledImages decode(byte[] content, List<String> classes) throws UnreadableImageException {
        byte[] pixels = new byte[3 * SIDE * SIDE];
        try {
            decodeInto(new ByteArrayInputStream(content), pixels, 0);
        } catch (UnreadableImageException e) {
            throw e;
        } catch (IOException e) {
            throw new UnreadableImageException("could not be decoded as a PNG or JPEG image");
        }
        return new LabeledImages(pixels, new byte[1], 1, 3, SIDE, SIDE, classes);
    }

    /** Decodes one image, scales it to 32x32 RGB and writes it channel-major at {@code offset}. */
    void decodeInto(InputStream content, byte[] into, int offset) throws IOException {
        writeChannelMajor(read(content), into, offset);
    }

    private BufferedImage read(InputStream content) throws IOException {
        InputStream in = content.markSupported() ? content : new java.io.BufferedInputStream(content);
        in.mark(PNG.length);
        byte[] signature = in.readNBytes(PNG.length);
        in.reset();
        String format = startsWith(signature, PNG) ? "png" : startsWith(signature, JPEG) ? "jpeg" : null;
        if (format == null) {
            throw new UnreadableImageException("is not a PNG or JPEG image");
        }
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
        if (!readers.hasNext()) {
            throw new IllegalStateException("every Java runtime reads " + format);
        }
        ImageReader reader = readers.next();
        try (ImageInputStream input = ImageIO.createImageInputStream(in)) {
            reader.setInput(input, true, true);
            long width;
            long height;
            try {
                width = reader.getWidth(0);
                height = reader.getHeight(0);
            } catch (IOException | RuntimeException e) {
                throw new UnreadableImageException(
                        "is not a readable " + format.toUpperCase(Locale.ROOT) + " image: its header is damaged");
            }
            if (width < 1 || height < 1 || width * height > maxPixels) {
                throw new UnreadableImageException(String.format(
                        Locale.ROOT,
                        "declares %dx%d pixels; at most %,d " + "pixels are accepted (trainyard.images.max-pixels)",
                        width,
                        height,
                        maxPixels));
            }
            ImageReadParam subsampled = reader.getDefaultReadParam();
            int step = (int) Math.max(1, Math.min(width, height) / DECODED_SIDE);
            subsampled.setSourceSubsampling(step, step, 0, 0);
            try {
                return reader.read(0, subsampled);
            } catch (IOException | RuntimeException e) {
                throw new UnreadableImageException(
                        "could not be decoded as a " + format.toUpperCase(Locale.ROOT) + " image");
            }
        } finally {
            reader.dispose();
        }
    }

    private static boolean startsWith(byte[] content, byte[] signature) {
        return content.length >= signature.length
                && Arrays.equals(content, 0, signature.length, signature, 0, signature.length);
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
