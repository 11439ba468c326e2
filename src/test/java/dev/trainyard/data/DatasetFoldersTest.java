package dev.trainyard.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trainyard.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Folders a client names must stay inside {@code <data-dir>/datasets/}, whatever the spelling. */
class DatasetFoldersTest {

    private final Path dataDir = TestServer.newDataDir();
    private final Path datasets = dataDir.resolve("datasets");

    @BeforeEach
    void layout() throws Exception {
        Files.createDirectories(datasets.resolve("fruit/apple"));
        Files.createDirectories(datasets.resolve("nested/deeper"));
        Files.createDirectories(dataDir.resolve("secret/class"));
        Files.writeString(datasets.resolve("file.txt"), "x");
        Files.createSymbolicLink(datasets.resolve("link-out"), dataDir.resolve("secret"));
        Files.createSymbolicLink(datasets.resolve("link-root"), Path.of("/"));
        Files.createSymbolicLink(datasets.resolve("fruit/link-up"), Path.of("../.."));
        Files.createSymbolicLink(datasets.resolve("link-in"), datasets.resolve("fruit"));
    }

    private boolean accepted(String path) {
        return new DatasetFolders(datasets).resolve(path, new StringBuilder()).isPresent();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "..",
                "../secret",
                "../../etc",
                "fruit/../../secret",
                "fruit/../..",
                "nested/deeper/../../../secret",
                "./../secret",
                "/etc",
                "/",
                "/tmp/../etc/passwd",
                "link-out",
                "link-out/class",
                "link-root",
                "link-root/etc",
                "fruit/link-up",
                "fruit/link-up/secret",
                "file.txt",
                "missing",
                "%2e%2e/secret",
                "..%2fsecret",
                "fruit\u0000/../../secret",
                "",
                ".",
                "fruit/..",
            })
    void escapingOrUnusablePathsAreRefused(String path) {
        assertThat(accepted(path)).as(path).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"fruit", "fruit/", "./fruit", "nested/deeper", "nested/../fruit", "link-in"})
    void foldersInsideAreAccepted(String path) {
        assertThat(accepted(path)).as(path).isTrue();
    }

    @Test
    void filesAreReadOnlyWhenTheirRealPathIsInside() throws Exception {
        Files.writeString(dataDir.resolve("secret/token.txt"), "s3cret");
        Files.createSymbolicLink(datasets.resolve("fruit/apple/token.png"), dataDir.resolve("secret/token.txt"));
        Files.writeString(datasets.resolve("fruit/apple/ok.png"), "fine");
        Files.createSymbolicLink(datasets.resolve("fruit/apple/alias.png"), datasets.resolve("fruit/apple/ok.png"));
        DatasetFolders folders = new DatasetFolders(datasets);

        assertThat(folders.readAllBytes(datasets.resolve("fruit/apple/alias.png")))
                .asString()
                .isEqualTo("fine");
        assertThatThrownBy(() -> folders.readAllBytes(datasets.resolve("fruit/apple/token.png")))
                .isInstanceOf(DatasetFolders.EscapeException.class)
                .hasMessageContaining("'fruit/apple/token.png' links outside the datasets folder")
                .hasMessageNotContaining(dataDir.toString());
        assertThatThrownBy(() -> folders.readAllBytes(datasets.resolve("link-out/class/../../secret/token.txt")))
                .isInstanceOf(java.io.IOException.class);
    }

    @Test
    void cifar10FilesThatLinkOutAreNotRead() throws Exception {
        Path archive = Files.createDirectories(datasets.resolve(Cifar10Archive.FOLDER));
        byte[] record = new byte[Cifar10Archive.RECORD_BYTES];
        for (String name : Cifar10Archive.allFiles()) {
            Files.write(archive.resolve(name), record);
        }
        Files.write(dataDir.resolve("secret/data_batch_1.bin"), record);
        Files.delete(archive.resolve("data_batch_1.bin"));
        Files.createSymbolicLink(archive.resolve("data_batch_1.bin"), dataDir.resolve("secret/data_batch_1.bin"));

        assertThatThrownBy(() -> new Cifar10Archive(archive, new DatasetFolders(datasets)).readTrain(null))
                .hasMessageContaining("links outside the datasets folder");
    }

    @Test
    void theReasonSaysWhatIsWrong() {
        StringBuilder reason = new StringBuilder();
        new DatasetFolders(datasets).resolve("../secret", reason);
        assertThat(reason).contains("outside the datasets folder").doesNotContain(dataDir.toString());
    }
}
