package io.pgferry.hostile;

import static io.pgferry.hostile.HostileFixtures.FILE_EXTENSION;
import static io.pgferry.hostile.HostileFixtures.FILE_NAME;
import static io.pgferry.hostile.HostileFixtures.FILE_NAME_PREFIX;
import static io.pgferry.hostile.HostileFixtures.FOLDER_PATH;
import static io.pgferry.hostile.HostileFixtures.HOST;
import static io.pgferry.hostile.HostileFixtures.account;
import static io.pgferry.hostile.HostileFixtures.assertError;
import static io.pgferry.hostile.HostileFixtures.formatSettings;
import static io.pgferry.hostile.HostileFixtures.location;
import static io.pgferry.hostile.HostileFixtures.partialFiles;
import static io.pgferry.hostile.HostileFixtures.post;
import static io.pgferry.hostile.HostileFixtures.printable;
import static io.pgferry.hostile.HostileFixtures.source;
import static io.pgferry.hostile.HostileFixtures.toFileServer;
import static io.pgferry.hostile.HostileFixtures.tree;
import static io.pgferry.testing.Names.suffix;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pgferry.testing.StorageTestResource;
import io.pgferry.testing.TestingAzurite;
import io.pgferry.testing.TestingPostgres;
import io.pgferry.testing.TestingServers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Hostile sink names and paths (hostile-spec "Sink"): blob names built from {@code folderPath}, {@code fileName},
 * {@code fileNamePrefix} and {@code fileExtension} that climb, hide control characters, have empty or dot segments
 * or exceed Blob Storage's limits are refused with 400 {@code InvalidPayload} at the field, and nothing appears
 * anywhere in the account; a FileServer {@code host} or {@code folderPath} that leads out of the allowed roots through
 * a symbolic link is refused and nothing is written outside; short run ids work.
 */
@QuarkusTest
@QuarkusTestResource(StorageTestResource.class)
class SinkHostileIT {
    private static final String JAVA_TMPDIR = System.getProperty("java.io.tmpdir");

    private final TestingPostgres postgres = TestingServers.postgres();
    private final TestingAzurite azurite = TestingServers.azurite();

    /** Under java.io.tmpdir, the test profile's allowed FileServer root. */
    @TempDir
    Path sandbox;

    /** Folders outside every allowed root (under the project's target/), deleted after each test. */
    private final List<Path> outsides = new ArrayList<>();

    @AfterEach
    void deleteOutsideFolders() throws IOException {
        for (Path outside : outsides) {
            if (Files.exists(outside, LinkOption.NOFOLLOW_LINKS)) {
                try (Stream<Path> walk = Files.walk(outside)) {
                    for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(path);
                    }
                }
            }
        }
    }

    // ---- blob names ---------------------------------------------------------------------------------------------

    /** A field of the blob name and how a payload is given a value for it. */
    enum NameField {
        folderPath(FOLDER_PATH, (payload, value) -> location(payload).put("folderPath", value)),
        fileName(FILE_NAME, (payload, value) -> {
            // The name is used exactly: no chunks, no prefix.
            location(payload).put("fileName", value);
            formatSettings(payload).remove(List.of("maxRowsPerFile", "fileNamePrefix"));
        }),
        fileNamePrefix(
                FILE_NAME_PREFIX, (payload, value) -> formatSettings(payload).put("fileNamePrefix", value)),
        fileExtension(
                FILE_EXTENSION, (payload, value) -> formatSettings(payload).put("fileExtension", value));

        final String pointer;
        final BiConsumer<ObjectNode, String> setter;

        NameField(String pointer, BiConsumer<ObjectNode, String> setter) {
            this.pointer = pointer;
            this.setter = setter;
        }
    }

    static Stream<Arguments> hostileNames() {
        List<Arguments> cases = new ArrayList<>();
        String longSegment = "x".repeat(255);
        String longFolder = String.join("/", java.util.Collections.nCopies(11, "s".repeat(100)));
        for (String value : List.of(
                "..",
                "../x",
                "/../x",
                "a/../../x",
                "a/..",
                "..\\..\\x",
                "a\\b",
                ".",
                "./x",
                "a/./b",
                "a/.",
                "a\nb",
                "a\tb",
                "a\rb",
                "a\u007Fb",
                "a\u0000b",
                "a\u001Bb",
                "a//b",
                "a./b",
                "a.",
                "a/" + longSegment,
                longFolder)) {
            cases.add(Arguments.of(NameField.folderPath, printable(value), value));
        }
        for (String value : List.of(
                "..",
                "../x.csv",
                "a/../../x.csv",
                "..\\..\\x.csv",
                "a\\b.csv",
                ".",
                "a\nb.csv",
                "a\tb.csv",
                "a\u007F.csv",
                "a\u0000.csv",
                "a//b.csv",
                "x.csv.",
                "x".repeat(251) + ".csv")) {
            cases.add(Arguments.of(NameField.fileName, printable(value), value));
        }
        for (String value : List.of(
                "..",
                "../x",
                "a/../../x",
                "..\\..\\x",
                "a\\b",
                ".",
                "a\nb",
                "a\tb",
                "a\u007Fb",
                "a\u0000b",
                "a//b",
                "p".repeat(255))) {
            cases.add(Arguments.of(NameField.fileNamePrefix, printable(value), value));
        }
        for (String value : List.of(
                "/../../x",
                ".csv/../../x",
                "\\..\\..\\x",
                ".c\\sv",
                ".c\nsv",
                ".c\tsv",
                ".csv\u007F",
                ".csv\u0000",
                ".c//sv",
                ".csv.",
                "." + "c".repeat(254))) {
            cases.add(Arguments.of(NameField.fileExtension, printable(value), value));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "[{index}] {0} = {1}")
    @MethodSource("hostileNames")
    void aHostileBlobNameIsRefusedAtItsFieldAndNothingAppearsAnywhereInTheAccount(
            NameField field, String label, String value) {
        String container = "h-" + suffix();
        ObjectNode payload = HostileFixtures.payload(postgres, azurite, container);
        field.setter.accept(payload, value);
        Set<String> before = account(azurite);

        Response response = post("/copy", payload);

        SoftAssertions soft = new SoftAssertions();
        assertError(soft, response, 400, "InvalidPayload", field.pointer);
        soft.assertThat(appeared(before, account(azurite)))
                .as("containers and blobs (committed or staged) new anywhere in the account")
                .isEmpty();
        soft.assertAll();
    }

    /** A name longer than Blob Storage's 1,024 characters, made of fields each fine alone. */
    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"fileName", "fileNamePrefix"})
    void aBlobNameOverAllTheLimitIsRefusedAtOneOfItsFields(String field) {
        String container = "h-" + suffix();
        ObjectNode payload = HostileFixtures.payload(postgres, azurite, container);
        // 10 segments of 99 and 9 slashes: 999 characters; with '/' and a 40-character file, 1,040.
        String folder = String.join("/", java.util.Collections.nCopies(10, "f".repeat(99)));
        location(payload).put("folderPath", folder);
        if (field.equals("fileName")) {
            NameField.fileName.setter.accept(payload, "n".repeat(36) + ".csv");
        } else {
            formatSettings(payload).put("fileNamePrefix", "p".repeat(30));
        }
        Set<String> before = account(azurite);

        Response response = post("/copy", payload);

        String pointer = HostileFixtures.json(response.asString())
                .path("details")
                .path(0)
                .path("pointer")
                .asText();
        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(pointer)
                .as("the pointer names the folder or the file; body %s", response.asString())
                .isIn(FOLDER_PATH, field.equals("fileName") ? FILE_NAME : FILE_NAME_PREFIX);
        assertError(soft, response, 400, "InvalidPayload", pointer);
        soft.assertThat(appeared(before, account(azurite)))
                .as("containers and blobs (committed or staged) new anywhere in the account")
                .isEmpty();
        soft.assertAll();
    }

    @Test
    void aFolderPathsLeadingAndTrailingSlashesAreTrimmedNotRefused() {
        String container = "h-" + suffix();
        ObjectNode payload = HostileFixtures.payload(postgres, azurite, container);
        location(payload).put("folderPath", "/exports/orders/");

        Response response = post("/copy", payload);

        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        assertThat(azurite.container(container).listBlobs().stream()
                        .map(b -> b.getName())
                        .toList())
                .containsExactly("exports/orders/_manifest.json", "exports/orders/orders_00000.csv");
    }

    @Test
    void aSegmentOf254CharactersIsStillAccepted() {
        String container = "h-" + suffix();
        ObjectNode payload = HostileFixtures.payload(postgres, azurite, container);
        String segment = "s".repeat(254);
        location(payload).put("folderPath", "ok/" + segment);

        Response response = post("/copy", payload);

        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        assertThat(azurite.container(container).listBlobs().stream()
                        .map(b -> b.getName())
                        .toList())
                .containsExactly("ok/" + segment + "/_manifest.json", "ok/" + segment + "/orders_00000.csv");
    }

    @Test
    void aOneCharacterRunIdCopiesToBlobStorage() {
        String container = "h-" + suffix();
        ObjectNode payload =
                HostileFixtures.payload(postgres, azurite, container).put("runId", "a");

        Response response = post("/copy", payload);

        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        assertThat(response.jsonPath().getString("runId")).isEqualTo("a");
        assertThat(azurite.container(container)
                        .getBlobClient("exports/orders/orders_00000.csv")
                        .getProperties()
                        .getMetadata())
                .containsEntry("pgferry_run_id", "a");
    }

    @Test
    void aOneCharacterRunIdCopiesToAFileServerFolder() throws IOException {
        Path share = Files.createDirectories(sandbox.resolve("share"));
        ObjectNode payload = toFileServer(HostileFixtures.payload(postgres, azurite, "unused"), share.toString())
                .put("runId", "a");

        Response response = post("/copy", payload);

        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        assertThat(response.jsonPath().getString("runId")).isEqualTo("a");
        assertThat(tree(share))
                .containsExactly(
                        "exports/",
                        "exports/orders/",
                        "exports/orders/_manifest.json",
                        "exports/orders/orders_00000.csv");
        assertThat(Files.readString(share.resolve("exports/orders/orders_00000.csv")))
                .startsWith("id,name\r\n");
    }

    // ---- FileServer ------------------------------------------------------------------------------------------------

    /** The same climbing and hidden names against a FileServer folder: refused, nothing created anywhere. */
    @ParameterizedTest(name = "[{index}] folderPath = {0}")
    @MethodSource("hostileFileServerFolders")
    void aHostileFolderPathOnAFileServerIsRefusedAndNothingIsCreated(String label, String folderPath)
            throws IOException {
        Path share = Files.createDirectories(sandbox.resolve("a/b/share"));
        Set<String> before = tree(sandbox);
        ObjectNode payload = toFileServer(HostileFixtures.payload(postgres, azurite, "unused"), share.toString());
        location(payload).put("folderPath", folderPath);

        Response response = post("/copy", payload);

        SoftAssertions soft = new SoftAssertions();
        assertError(soft, response, 400, "InvalidPayload", FOLDER_PATH);
        soft.assertThat(appeared(before, tree(sandbox)))
                .as("new under the sandbox around the share")
                .isEmpty();
        soft.assertAll();
    }

    static Stream<Arguments> hostileFileServerFolders() {
        return Stream.of(
                        "../x",
                        "a/../../x",
                        "../../../x",
                        "..\\..\\x",
                        "a\\b",
                        ".",
                        "a/./b",
                        "a//b",
                        "a\nb",
                        "a\u0000b",
                        "a.")
                .map(value -> Arguments.of(printable(value), value));
    }

    /** {@code host} is (or runs through) a symbolic link to a folder outside the allowed roots. */
    @ParameterizedTest(name = "[{index}] host = {0}")
    @ValueSource(strings = {"link", "link/inner", "ok/link"})
    void aHostThatIsASymbolicLinkOutOfTheAllowedRootsIsRefused(String host) throws IOException {
        Path outside = outside();
        Files.createDirectories(outside.resolve("inner"));
        Path link = sandbox.resolve(host.startsWith("ok/") ? "ok/link" : "link");
        Files.createDirectories(link.getParent());
        Files.createSymbolicLink(link, outside);
        Set<String> outsideBefore = tree(outside);

        Response response = post(
                "/copy",
                toFileServer(
                        HostileFixtures.payload(postgres, azurite, "unused"),
                        sandbox.resolve(host).toString()));

        SoftAssertions soft = new SoftAssertions();
        assertError(soft, response, 400, "InvalidPayload", HOST);
        soft.assertThat(tree(outside))
                .as("the folder outside the allowed roots")
                .isEqualTo(outsideBefore);
        soft.assertThat(partialFiles(sandbox)).isEmpty();
        soft.assertAll();
    }

    /** A host whose real path is still inside the allowed root is fine, symbolic link or not. */
    @Test
    void aHostThatIsASymbolicLinkWithinTheAllowedRootsIsAccepted() throws IOException {
        Path real = Files.createDirectories(sandbox.resolve("real"));
        Path link = Files.createSymbolicLink(sandbox.resolve("link"), real);

        Response response =
                post("/copy", toFileServer(HostileFixtures.payload(postgres, azurite, "unused"), link.toString()));

        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        assertThat(tree(real))
                .containsExactly(
                        "exports/",
                        "exports/orders/",
                        "exports/orders/_manifest.json",
                        "exports/orders/orders_00000.csv");
    }

    @Test
    void aHostWithANulCharacterIsRefusedAtTheHost() {
        Response response = post(
                "/copy", toFileServer(HostileFixtures.payload(postgres, azurite, "unused"), sandbox + "/share\u0000x"));

        SoftAssertions soft = new SoftAssertions();
        assertError(soft, response, 400, "InvalidPayload", HOST);
        soft.assertThat(tree(sandbox)).isEmpty();
        soft.assertAll();
    }

    /** The host is inside the allowed root; a folder on the way to the files is a link leading outside. */
    @ParameterizedTest(name = "[{index}] folderPath = {0}")
    @ValueSource(strings = {"link", "link/sub", "ok/link/sub/deeper"})
    void aFolderPathThroughASymbolicLinkOutOfTheAllowedRootsIsRefusedAndNothingIsWrittenOutside(String folderPath)
            throws IOException {
        Path share = Files.createDirectories(sandbox.resolve("share"));
        Path outside = outside();
        Path link = share.resolve(folderPath.startsWith("ok/") ? "ok/link" : "link");
        Files.createDirectories(link.getParent());
        Files.createSymbolicLink(link, outside);
        ObjectNode payload = toFileServer(HostileFixtures.payload(postgres, azurite, "unused"), share.toString());
        location(payload).put("folderPath", folderPath);

        Response response = post("/copy", payload);

        SoftAssertions soft = new SoftAssertions();
        assertError(soft, response, 400, "SinkPathNotAllowed", FOLDER_PATH);
        soft.assertThat(tree(outside))
                .as("the folder outside the allowed roots")
                .isEmpty();
        soft.assertThat(partialFiles(sandbox)).isEmpty();
        soft.assertThat(tree(share).stream()
                        .filter(p -> !p.endsWith("/") && !p.endsWith("link"))
                        .toList())
                .as("files in the share")
                .isEmpty();
        soft.assertAll();
    }

    /**
     * While the copy runs, the folder it writes to is moved away and a link to a folder outside the allowed roots put
     * in its place: the copy is refused and writes nothing there, and leaves no temporary file anywhere.
     */
    @Test
    void aSymbolicLinkSwappedInWhileTheCopyRunsIsRefusedAndNothingIsWrittenOutside() throws Exception {
        Path share = Files.createDirectories(sandbox.resolve("share"));
        Path outside = outside();
        ObjectNode payload = toFileServer(HostileFixtures.payload(postgres, azurite, "unused"), share.toString());
        // 300 rows of 2 kB in chunks of 100; after the first ten rows each takes 20 ms: about six seconds in all.
        source(payload)
                .put(
                        "query",
                        "SELECT i AS id, repeat('x', 2000) AS pad, (SELECT 1 FROM pg_sleep(CASE WHEN"
                                + " i > 10 THEN 0.02 ELSE 0 END)) AS s FROM generate_series(1, 300) i");
        formatSettings(payload).put("maxRowsPerFile", 100);

        CompletableFuture<Response> copy = CompletableFuture.supplyAsync(() -> post("/copy", payload));
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (System.nanoTime() < deadline && !Files.isDirectory(share.resolve("exports/orders"))) {
            HostileFixtures.sleep(Duration.ofMillis(20));
        }
        HostileFixtures.sleep(Duration.ofMillis(200));
        assertThat(copy)
                .as("the copy must still run when the link is swapped in (fixture timing)")
                .isNotDone();
        if (Files.exists(share.resolve("exports"), LinkOption.NOFOLLOW_LINKS)) {
            Files.move(share.resolve("exports"), share.resolve("exports-moved"));
        }
        Files.createSymbolicLink(share.resolve("exports"), outside);

        Response response = copy.get(60, TimeUnit.SECONDS);

        SoftAssertions soft = new SoftAssertions();
        assertError(soft, response, 400, "SinkPathNotAllowed", FOLDER_PATH);
        soft.assertThat(tree(outside))
                .as("the folder outside the allowed roots")
                .isEmpty();
        soft.assertThat(partialFiles(sandbox)).isEmpty();
        soft.assertThat(tree(share).stream()
                        .filter(p -> !p.endsWith("/") && !p.equals("exports"))
                        .toList())
                .as("files left in the share")
                .isEmpty();
        soft.assertAll();
    }

    private static Set<String> appeared(Set<String> before, Set<String> after) {
        Set<String> appeared = new java.util.TreeSet<>(after);
        appeared.removeAll(before);
        return appeared;
    }

    /**
     * A fresh folder outside java.io.tmpdir (the test profile's only allowed FileServer root): under the project's
     * target/, or under /var/tmp when the project itself lies in java.io.tmpdir (a checkout in /tmp).
     */
    private Path outside() throws IOException {
        Path tmp = Path.of(JAVA_TMPDIR).toRealPath();
        Path base = Path.of("target").toAbsolutePath();
        if (Files.createDirectories(base).toRealPath().startsWith(tmp)) {
            base = Path.of("/var/tmp");
        }
        Path outside =
                Files.createDirectories(base.resolve("pgferry-hostile-outside").resolve(suffix()));
        outsides.add(outside);
        assertThat(outside.toRealPath().startsWith(Path.of(JAVA_TMPDIR).toRealPath()))
                .as("the outside folder %s must not be under java.io.tmpdir %s", outside, JAVA_TMPDIR)
                .isFalse();
        assertThat(sandbox.toRealPath())
                .as("the sandbox must be under java.io.tmpdir")
                .startsWith(Path.of(JAVA_TMPDIR).toRealPath());
        return outside;
    }
}
