package dev.trainyard.training.cuda;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What GPU code a CUDA library carries, read from the fat binaries in its ELF {@code .nv_fatbin} section: machine code
 * (cubin) for given architectures and PTX, which the driver can compile for newer ones.
 *
 * <p>A fat binary is a 16-byte header (magic {@code 0xBA55ED50}, version, header size, size of its entries) followed
 * by entries, each a header (kind: 1 PTX, 2 cubin; its own size; the payload's size; the architecture at offset 28)
 * and its payload. The section holds one fat binary per compiled source file, one after another, 8-byte aligned.
 *
 * @param fatBinaries how many fat binaries the section holds
 * @param entries     for each kind of code and architecture, in how many of the fat binaries it appears
 */
public record FatBinary(int fatBinaries, SortedMap<Code, Integer> entries) {

    static final int MAGIC = 0xBA55ED50;
    static final String SECTION = ".nv_fatbin";

    /** One kind of code for one architecture, e.g. cubin for sm_86. */
    public record Code(Kind kind, int architecture) implements Comparable<Code> {
        @Override
        public int compareTo(Code other) {
            return kind != other.kind ? kind.compareTo(other.kind) : Integer.compare(architecture, other.architecture);
        }

        @Override
        public String toString() {
            return (kind == Kind.PTX ? "compute_" : "sm_") + architecture;
        }
    }

    public enum Kind {
        CUBIN,
        PTX
    }

    /** Reads the {@code .nv_fatbin} section of an ELF64 shared library. */
    public static FatBinary read(Path library) throws IOException {
        try (FileChannel channel = FileChannel.open(library, StandardOpenOption.READ)) {
            ByteBuffer elf = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size())
                    .order(ByteOrder.LITTLE_ENDIAN);
            return parse(section(elf, SECTION, library));
        }
    }

    /** The fat binaries laid out one after another in {@code section}. */
    static FatBinary parse(ByteBuffer section) {
        ByteBuffer data = section.slice().order(ByteOrder.LITTLE_ENDIAN);
        SortedMap<Code, Integer> entries = new TreeMap<>();
        int fatBinaries = 0;
        int offset = 0;
        while (offset + 16 <= data.limit()) {
            if (data.getInt(offset) != MAGIC) {
                offset += 8;
                continue;
            }
            int headerSize = Short.toUnsignedInt(data.getShort(offset + 6));
            long size = data.getLong(offset + 8);
            long end = offset + headerSize + size;
            if (headerSize < 16 || end > data.limit()) {
                throw new IllegalArgumentException("a fat binary at offset " + offset + " runs past its section");
            }
            fatBinaries++;
            Map<Code, Boolean> seen = new TreeMap<>();
            long entry = offset + headerSize;
            while (entry + 32 <= end) {
                int at = (int) entry;
                int kind = Short.toUnsignedInt(data.getShort(at));
                int entryHeader = data.getInt(at + 4);
                long payload = data.getLong(at + 8);
                int architecture = data.getInt(at + 28);
                if (entryHeader < 32 || payload < 0) {
                    throw new IllegalArgumentException("a malformed fat binary entry at offset " + at);
                }
                if (kind == 1 || kind == 2) {
                    seen.put(new Code(kind == 1 ? Kind.PTX : Kind.CUBIN, architecture), true);
                }
                entry += entryHeader + payload;
            }
            seen.keySet().forEach(code -> entries.merge(code, 1, Integer::sum));
            offset = (int) ((end + 7) & ~7L);
        }
        return new FatBinary(fatBinaries, entries);
    }

    /**
     * Whether this code runs on a device: machine code runs on its own architecture and on later minor versions of
     * the same major one (sm_86 on 8.9, not on 9.0); PTX is compiled by the driver for its architecture and any later.
     */
    public boolean runsOn(ComputeCapability device) {
        return entries.keySet().stream()
                .anyMatch(code -> code.kind() == Kind.CUBIN
                        ? code.architecture() / 10 == device.major() && code.architecture() % 10 <= device.minor()
                        : code.architecture() <= device.architecture());
    }

    /** E.g. {@code sm_37 sm_50 ... sm_86 (each in 228 of 228 fat binaries), no PTX}. */
    public String describe() {
        String counts =
                entries.values().stream().distinct().map(String::valueOf).collect(Collectors.joining("/"));
        String code = entries.keySet().stream().map(Code::toString).collect(Collectors.joining(" "));
        boolean ptx = entries.keySet().stream().anyMatch(c -> c.kind() == Kind.PTX);
        return code + " (each in " + counts + " of " + fatBinaries + " fat binaries)" + (ptx ? "" : ", no PTX");
    }

    private static ByteBuffer section(ByteBuffer elf, String name, Path library) {
        if (elf.limit() < 64 || elf.getInt(0) != 0x464C457F || elf.get(4) != 2 || elf.get(5) != 1) {
            throw new IllegalArgumentException(library + " is not a little-endian 64-bit ELF file");
        }
        long sectionHeaders = elf.getLong(0x28);
        int entrySize = Short.toUnsignedInt(elf.getShort(0x3A));
        int count = Short.toUnsignedInt(elf.getShort(0x3C));
        int namesIndex = Short.toUnsignedInt(elf.getShort(0x3E));
        long namesOffset = elf.getLong((int) (sectionHeaders + (long) namesIndex * entrySize + 0x18));
        for (int i = 0; i < count; i++) {
            int header = (int) (sectionHeaders + (long) i * entrySize);
            String sectionName = cString(elf, (int) (namesOffset + Integer.toUnsignedLong(elf.getInt(header))));
            if (sectionName.equals(name)) {
                long offset = elf.getLong(header + 0x18);
                long size = elf.getLong(header + 0x20);
                return elf.slice((int) offset, (int) size);
            }
        }
        throw new IllegalArgumentException(library + " has no " + name + " section: it carries no CUDA code");
    }

    private static String cString(ByteBuffer buffer, int offset) {
        int end = offset;
        while (buffer.get(end) != 0) {
            end++;
        }
        byte[] bytes = new byte[end - offset];
        buffer.get(offset, bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    /** Prints what a library carries: {@code java -cp target/classes dev.trainyard.training.cuda.FatBinary <lib.so>}. */
    public static void main(String[] args) throws IOException {
        FatBinary binary = read(Path.of(args[0]));
        System.out.println(args[0] + ": " + binary.describe());
        for (int architecture : new int[] {37, 50, 60, 70, 75, 80, 86, 89, 90, 100, 120}) {
            ComputeCapability device = ComputeCapability.ofArchitecture(architecture);
            System.out.printf("  compute capability %-4s %s%n", device, binary.runsOn(device) ? "runs" : "cannot run");
        }
    }
}
