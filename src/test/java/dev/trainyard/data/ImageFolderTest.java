package dev.trainyard.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trainyard.TestServer;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImageFolderTest {

    private final Path root = TestServer.newDataDir();

    @Test
    void readsPngAndJpegOfAnySizeAs32x32RgbWithSortedClassNames() throws Exception {
        Path folder = ImageFolderFixture.write(root.resolve("fruit"), 4, 1);
        ImageFolder images = new ImageFolder(folder);

        LabeledImages read = ImageFolder.decode(images.list(images.classNames(), null));

        assertThat(read.classes()).containsExactly("apple", "banana", "cherry");
        assertThat(read.count()).isEqualTo(12);
        assertThat(read.imageSize()).isEqualTo(3 * 32 * 32);
        assertThat(read.labels()).containsExactly(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2);
        assertThat(images.count()).isEqualTo(12);
        assertThat(images.layoutProblem()).isNull();
    }

    @Test
    void keepsPixelValuesInChannelMajorOrder() throws Exception {
        Path classFolder = Files.createDirectories(root.resolve("one/red"));
        BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        image.setRGB(3, 2, 0x102030);
        ImageIO.write(image, "png", classFolder.resolve("a.png").toFile());

        LabeledImages read = ImageFolder.decode(new ImageFolder(root.resolve("one")).list(java.util.List.of("red"), null));

        int pixel = 2 * 32 + 3;
        assertThat(read.pixels()[pixel]).isEqualTo((byte) 0x10);
        assertThat(read.pixels()[1024 + pixel]).isEqualTo((byte) 0x20);
        assertThat(read.pixels()[2048 + pixel]).isEqualTo((byte) 0x30);
    }

    @Test
    void anEmptyClassFolderIsAnError() throws Exception {
        Path folder = ImageFolderFixture.write(root.resolve("fruit"), 2, 1);
        Files.createDirectories(folder.resolve("durian"));
        Files.writeString(folder.resolve("durian/notes.txt"), "no images here");

        assertThat(new ImageFolder(folder).layoutProblem()).contains("'durian'").contains("no PNG or JPEG");
    }

    @Test
    void aFolderWithoutClassesIsAnError() throws Exception {
        Files.createDirectories(root.resolve("flat"));
        Files.writeString(root.resolve("flat/x.png"), "x");

        assertThat(new ImageFolder(root.resolve("flat")).layoutProblem()).contains("no class sub-folders");
    }

    @Test
    void aFileThatIsNotAnImageFailsTheRead() throws Exception {
        Path folder = ImageFolderFixture.write(root.resolve("fruit"), 1, 1);
        Files.writeString(folder.resolve("apple/broken.png"), "not a png");

        assertThatThrownBy(() -> ImageFolder.decode(new ImageFolder(folder).list(ImageFolderFixture.CLASSES, null)))
                .hasMessageContaining("broken.png");
    }

    @Test
    void validationSplitIsFixedDisjointAndSized() throws Exception {
        Path folder = ImageFolderFixture.write(root.resolve("fruit"), 10, 1);
        LabeledImages all = ImageFolder.decode(new ImageFolder(folder).list(ImageFolderFixture.CLASSES, null));

        LabeledImages[] first = all.splitValidation(0.2);
        LabeledImages[] second = all.splitValidation(0.2);

        assertThat(first[0].count()).isEqualTo(24);
        assertThat(first[1].count()).isEqualTo(6);
        assertThat(first[1].pixels()).isEqualTo(second[1].pixels());
        assertThat(first[0].pixels()).isEqualTo(second[0].pixels());
    }
}
