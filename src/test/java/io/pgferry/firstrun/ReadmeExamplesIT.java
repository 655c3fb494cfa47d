package io.pgferry.firstrun;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.pgferry.testing.Processes;

/**
 * Every command of README's examples works against {@code bin/sample-copy --keep}, as a newcomer would type it. The
 * sample runs on free ports (the defaults may be taken on a developer's machine): the commands and the example files
 * they post are rewritten from the README's ports to those, and nothing else. Each {@code curl} runs with
 * {@code --fail}, so an error status fails the test.
 */
class ReadmeExamplesIT {
    private static final Path README = Path.of("README.md");

    @TempDir
    static Path work;

    private static Process sample;
    private static Path sampleLog;
    private static int port;
    private static int pgPort;
    private static int azuritePort;

    @BeforeAll
    static void startTheSample() throws Exception {
        port = Processes.freePort();
        pgPort = Processes.freePort();
        azuritePort = Processes.freePort();
        sampleLog = work.resolve("sample-copy.log");
        sample = new ProcessBuilder(
                        "bin/sample-copy",
                        "--keep",
                        "--port",
                        Integer.toString(port),
                        "--pg-port",
                        Integer.toString(pgPort),
                        "--azurite-port",
                        Integer.toString(azuritePort))
                .redirectErrorStream(true)
                .redirectOutput(sampleLog.toFile())
                .start();
        while (!Files.readString(sampleLog).contains("keep running")) {
            assertThat(sample.isAlive())
                    .as("bin/sample-copy ended early:%n%s", Files.readString(sampleLog))
                    .isTrue();
            Thread.sleep(200);
        }
        assertThat(Files.readString(sampleLog)).contains("HTTP 200", "Copied 100,000 rows");
    }

    @AfterAll
    static void stopTheSample() throws Exception {
        if (sample == null) {
            return;
        }
        // The script's EXIT trap stops what it started; its children go too if it cannot.
        List<ProcessHandle> children = sample.descendants().toList();
        sample.destroy();
        if (!sample.waitFor(30, TimeUnit.SECONDS)) {
            sample.destroyForcibly();
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }

    @Test
    void everyExampleCommandSucceedsAgainstTheSample() throws Exception {
        List<String> commands = exampleCommands();
        assertThat(commands)
                .as("README's example commands")
                .hasSizeGreaterThanOrEqualTo(7)
                .anyMatch(command -> command.contains("/runs"))
                .anyMatch(command -> command.contains("/pipelines"))
                .anyMatch(command -> command.contains("psql"));
        Path examples = Files.createDirectories(work.resolve("examples"));
        try (var files = Files.list(Path.of("examples"))) {
            for (Path file : files.toList()) {
                Files.writeString(examples.resolve(file.getFileName()), ports(Files.readString(file)));
            }
        }
        for (String command : commands) {
            String run = ports(command)
                    .replace("@examples/", "@" + examples + "/")
                    .replaceFirst("^curl ", "curl --fail-with-body ");
            Process process = new ProcessBuilder("bash", "-c", run)
                    .redirectErrorStream(true)
                    .start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor()).as("%s%n%s", command, output).isZero();
            assertThat(output).as(command).doesNotContain("\"status\":\"Failed\"");
        }
    }

    /** The commands of README's {@code sh} blocks that talk to the sample (not the build, deploy or sample itself). */
    private static List<String> exampleCommands() throws IOException {
        List<String> commands = new ArrayList<>();
        boolean inBlock = false;
        for (String line : Files.readAllLines(README)) {
            if (line.startsWith("```")) {
                inBlock = line.equals("```sh");
                continue;
            }
            if (inBlock && (line.contains("localhost:8080") || line.contains("-p 54329"))) {
                commands.add(line);
            }
        }
        return commands;
    }

    /** README's ports, the sample's here. */
    private static String ports(String text) {
        return text.replace("localhost:8080", "localhost:" + port)
                .replace("-p 54329", "-p " + pgPort)
                .replace("Port=54329;", "Port=" + pgPort + ";")
                .replace("127.0.0.1:10000/", "127.0.0.1:" + azuritePort + "/");
    }
}
