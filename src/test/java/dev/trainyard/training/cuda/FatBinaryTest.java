package dev.trainyard.training.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading which GPU code a CUDA library carries, on ELF files written here (and on ND4J's own when given). */
class FatBinaryTest {

    static final FatBinary.Code SM_52 = new FatBinary.Code(FatBinary.Kind.CUBIN, 52);
    static final FatBinary.Code SM_86 = new FatBinary.Code(FatBinary.Kind.CUBIN, 86);
    static final FatBinary.Code COMPUTE_70 = new FatBinary.Code(FatBinary.Kind.PTX, 70);

    @Test
    void countsEachKindOfCodeOncePerFatBinary(@TempDir Path dir) throws Exception {
        Path library = elf(dir, fatBinary(SM_52, SM_86, SM_86), fatBinary(SM_86, COMPUTE_70));

        FatBinary binary = FatBinary.read(library);

        assertThat(binary.fatBinaries()).isEqualTo(2);
        assertThat(binary.entries()).containsOnly(Map.entry(SM_52, 1), Map.entry(SM_86, 2), Map.entry(COMPUTE_70, 1));
    }

    @Test
    void machineCodeRunsOnLaterMinorVersionsOfItsMajorOnePtxOnAnyLaterDevice(@TempDir Path dir) throws Exception {
        FatBinary cubinOnly = FatBinary.read(elf(dir, fatBinary(SM_52, SM_86)));
        FatBinary withPtx = FatBinary.read(elf(dir, fatBinary(SM_86, COMPUTE_70)));

        assertThat(cubinOnly.runsOn(new ComputeCapability(8, 9))).isTrue();
        assertThat(cubinOnly.runsOn(new ComputeCapability(5, 3))).isTrue();
        assertThat(cubinOnly.runsOn(new ComputeCapability(8, 0)))
                .as("sm_86 code needs 8.6 or later 8.x")
                .isFalse();
        assertThat(cubinOnly.runsOn(new ComputeCapability(9, 0))).isFalse();
        assertThat(cubinOnly.runsOn(new ComputeCapability(3, 7))).isFalse();
        assertThat(cubinOnly.describe()).isEqualTo("sm_52 sm_86 (each in 1 of 1 fat binaries), no PTX");
        assertThat(withPtx.runsOn(new ComputeCapability(9, 0))).isTrue();
        assertThat(withPtx.runsOn(new ComputeCapability(12, 0))).isTrue();
        assertThat(withPtx.runsOn(new ComputeCapability(6, 1))).isFalse();
    }

    @Test
    void refusesWhatIsNotAnElfLibraryWithFatBinaries(@TempDir Path dir) throws Exception {
        Path text = Files.writeString(dir.resolve("not-elf.so"), "#!/bin/sh\n".repeat(10));
        assertThatThrownBy(() -> FatBinary.read(text)).hasMessageContaining("not a little-endian 64-bit ELF");

        Path noSection = elf(dir, ".text", new byte[16]);
        assertThatThrownBy(() -> FatBinary.read(noSection)).hasMessageContaining("has no .nv_fatbin section");

        byte[] truncated = fatBinary(SM_86);
        ByteBuffer.wrap(truncated).order(ByteOrder.LITTLE_ENDIAN).putLong(8, 1 << 20);
        Path overrun = elf(dir, FatBinary.SECTION, truncated);
        assertThatThrownBy(() -> FatBinary.read(overrun)).hasMessageContaining("runs past its section");
    }

    /** ND4J's CUDA library itself, when {@code TRAINYARD_CUDA_LIBRARY} names it (scripts/cuda-architectures.sh). */
    @Test
    void nd4jsCudaLibraryCarriesMachineCodeUpToAmpereAndNoPtx() throws Exception {
        String library = System.getenv("TRAINYARD_CUDA_LIBRARY");
        assumeTrue(library != null, "TRAINYARD_CUDA_LIBRARY is not set");

        FatBinary binary = FatBinary.read(Path.of(library));

        assertThat(binary.entries().keySet())
                .extracting(FatBinary.Code::toString)
                .containsExactly("sm_37", "sm_50", "sm_52", "sm_60", "sm_61", "sm_70", "sm_75", "sm_80", "sm_86");
        assertThat(binary.entries().values()).containsOnly(binary.fatBinaries());
        assertThat(binary.runsOn(new ComputeCapability(8, 9))).isTrue();
        assertThat(binary.runsOn(new ComputeCapability(9, 0))).isFalse();
    }

    /** One fat binary holding one entry (with an 8-byte payload) per code. */
    static byte[] fatBinary(FatBinary.Code... codes) {
        int entry = 64;
        ByteBuffer buffer = ByteBuffer.allocate(16 + codes.length * (entry + 8)).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(FatBinary.MAGIC)
                .putShort((short) 1)
                .putShort((short) 16)
                .putLong((long) codes.length * (entry + 8));
        for (FatBinary.Code code : codes) {
            int start = buffer.position();
            buffer.putShort((short) (code.kind() == FatBinary.Kind.PTX ? 1 : 2))
                    .putShort((short) 0x0101)
                    .putInt(entry)
                    .putLong(8);
            buffer.position(start + 28);
            buffer.putInt(code.architecture());
            buffer.position(start + entry);
            buffer.putLong(0x0123456789abcdefL);
        }
        return buffer.array();
    }

    static Path elf(Path dir, byte[]... fatBinaries) throws Exception {
        ByteArrayOutputStream section = new ByteArrayOutputStream();
        for (byte[] fatBinary : fatBinaries) {
            section.write(fatBinary);
            section.write(new byte[(8 - fatBinary.length % 8) % 8]);
        }
        return elf(dir, FatBinary.SECTION, section.toByteArray());
    }

    /** A minimal ELF64 file: its header, one named section, the section-name table and the section headers. */
    static Path elf(Path dir, String sectionName, byte[] content) throws Exception {
        byte[] names = ("\0" + sectionName + "\0.shstrtab\0").getBytes(StandardCharsets.US_ASCII);
        int contentAt = 64;
        int namesAt = contentAt + content.length;
        int headersAt = (namesAt + names.length + 7) & ~7;
        ByteBuffer file = ByteBuffer.allocate(headersAt + 3 * 64).order(ByteOrder.LITTLE_ENDIAN);
        file.putInt(0x464C457F).put((byte) 2).put((byte) 1).put((byte) 1);
        file.putLong(0x28, headersAt)
                .putShort(0x3A, (short) 64)
                .putShort(0x3C, (short) 3)
                .putShort(0x3E, (short) 2);
        file.put(contentAt, content).put(namesAt, names);
        int first = headersAt + 64;
        file.putInt(first, 1).putLong(first + 0x18, contentAt).putLong(first + 0x20, content.length);
        int second = headersAt + 128;
        file.putInt(second, 2 + sectionName.length())
                .putLong(second + 0x18, namesAt)
                .putLong(second + 0x20, names.length);
        Path path = Files.createTempFile(dir, "lib", ".so");
        return Files.write(path, file.array());
    }
}
