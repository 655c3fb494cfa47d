package io.pgferry.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** GNU tar, the independent reader of Tar and TarGzip output: it must extract an archive without a word. */
public final class GnuTar {
    private GnuTar() {}

    /**
     * Extracts {@code archive} ({@code gzip}ped or not) into a fresh folder.
     *
     * @return each member's name and bytes, in archive order
     * @throws IllegalStateException when tar fails or warns (a lone zero block, a bad checksum, trailing garbage)
     */
    public static Map<String, byte[]> extract(Path archive, boolean gzip) {
        try {
            Path into = Files.createTempDirectory("pgferry-untar-");
            String options = gzip ? "-xzvf" : "-xvf";
            String output = Processes.run(
                    List.of("tar", "--warning=all", options, archive.toString(), "-C", into.toString()), into);
            Map<String, byte[]> members = new LinkedHashMap<>();
            for (String name : output.lines().toList()) {
                Path member = into.resolve(name);
                if (!Files.isRegularFile(member)) {
                    throw new IllegalStateException("tar said: " + output);
                }
                members.put(name, Files.readAllBytes(member));
            }
            return members;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
