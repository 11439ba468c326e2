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

    /** An image folder whose datasets folder is its parent. */
    static ImageFolder folder(Path folder) {
        return new ImageFolder(
                folder, new DatasetFolders(folder.getParent()), new ImageDecoder(new ImageProperties(25_000_000)));
    }

    @Test
    void readsPngAndJpegOfAnySizeAs32x32RgbWithSortedClassNames() throws Exception {
        Path folder = ImageFolderFixture.write(root.resolve("fruit"), 4, 1);
        ImageFolder images = folder(folder);

        LabeledImages read = images.decode(images.list(images.classNames(), null));

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

        ImageFolder one = folder(root.resolve("one"));
        LabeledImages read = one.decode(one.list(java.util.List.of("red"), null));

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

        assertThat(folder(folder).layoutProblem()).contains("'durian'").contains("no PNG or JPEG");
    }

    @Test
    void aFolderWithoutClassesIsAnError() throws Exception {
        Files.createDirectories(root.resolve("flat"));
        Files.writeString(root.resolve("flat/x.png"), "x");

        assertThat(folder(root.resolve("flat")).layoutProblem()).contains("no class sub-folders");
    }

    @Test
    void aFileThatIsNotAnImageFailsTheRead() throws Exception {
        Path folder = ImageFolderFixture.write(root.resolve("fruit"), 1, 1);
        Files.writeString(folder.resolve("apple/broken.png"), "not a png");

        ImageFolder fruit = folder(folder);
        assertThatThrownBy(() -> fruit.decode(fruit.list(ImageFolderFixture.CLASSES, null)))
                .hasMessageContaining("broken.png");
    }

    @Test
    void aClassFolderThatLinksOutOfTheDatasetsFolderIsRefused() throws Exception {
        Path folder = ImageFolderFixture.write(root.resolve("datasets/fruit"), 2, 1);
        Path outside = ImageFolderFixture.write(root.resolve("secret"), 2, 2).resolve("apple");
        Files.createSymbolicLink(folder.resolve("zucchini"), outside);
        ImageFolder fruit = new ImageFolder(
                folder,
                new DatasetFolders(root.resolve("datasets")),
                new ImageDecoder(new ImageProperties(25_000_000)));

        assertThat(fruit.layoutProblem())
                .contains("'fruit/zucchini' links outside the datasets folder")
                .doesNotContain(root.toString());
        assertThatThrownBy(() -> fruit.list(fruit.classNames(), null))
                .isInstanceOf(DatasetFolders.EscapeException.class);
    }

    @Test
    void anImageThatLinksOutIsRefusedAndOneThatLinksInsideIsRead() throws Exception {
        Path datasets = root.resolve("datasets");
        Path folder = ImageFolderFixture.write(datasets.resolve("fruit"), 2, 1);
        Path secret = Files.createDirectories(root.resolve("secret")).resolve("passwd.png");
        Files.copy(folder.resolve("apple").resolve(firstFile(folder.resolve("apple"))), secret);
        Files.createSymbolicLink(
                folder.resolve("banana/inside.png"),
                folder.resolve("apple").resolve(firstFile(folder.resolve("apple"))));
        DatasetFolders confined = new DatasetFolders(datasets);
        ImageDecoder decoder = new ImageDecoder(new ImageProperties(25_000_000));
        ImageFolder fruit = new ImageFolder(folder, confined, decoder);
        assertThat(fruit.layoutProblem()).isNull();
        assertThat(fruit.count()).isEqualTo(7);

        Files.createSymbolicLink(folder.resolve("cherry/out.png"), secret);

        assertThat(fruit.layoutProblem()).contains("'fruit/cherry/out.png' links outside");
    }

    @Test
    void aFileSwappedForALinkAfterItWasListedIsRefusedWhenRead() throws Exception {
        Path datasets = root.resolve("datasets");
        Path folder = ImageFolderFixture.write(datasets.resolve("fruit"), 2, 1);
        ImageFolder fruit = new ImageFolder(
                folder, new DatasetFolders(datasets), new ImageDecoder(new ImageProperties(25_000_000)));
        ImageFolder.Listing listing = fruit.list(fruit.classNames(), null);
        Path victim = listing.files().get(0);
        Path secret = Files.createDirectories(root.resolve("secret")).resolve("key.png");
        Files.move(victim, secret);
        Files.createSymbolicLink(victim, secret);

        assertThatThrownBy(() -> fruit.decode(listing))
                .isInstanceOf(DatasetFolders.EscapeException.class)
                .hasMessageContaining("links outside the datasets folder")
                .hasMessageNotContaining(root.toString());
    }

    @Test
    void imagesAreToldByTheirContentAndRefusedAboveThePixelLimitFromTheirHeader() throws Exception {
        Path folder = ImageFolderFixture.write(root.resolve("fruit"), 1, 1);
        Path gif = folder.resolve("apple/really-a.png");
        BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        ImageIO.write(image, "gif", gif.toFile());
        ImageFolder fruit = folder(folder);
        assertThatThrownBy(() -> fruit.decode(fruit.list(ImageFolderFixture.CLASSES, null)))
                .hasMessageContaining("really-a.png")
                .hasMessageContaining("is not a PNG or JPEG image");
        Files.delete(gif);

        ImageFolder strict = new ImageFolder(
                folder, new DatasetFolders(folder.getParent()), new ImageDecoder(new ImageProperties(100)));
        assertThatThrownBy(() -> strict.decode(strict.list(ImageFolderFixture.CLASSES, null)))
                .hasMessageContaining("pixels; at most 100 pixels are accepted");
    }

    private static String firstFile(Path folder) throws Exception {
        try (var files = Files.list(folder)) {
            return files.sorted().findFirst().orElseThrow().getFileName().toString();
        }
    }

    @Test
    void validationSplitIsFixedDisjointAndSized() throws Exception {
        Path folder = ImageFolderFixture.write(root.resolve("fruit"), 10, 1);
        ImageFolder fruit = folder(folder);
        LabeledImages all = fruit.decode(fruit.list(ImageFolderFixture.CLASSES, null));

        LabeledImages[] first = all.splitValidation(0.2);
        LabeledImages[] second = all.splitValidation(0.2);

        assertThat(first[0].count()).isEqualTo(24);
        assertThat(first[1].count()).isEqualTo(6);
        assertThat(first[1].pixels()).isEqualTo(second[1].pixels());
        assertThat(first[0].pixels()).isEqualTo(second[0].pixels());
    }
}
