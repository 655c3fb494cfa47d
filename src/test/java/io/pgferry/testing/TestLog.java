package io.pgferry.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The log file of the application under test (the test profile writes one). */
public final class TestLog {
    private static final Path LOG = Path.of("target/quarkus-test.log");

    private TestLog() {}

    /** The whole log of the application under test, rotated files included. */
    public static String text() {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> list = Files.list(LOG.toAbsolutePath().getParent())) {
            list.filter(p -> p.getFileName()
                            .toString()
                            .startsWith(LOG.getFileName().toString()))
                    .sorted()
                    .forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(files).as("the test profile's log file " + LOG).isNotEmpty();
        StringBuilder text = new StringBuilder();
        for (Path file : files) {
            try {
                text.append(new String(Files.readAllBytes(file), StandardCharsets.UTF_8))
                        .append('\n');
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return text.toString();
    }
}
