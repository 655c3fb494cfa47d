package io.pgferry.functionapp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.pgferry.testing.Folders;
import io.pgferry.testing.Payloads;
import io.pgferry.testing.Processes;
import io.pgferry.testing.TestingAzurite;
import io.pgferry.testing.TestingFunctionsHost;
import io.pgferry.testing.TestingPostgres;
import io.pgferry.testing.TestingServers;

/**
 * {@code bin/package-aot}, the build README's deploy commands use, run as a user runs it: in a copy of the project (so
 * this build's {@code target/} is left alone), on the machine's JDK 25. The zip it prints carries a trained AOT cache,
 * and the handler unzipped from it, started as the host starts it, maps that cache and copies.
 */
class PackageAotIT {
    private static final Path JDK25 =
            Path.of(System.getenv().getOrDefault("PGFERRY_JDK25", "/usr/lib/jvm/temurin-25-jdk-amd64"));
    /** Not copied: the build's output, the npm packages (linked instead) and the repository's history. */
    private static final Set<String> LEFT_OUT = Set.of("target", "node_modules", ".git");

    private final TestingPostgres postgres = TestingServers.postgres();
    private final TestingAzurite azurite = TestingServers.azurite();

    @Test
    void theDeployPackageCarriesATrainedCacheThatItsHandlerMaps(@TempDir Path temp) throws Exception {
        assumeTrue(Files.isExecutable(JDK25.resolve("bin/java")), "no JDK 25 at " + JDK25);
        Path project = temp.resolve("project");
        Folders.copy(Path.of("").toAbsolutePath(), project, LEFT_OUT);
        Files.createSymbolicLink(
                project.resolve("node_modules"), Path.of("node_modules").toAbsolutePath());

        Path log = temp.resolve("package-aot.log");
        Process script = new ProcessBuilder(
                        "bin/package-aot",
                        "--port",
                        Integer.toString(Processes.freePort()),
                        "--pg-port",
                        Integer.toString(Processes.freePort()),
                        "--azurite-port",
                        Integer.toString(Processes.freePort()))
                .directory(project.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        // A bound against a hung build, not a measurement: the script builds, trains and zips in about a minute.
        if (!script.waitFor(15, TimeUnit.MINUTES)) {
            // Its EXIT trap stops the servers it started; what is left goes too.
            List<ProcessHandle> children = script.descendants().toList();
            script.destroy();
            script.waitFor(30, TimeUnit.SECONDS);
            children.forEach(ProcessHandle::destroyForcibly);
            script.destroyForcibly();
            throw new AssertionError(
                    "bin/package-aot still running after 15 minutes; its log:\n" + Files.readString(log));
        }
        List<String> output = Files.readAllLines(log, StandardCharsets.UTF_8);
        assertThat(script.exitValue()).as(String.join("\n", output)).isZero();
        assertThat(output)
                .as("what the script printed after the zip's path")
                .last()
                .asString()
                .endsWith("-function-app.zip");
        Path zip = project.resolve(output.get(output.size() - 1));

        // Unzipped as the host's deployment does, modes kept (the launcher and the runtime need their execute bits).
        Path app = Files.createDirectories(temp.resolve("app"));
        Process unzip = new ProcessBuilder("unzip", "-q", zip.toString(), "-d", app.toString())
                .redirectErrorStream(true)
                .start();
        String unzipped = new String(unzip.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(unzip.waitFor()).as(unzipped).isZero();
        assertThat(app.resolve("quarkus-app/app.aot")).isNotEmptyFile();
        assertThat(Files.readString(app.resolve("runtime/release"))).contains("JAVA_VERSION=\"25");

        String table = "aot_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        postgres.execute("CREATE TABLE " + table + " AS SELECT i AS id, 'row ' || i AS name"
                + " FROM generate_series(1, 1000) i");
        String container = "aot-" + UUID.randomUUID().toString().substring(0, 8);
        try (TestingFunctionsHost host = TestingFunctionsHost.start(
                app, Map.of("PGFERRY_JAVA_OPTS", "-Xlog:aot=info -XX:+UseSerialGC -Xmx256m"))) {
            HttpResponse<String> response = host.proxy(
                    "copy",
                    "POST",
                    Payloads.tableToCsv(table, container, postgres, azurite.connectionString())
                            .toString(),
                    "");

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(new ObjectMapper()
                            .readTree(response.body())
                            .path("rowsCopied")
                            .asLong())
                    .isEqualTo(1000);
            assertThat(host.log())
                    .contains("pgferry-handler: running on the package's runtime (Java 25")
                    .contains("pgferry-handler: with the AOT cache quarkus-app/app.aot")
                    .contains("Opened AOT cache quarkus-app/app.aot")
                    .doesNotContain("An error has occurred while processing the AOT cache");
        }
    }
}
