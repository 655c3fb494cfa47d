package io.pgferry.hostile;

import static io.pgferry.testing.Names.suffix;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobItem;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pgferry.testing.Payloads;
import io.pgferry.testing.TestingAzurite;
import io.pgferry.testing.TestingPostgres;
import io.pgferry.testing.TestingServers;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * Hostile input on the source side (the hostile-input contract, issue 13): SQL through every identifier and query
 * hook, the query itself, connection-string keys and values, and session state left on pooled connections. Every
 * case asserts the answer (status, errorCode, the details pointer where the contract gives one, no Java class or
 * password in the body) and that nothing happened on the server ({@link SourceCanary}).
 */
@QuarkusTest
class SourceHostileIT {
    private static final String LINKED = "/linkedServices/0/properties/typeProperties";
    private static final String CONNECTION_STRING = LINKED + "/connectionString";
    private static final String SOURCE = "/activity/typeProperties/source";
    private static final String PARTITION_SETTINGS = SOURCE + "/partitionSettings";
    private static final String PARTITION_NAMES = PARTITION_SETTINGS + "/partitionNames";
    private static final String TABLE_SETTINGS = "/datasets/0/properties/typeProperties";
    private static final Set<String> QUERY_REFUSED = Set.of("SourceQueryNotReadOnly", "SourceQueryFailed");
    private static final Set<String> NOT_A_READ =
            Set.of("SourceQueryNotReadOnly", "SourceQueryFailed", "SourceQueryReturnsNoRows");
    private static final String DELETE = "DELETE FROM " + SourceCanary.TABLE;
    private static final String CLOSE_THE_COPY =
            "SELECT 1 AS one) TO STDOUT; COMMIT; " + DELETE + "; COPY (SELECT 1 AS one";
    private static final String DELETING_CTE = "WITH d AS (" + DELETE + " RETURNING *) SELECT * FROM d";
    /**
     * A leaf partition's name that, spliced raw into a string literal of the query, ends the literal and the COPY,
     * commits the read-only transaction and deletes the canary; the rest of the COPY's text then parses as one more
     * COPY (reading this very partition), so the whole simple-protocol string succeeds. 60 bytes: PostgreSQL would
     * cut a longer name at 63.
     */
    static final String LITERAL_BREAKER = "')) TO STDOUT;COMMIT;" + DELETE + ";COPY ((SELECT '";
    /** Places each slice's partition name inside a string literal, and reads the partition. */
    static final String HOOK_IN_LITERAL = "SELECT '?AdfTabularPartitionName' AS x, p.* FROM ?AdfTabularPartitionName p";
    /** Connection timeouts are part of a pool's key: a unique one gives a test a pool of its own. */
    private static final AtomicInteger POOLS = new AtomicInteger(100);

    private final TestingPostgres postgres = TestingServers.postgres();
    private final TestingAzurite azurite = TestingServers.azurite();
    private final SourceCanary canary = new SourceCanary(postgres);
    private SourceCanary.Snapshot before;
    private String container;

    @BeforeEach
    void snapshotTheServer() {
        Fixture.get();
        canary.reset();
        container = "t-" + suffix();
        before = canary.snapshot();
    }

    @AfterEach
    void endLeakingSessions() {
        // Only sessions a failed assertion already reported: the next test starts clean.
        canary.endLeakingSessions();
    }

    // ---- 1. SQL through identifiers and query hooks ---------------------------------------------------------------

    static Stream<Case> partitionNames() {
        String pointer = PARTITION_NAMES + "/1";
        return Stream.of(
                partitionName(
                        "quotes, semicolons and COMMIT",
                        "p'); COMMIT; " + DELETE + "; --",
                        refusedAt(pointer, "SourcePartitionNotFound")),
                partitionName(
                        "a stray double quote",
                        "p_low\"; COMMIT; " + DELETE + "; --",
                        refusedAt(pointer, "InvalidPayload", "SourcePartitionNotFound")),
                partitionName(
                        "an escaped double quote inside a quoted name",
                        "\"" + Fixture.get().schema + "\".\"p_low\"\" ; COMMIT; " + DELETE + "; --\"",
                        refusedAt(pointer, "SourcePartitionNotFound")),
                partitionName(
                        "an unterminated quote",
                        "\"p_low; COMMIT; " + DELETE + "; --",
                        refusedAt(pointer, "InvalidPayload")),
                partitionName(
                        "three parts",
                        TestingPostgres.DATABASE + "." + Fixture.get().schema + ".p_low",
                        refusedAt(pointer, "InvalidPayload")),
                partitionName(
                        "a real table that is not a partition",
                        Fixture.get().schema + ".plain",
                        refusedAt(pointer, "SourcePartitionNotFound")),
                partitionName(
                        "a partition of another partitioned table",
                        Fixture.get().schema + ".other_p",
                        refusedAt(pointer, "SourcePartitionNotFound")),
                partitionName(
                        "the partitioned table itself",
                        Fixture.get().schema + ".parted",
                        refusedAt(pointer, "SourcePartitionNotFound")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("partitionNames")
    void aPartitionNameMustBeALeafPartitionOfTheDatasetsTable(Case hostile) {
        ObjectNode payload = payload(Fixture.get().schema + ".parted");
        source(payload).put("type", "AzurePostgreSqlSource").put("partitionOption", "PhysicalPartitionsOfTable");
        hostile.edit().accept(payload);

        assertAnsweredAndNothingHappened(payload, hostile.expect());
    }

    @Test
    void aLeafPartitionNamedInAHookQueryIsRead() {
        canaryFirst(() -> {
            // The control for the attack below: the same query and table, a benign partition name.
            ObjectNode payload = payload(Fixture.get().schema + ".parted");
            isolatedPool(payload, POOLS.incrementAndGet());
            source(payload)
                    .put("type", "AzurePostgreSqlSource")
                    .put("partitionOption", "PhysicalPartitionsOfTable")
                    .put("query", HOOK_IN_LITERAL)
                    .putObject("partitionSettings")
                    .putArray("partitionNames")
                    .add(Fixture.get().schema + ".p_low");

            Response response = post(payload);

            assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
            assertThat(response.<Integer>path("rowsCopied")).isEqualTo(100);
        });
    }

    @Test
    void aPartitionNameSplicedIntoAStringLiteralCannotEndTheLiteralOrTheCopy() {
        Fixture fixture = Fixture.get();
        ObjectNode payload = payload(fixture.schema + ".parted");
        isolatedPool(payload, POOLS.incrementAndGet());
        // A real leaf partition of the dataset's table, so it passes the catalogue check: only parsing each slice's
        // final SQL on its own stops it.
        source(payload)
                .put("type", "AzurePostgreSqlSource")
                .put("partitionOption", "PhysicalPartitionsOfTable")
                .put("query", HOOK_IN_LITERAL)
                .putObject("partitionSettings")
                .putArray("partitionNames")
                .add("\"" + fixture.schema + "\".\"" + LITERAL_BREAKER + "\"");

        assertAnsweredAndNothingHappened(payload, refused("SourceQueryNotReadOnly", "SourceQueryFailed"));
    }

    static Stream<Case> tableNamesAndRanges() {
        String tableName = TABLE_SETTINGS + "/tableName";
        String ranged = Fixture.get().schema + ".ranged";
        return Stream.of(
                new Case(
                        "tableName with a semicolon and a statement",
                        p -> tableName(p, "rows; " + DELETE + "; --"),
                        refusedAt(tableName, "SourceObjectNotFound")),
                new Case(
                        "tableName closing a double quote",
                        p -> tableName(p, "canary.rows\"; " + DELETE + "; --"),
                        refusedAt(tableName, "InvalidPayload", "SourceObjectNotFound")),
                new Case(
                        "tableName quoted, holding a statement",
                        p -> tableName(p, "\"canary\".\"rows; " + DELETE + "; --\""),
                        refusedAt(tableName, "SourceObjectNotFound")),
                new Case(
                        "tableName quoted, with an escaped quote",
                        p -> tableName(p, "\"canary\".\"rows\"\" ; " + DELETE + "; --\""),
                        refusedAt(tableName, "SourceObjectNotFound")),
                new Case(
                        "tableName of three parts with a quote and parenthesis",
                        p -> tableName(p, "canary.rows'); " + DELETE + "; --"),
                        refusedAt(tableName, "InvalidPayload")),
                new Case(
                        "V2 table with a double quote and a statement",
                        p -> schemaAndTable(p, "canary", "rows\"; " + DELETE + "; --"),
                        refusedAt(TABLE_SETTINGS + "/table", "SourceObjectNotFound")),
                new Case(
                        "V2 schema with a double quote and a statement",
                        p -> schemaAndTable(p, "canary\"; " + DELETE + "; --", "rows"),
                        refusedAt(TABLE_SETTINGS + "/schema", "SourceObjectNotFound")),
                new Case(
                        "V2 table with single quotes",
                        p -> schemaAndTable(p, "canary", "rows' OR '1'='1"),
                        refusedAt(TABLE_SETTINGS + "/table", "SourceObjectNotFound")),
                new Case(
                        "DynamicRange column closing its quote",
                        p -> dynamicRange(p, ranged, "id\" FROM canary.rows; " + DELETE + "; --", null, null),
                        refusedAt(
                                PARTITION_SETTINGS + "/partitionColumnName",
                                "SourceQueryFailed",
                                "SourceObjectNotFound",
                                "InvalidPayload")),
                new Case(
                        "DynamicRange column widening the condition",
                        p -> dynamicRange(p, ranged, "id\") OR (TRUE", null, null),
                        refusedAt(
                                PARTITION_SETTINGS + "/partitionColumnName",
                                "SourceQueryFailed",
                                "SourceObjectNotFound",
                                "InvalidPayload")),
                new Case(
                        "DynamicRange lower bound with a statement",
                        p -> dynamicRange(p, ranged, "id", "1; " + DELETE, "100"),
                        refusedAt(PARTITION_SETTINGS + "/partitionLowerBound", "SourceQueryFailed", "InvalidPayload")),
                new Case(
                        "DynamicRange upper bound widening the condition",
                        p -> dynamicRange(p, ranged, "id", "1", "100) OR (1=1"),
                        refusedAt(PARTITION_SETTINGS + "/partitionUpperBound", "SourceQueryFailed", "InvalidPayload")),
                new Case(
                        "DynamicRange lower bound with a subquery",
                        p -> dynamicRange(p, ranged, "id", "(SELECT count(*) FROM canary.rows)", "100"),
                        refusedAt(PARTITION_SETTINGS + "/partitionLowerBound", "SourceQueryFailed", "InvalidPayload")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tableNamesAndRanges")
    void tableAndColumnNamesAreQuotedIdentifiersAndBoundsAreValues(Case hostile) {
        ObjectNode payload = payload("unused");
        hostile.edit().accept(payload);

        assertAnsweredAndNothingHappened(payload, hostile.expect());
    }

    // ---- 2. The query itself --------------------------------------------------------------------------------------

    static Stream<Case> queries() {
        return Stream.of(
                query("stacked statements", "SELECT 1 AS one; " + DELETE, QUERY_REFUSED),
                query(
                        "stacked statements with a COMMIT",
                        "SELECT 1 AS one; COMMIT; " + DELETE + "; SELECT 1 AS one",
                        QUERY_REFUSED),
                query("closing the COPY's parenthesis", CLOSE_THE_COPY, QUERY_REFUSED),
                query(
                        "closing the COPY's parenthesis with its options",
                        "SELECT 1 AS one) TO STDOUT WITH (FORMAT csv); COMMIT; " + DELETE + "; COPY (SELECT 1 AS one",
                        QUERY_REFUSED),
                query("an unterminated block comment swallowing the COPY's end", "SELECT 1 AS one /*", QUERY_REFUSED),
                query(
                        "a block comment hiding the parenthesis from a naive scanner",
                        "SELECT 1 AS one /* */) TO STDOUT; COMMIT; " + DELETE + "; COPY (SELECT 1 AS one /*",
                        QUERY_REFUSED),
                query("a data-modifying CTE (DELETE)", DELETING_CTE, QUERY_REFUSED),
                query(
                        "a data-modifying CTE (UPDATE)",
                        "WITH u AS (UPDATE " + SourceCanary.TABLE + " SET v = 'x' RETURNING *) SELECT * FROM u",
                        QUERY_REFUSED),
                query("nextval", "SELECT nextval('" + SourceCanary.SEQUENCE + "') AS n", QUERY_REFUSED),
                query("setval", "SELECT setval('" + SourceCanary.SEQUENCE + "', 999) AS n", QUERY_REFUSED),
                query("lo_creat", "SELECT lo_creat(-1) AS lo", QUERY_REFUSED),
                query("lo_import", "SELECT lo_import('/etc/hostname') AS lo", QUERY_REFUSED),
                query("lo_from_bytea", "SELECT lo_from_bytea(0, 'x'::bytea) AS lo", QUERY_REFUSED),
                query(
                        "set_config transaction_read_only off",
                        "SELECT set_config('transaction_read_only', 'off', false) AS s",
                        QUERY_REFUSED),
                query("SELECT FOR UPDATE", "SELECT * FROM " + SourceCanary.TABLE + " FOR UPDATE", QUERY_REFUSED),
                query("SELECT FOR SHARE", "SELECT * FROM " + SourceCanary.TABLE + " FOR SHARE", QUERY_REFUSED),
                query("a bare COMMIT then a write", "COMMIT; " + DELETE, NOT_A_READ),
                query("a DO block", "DO $$BEGIN " + DELETE + "; END$$", NOT_A_READ));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("queries")
    void aQueryRunsReadOnlyAsExactlyOneStatement(Case hostile) {
        ObjectNode payload = payload("unused");
        isolatedPool(payload, POOLS.incrementAndGet());
        hostile.edit().accept(payload);

        assertAnsweredAndNothingHappened(payload, hostile.expect());
    }

    @Test
    void aTrailingLineCommentIsPartOfTheOneStatementAndEndsAtTheCopysLineBreak() {
        canaryFirst(() -> {
            ObjectNode payload = payload("unused");
            isolatedPool(payload, POOLS.incrementAndGet());
            source(payload).put("query", "SELECT 1 AS one -- " + CLOSE_THE_COPY.substring("SELECT 1 AS one".length()));

            Response response = post(payload);

            assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
            assertThat(response.<Integer>path("rowsCopied")).isEqualTo(1);
        });
    }

    // ---- 3. Connection-string keys and values ---------------------------------------------------------------------

    static Stream<Case> connections() {
        int port = TestingServers.postgres().port();
        String db = TestingPostgres.DATABASE;
        String user = TestingPostgres.USER;
        List<Case> cases = new ArrayList<>();
        // ODBC connection strings: a host must be a host; the refusal names the key, never the value.
        cases.add(odbc(
                "Server with a URL path and preferQueryMode=simple, stacked statements",
                "Server=127.0.0.1:" + port + "/" + db + "?preferQueryMode=simple&x=;Database=" + db,
                "SELECT 1 AS one; COMMIT; " + DELETE + "; SELECT 1 AS one",
                invalidAt(CONNECTION_STRING, "Server")));
        cases.add(odbc(
                "Server with a URL path and preferQueryMode=simple, closing the COPY",
                "Server=127.0.0.1:" + port + "/" + db + "?preferQueryMode=simple&x=;Database=" + db,
                CLOSE_THE_COPY,
                invalidAt(CONNECTION_STRING, "Server")));
        cases.add(odbc(
                "Server with a URL path and readOnlyMode=ignore, a deleting CTE",
                "Server=127.0.0.1:" + port + "/" + db + "?readOnlyMode=ignore&x=;Database=" + db,
                DELETING_CTE,
                invalidAt(CONNECTION_STRING, "Server")));
        cases.add(odbc(
                "Server with loggerFile and loggerLevel parameters",
                "Server=127.0.0.1:" + port + "/" + db + "?loggerLevel=TRACE&loggerFile=/tmp/pgferry-hostile.log&x=;"
                        + "Database=" + db,
                null,
                invalidAt(CONNECTION_STRING, "Server")));
        cases.add(odbc(
                "Server with a socketFactory parameter",
                "Server=127.0.0.1:" + port + "/" + db
                        + "?socketFactory=java.lang.ProcessBuilder&socketFactoryArg=id&x=;Database=" + db,
                null,
                invalidAt(CONNECTION_STRING, "Server")));
        cases.add(odbc(
                "Server with & and =",
                "Server=127.0.0.1&sslmode=disable&options=-c%20x=y;Port=" + port + ";Database=" + db,
                null,
                invalidAt(CONNECTION_STRING, "Server")));
        cases.add(odbc(
                "Server with a comma (pgjdbc's multi-host list)",
                "Server=127.0.0.1:" + port + ",127.0.0.1;Port=" + port + ";Database=" + db,
                null,
                invalidAt(CONNECTION_STRING, "Server")));
        cases.add(odbc(
                "Host with a URL path",
                "Host=127.0.0.1:" + port + "/" + db + "?readOnlyMode=ignore&x=;Database=" + db,
                DELETING_CTE,
                invalidAt(CONNECTION_STRING, "Server|Host")));
        cases.add(odbc(
                "Server with NUL",
                "Server=127.0.0.1\u0000evil;Port=" + port + ";Database=" + db,
                null,
                invalidAt(CONNECTION_STRING, "Server")));
        cases.add(odbc(
                "Server with a line break",
                "Server=127.0.0.1\nevil;Port=" + port + ";Database=" + db,
                null,
                invalidAt(CONNECTION_STRING, "Server")));
        cases.add(odbc(
                "Database with NUL (startup packet injection)",
                "Server=127.0.0.1;Port=" + port + ";Database=" + db
                        + "\u0000options\u0000-c default_transaction_read_only=off",
                DELETING_CTE,
                invalidAt(CONNECTION_STRING, "Database")));
        cases.add(odbc(
                "Database with a line break",
                "Server=127.0.0.1;Port=" + port + ";Database=" + db + "\nx",
                null,
                invalidAt(CONNECTION_STRING, "Database")));
        cases.add(odbc(
                "UID with NUL",
                "Server=127.0.0.1;Port=" + port + ";Database=" + db + ";UID=" + user + "\u0000database\u0000postgres",
                null,
                invalidAt(CONNECTION_STRING, "UID|User")));
        cases.add(odbc(
                "UID with a line break",
                "Server=127.0.0.1;Port=" + port + ";Database=" + db + ";UID=" + user + "\nx",
                null,
                invalidAt(CONNECTION_STRING, "UID|User")));
        cases.add(odbc(
                "Port=99999",
                "Server=127.0.0.1;Port=99999;Database=" + db,
                null,
                invalidAt(CONNECTION_STRING, "Port")));
        cases.add(
                odbc("Port=-1", "Server=127.0.0.1;Port=-1;Database=" + db, null, invalidAt(CONNECTION_STRING, "Port")));
        cases.add(odbc(
                "Port with a URL path",
                "Server=127.0.0.1;Port=" + port + "/" + db + "?readOnlyMode=ignore;" + "Database=" + db,
                DELETING_CTE,
                invalidAt(CONNECTION_STRING, "Port")));
        cases.add(odbc(
                "a socketFactory key",
                "Server=127.0.0.1;Port=" + port + ";Database=" + db + ";socketFactory=java.lang.ProcessBuilder",
                null,
                invalidAt(CONNECTION_STRING, "socketFactory")));
        cases.add(odbc(
                "a loggerFile key",
                "Server=127.0.0.1;Port=" + port + ";Database=" + db + ";loggerFile=/tmp/pgferry-hostile.log",
                null,
                invalidAt(CONNECTION_STRING, "loggerFile")));
        // Database and user names are taken literally: such a database or role simply does not exist.
        cases.add(odbc(
                "Database with readOnlyMode=ignore, a deleting CTE",
                "Server=127.0.0.1;Port=" + port + ";Database=" + db + "?readOnlyMode=ignore",
                DELETING_CTE,
                refusedAt(CONNECTION_STRING, "SourceDatabaseNotFound")));
        cases.add(odbc(
                "Database postgres?readOnlyMode=ignore",
                "Server=127.0.0.1;Port=" + port + ";Database=postgres?readOnlyMode=ignore",
                DELETING_CTE,
                refusedAt(CONNECTION_STRING, "SourceDatabaseNotFound")));
        cases.add(odbc(
                "Database with / ? & =",
                "Server=127.0.0.1;Port=" + port + ";Database=" + db + "/x?preferQueryMode=simple&y=z",
                null,
                refusedAt(CONNECTION_STRING, "SourceDatabaseNotFound")));
        cases.add(odbc(
                "UID with ? and =",
                "Server=127.0.0.1;Port=" + port + ";Database=" + db + ";UID=" + user + "?readOnlyMode=ignore",
                null,
                refusedAt(CONNECTION_STRING, "SourceAuthenticationFailed")));
        // The legacy linked service's separate fields.
        cases.add(new Case(
                "legacy server with a URL path and preferQueryMode=simple",
                p -> legacy(
                        p,
                        "127.0.0.1:" + port + "/" + db + "?preferQueryMode=simple&x=",
                        port,
                        "SELECT 1 AS one; COMMIT; " + DELETE + "; SELECT 1 AS one"),
                invalidAt(LINKED + "/server", null)));
        // PostgreSqlV2.
        cases.add(v2(
                "V2 server host:99999",
                s -> s.put("server", "127.0.0.1:99999").remove("port"),
                null,
                invalidAt(LINKED + "/server", null)));
        cases.add(v2(
                "V2 server host:0",
                s -> s.put("server", "127.0.0.1:0").remove("port"),
                null,
                invalidAt(LINKED + "/server", null)));
        cases.add(v2(
                "V2 server with a URL path and readOnlyMode=ignore, a deleting CTE",
                s -> s.put("server", "127.0.0.1:" + port + "/" + db + "?readOnlyMode=ignore&x=")
                        .remove("port"),
                DELETING_CTE,
                invalidAt(LINKED + "/server", null)));
        cases.add(v2(
                "V2 server with a comma",
                s -> s.put("server", "127.0.0.1,127.0.0.1"),
                null,
                invalidAt(LINKED + "/server", null)));
        cases.add(v2(
                "V2 server with NUL",
                s -> s.put("server", "127.0.0.1\u0000evil"),
                null,
                invalidAt(LINKED + "/server", null)));
        cases.add(v2("V2 port 99999", s -> s.put("port", 99999), null, invalidAt(LINKED + "/port", null)));
        cases.add(v2("V2 port -1", s -> s.put("port", -1), null, invalidAt(LINKED + "/port", null)));
        cases.add(v2(
                "V2 database with NUL",
                s -> s.put("database", db + "\u0000options\u0000-c x=y"),
                null,
                invalidAt(LINKED + "/database", null)));
        cases.add(v2(
                "V2 username with a line break",
                s -> s.put("username", user + "\r\nx"),
                null,
                invalidAt(LINKED + "/username", null)));
        cases.add(v2(
                "V2 password with NUL",
                s -> s.put("password", s.get("password").asText() + "\u0000x"),
                null,
                invalidAt(LINKED + "/password", null)));
        cases.add(v2(
                "V2 schema with NUL",
                s -> s.put("schema", "public\u0000evil"),
                null,
                invalidAt(LINKED + "/schema", null)));
        cases.add(v2(
                "V2 schema with a line break",
                s -> s.put("schema", "public\nevil"),
                null,
                invalidAt(LINKED + "/schema", null)));
        cases.add(v2(
                "V2 timezone with NUL",
                s -> s.put("timezone", "UTC\u0000evil"),
                null,
                invalidAt(LINKED + "/timezone", null)));
        cases.add(v2(
                "V2 timezone with a quote and a statement",
                s -> s.put("timezone", "UTC'; COMMIT; " + DELETE + "; --"),
                null,
                refusedAt(LINKED + "/timezone", "InvalidPayload", "SourceQueryFailed")));
        cases.add(v2(
                "V2 timezone with a backslash-escaped quote",
                s -> s.put("timezone", "UTC\\'; COMMIT; " + DELETE + "; --"),
                null,
                refusedAt(LINKED + "/timezone", "InvalidPayload", "SourceQueryFailed")));
        cases.add(v2(
                "V2 database with readOnlyMode=ignore, a deleting CTE",
                s -> s.put("database", db + "?readOnlyMode=ignore"),
                DELETING_CTE,
                refusedAt(LINKED + "/database", "SourceDatabaseNotFound")));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("connections")
    void connectionFieldsNeverReachTheJdbcUrl(Case hostile) {
        ObjectNode payload = payload("unused");
        source(payload).put("query", "SELECT 1 AS one");
        hostile.edit().accept(payload);

        assertAnsweredAndNothingHappened(payload, hostile.expect());
    }

    // ---- 4. Session state on pooled connections -------------------------------------------------------------------

    @Test
    void anAdvisoryLockDoesNotOutliveItsCopy() {
        canaryFirst(() -> {
            int pool = POOLS.incrementAndGet();
            ObjectNode lock = payload("unused");
            isolatedPool(lock, pool);
            source(lock).put("query", "SELECT pg_advisory_lock(424242) AS l");
            Response locked = post(lock);
            assertThat(locked.statusCode()).as(locked.asString()).isEqualTo(200);

            assertThat(canary.advisoryLocksOn(424242))
                    .as("advisory lock 424242 once the copy answered")
                    .isEmpty();

            // The next copy on the same pool holds no advisory lock either.
            String next = "t-" + suffix();
            ObjectNode check = payload("unused", next);
            isolatedPool(check, pool);
            source(check)
                    .put(
                            "query",
                            "SELECT count(*) AS held FROM pg_locks WHERE locktype = 'advisory'"
                                    + " AND pid = pg_backend_pid()");
            Response checked = post(check);
            assertThat(checked.statusCode()).as(checked.asString()).isEqualTo(200);
            assertThat(csvValues(next)).containsExactly("0");
        });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"pgferry.leak, yes", "search_path, canary", "session_replication_role, replica"})
    void aSessionSettingDoesNotOutliveItsCopy(String name, String value) {
        canaryFirst(() -> {
            int pool = POOLS.incrementAndGet();
            String baseline = "t-" + suffix();
            ObjectNode read = payload("unused", baseline);
            isolatedPool(read, pool);
            source(read).put("query", "SELECT current_setting('" + name + "', true) AS s");
            assertThat(post(read).statusCode()).isEqualTo(200);
            List<String> fresh = csvValues(baseline);

            ObjectNode set = payload("unused");
            isolatedPool(set, pool);
            source(set).put("query", "SELECT set_config('" + name + "', '" + value + "', false) AS s");
            Response response = post(set);
            assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
            assertThat(csvValues(container)).containsExactly(value);

            String after = "t-" + suffix();
            ObjectNode again = payload("unused", after);
            isolatedPool(again, pool);
            source(again).put("query", "SELECT current_setting('" + name + "', true) AS s");
            Response readAgain = post(again);
            assertThat(readAgain.statusCode()).as(readAgain.asString()).isEqualTo(200);
            List<String> seen = csvValues(after);
            if (name.startsWith("pgferry.")) {
                // A placeholder the server may keep defined: empty or NULL, never the value.
                assertThat(seen).hasSize(1).first().satisfies(v -> assertThat(v).isIn("", "\"\""));
            } else {
                assertThat(seen).as(name + " on the next copy of the same pool").isEqualTo(fresh);
            }
        });
    }

    @Test
    void temporaryTablesPreparedStatementsAndListenersCannotBeLeftBehind() {
        canaryFirst(() -> {
            int pool = POOLS.incrementAndGet();
            List<String> attempts = List.of(
                    "SELECT 1 AS one INTO TEMP pgferry_leak_tmp",
                    "CREATE TEMP TABLE pgferry_leak_tmp AS SELECT 1 AS one",
                    "PREPARE pgferry_leak AS SELECT 1",
                    "LISTEN pgferry_leak",
                    "SELECT 1 AS one) TO STDOUT; CREATE TEMP TABLE pgferry_leak_tmp (i int);"
                            + " PREPARE pgferry_leak AS SELECT 1; LISTEN pgferry_leak; COPY (SELECT 1 AS one");
            for (String attempt : attempts) {
                ObjectNode payload = payload("unused");
                isolatedPool(payload, pool);
                source(payload).put("query", attempt);
                new Expect(400, NOT_A_READ, null, null).check(post(payload), postgres);
            }

            String next = "t-" + suffix();
            ObjectNode check = payload("unused", next);
            isolatedPool(check, pool);
            source(check)
                    .put(
                            "query",
                            "SELECT to_regclass('pg_temp.pgferry_leak_tmp') IS NULL AS no_temp,"
                                    + " (SELECT count(*) FROM pg_prepared_statements WHERE name = 'pgferry_leak') AS prepared,"
                                    + " (SELECT count(*) FROM pg_listening_channels()) AS channels");
            Response checked = post(check);
            assertThat(checked.statusCode()).as(checked.asString()).isEqualTo(200);
            assertThat(csvValues(next)).containsExactly("t,0,0");
            assertNothingWritten();
        });
    }

    // ---- cases ----------------------------------------------------------------------------------------------------

    /** One hostile input: how it changes the payload, and the answer it must get. */
    record Case(String name, Consumer<ObjectNode> edit, Expect expect) {
        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * The answer a hostile input must get.
     *
     * @param pointer the payload field at fault: an {@code InvalidPayload} or {@code SourcePartitionNotFound} must
     *        name it as its only detail; any other refusal may omit details, but those it gives must name it
     * @param reasonKeys a regular expression the (first) reason must contain, case-insensitive: the ODBC key at fault
     */
    record Expect(int status, Set<String> codes, String pointer, String reasonKeys) {
        void check(Response response, TestingPostgres postgres) {
            String body = response.asString();
            assertThat(response.statusCode()).as("status of " + body).isEqualTo(status);
            assertThat(response.contentType()).as("content type of " + body).startsWith("application/json");
            assertThat(response.<String>path("errorCode"))
                    .as("errorCode of " + body)
                    .isIn(codes);
            assertThat(response.<String>path("failureType"))
                    .as("failureType of " + body)
                    .isEqualTo("UserError");
            assertThat(body)
                    .as("the answer names no Java class")
                    .doesNotContain("java.", "javax.", "org.postgresql", "Exception");
            assertThat(body).as("the answer holds no password").doesNotContain(postgres.password());
            List<String> pointers = response.path("details.pointer");
            String code = response.path("errorCode");
            if (pointer != null
                    && Set.of("InvalidPayload", "SourcePartitionNotFound").contains(code)) {
                assertThat(pointers).as("details of " + body).containsExactly(pointer);
            } else if (pointer != null && pointers != null) {
                assertThat(pointers).as("details of " + body).allMatch(pointer::equals);
            }
            if (reasonKeys != null) {
                assertThat(response.<String>path("details[0].reason"))
                        .as("reason of " + body)
                        .containsPattern(Pattern.compile("(?i)" + reasonKeys));
            }
        }
    }

    private static Expect invalidAt(String pointer, String reasonKeys) {
        return new Expect(400, Set.of("InvalidPayload"), pointer, reasonKeys);
    }

    private static Expect refusedAt(String pointer, String... codes) {
        return new Expect(400, Set.of(codes), pointer, null);
    }

    private static Expect refused(String... codes) {
        return new Expect(400, Set.of(codes), null, null);
    }

    private static Case partitionName(String name, String partition, Expect expect) {
        return new Case(
                name,
                p -> source(p)
                        .putObject("partitionSettings")
                        .putArray("partitionNames")
                        .add(Fixture.get().schema + ".p_low")
                        .add(partition),
                expect);
    }

    private static Case query(String name, String query, Set<String> codes) {
        return new Case(name, p -> source(p).put("query", query), new Expect(400, codes, null, null));
    }

    private static Case odbc(String name, String connection, String query, Expect expect) {
        return new Case(
                name,
                p -> {
                    String full = connection;
                    if (!full.contains("UID=")) {
                        full += ";UID=" + TestingPostgres.USER;
                    }
                    full += ";Password=" + TestingServers.postgres().password();
                    p.withObject("/linkedServices/0/properties/typeProperties")
                            .putObject("connectionString")
                            .put("type", "SecureString")
                            .put("value", full);
                    if (query != null) {
                        source(p).put("query", query);
                    }
                },
                expect);
    }

    private static Case v2(String name, Consumer<ObjectNode> settings, String query, Expect expect) {
        return new Case(
                name,
                p -> {
                    settings.accept(isolatedPool(p, POOLS.incrementAndGet()));
                    if (query != null) {
                        source(p).put("query", query);
                    }
                },
                expect);
    }

    private static void legacy(ObjectNode payload, String server, int port, String query) {
        TestingPostgres postgres = TestingServers.postgres();
        ObjectNode settings = payload.withObject("/linkedServices/0/properties").putObject("typeProperties");
        settings.put("server", server)
                .put("port", port)
                .put("database", TestingPostgres.DATABASE)
                .put("username", TestingPostgres.USER)
                .put("password", postgres.password());
        source(payload).put("query", query);
    }

    private static void tableName(ObjectNode payload, String tableName) {
        payload.withObject(TABLE_SETTINGS).put("tableName", tableName);
    }

    private static void schemaAndTable(ObjectNode payload, String schema, String table) {
        payload.withObject("/datasets/0/properties")
                .put("type", "PostgreSqlV2Table")
                .putObject("typeProperties")
                .put("schema", schema)
                .put("table", table);
        source(payload).put("type", "PostgreSqlV2Source");
    }

    private static void dynamicRange(ObjectNode payload, String table, String column, String lower, String upper) {
        tableName(payload, table);
        payload.withObject("/activity/typeProperties").put("parallelCopies", 2);
        ObjectNode settings = source(payload)
                .put("type", "AzurePostgreSqlSource")
                .put("partitionOption", "DynamicRange")
                .putObject("partitionSettings")
                .put("partitionColumnName", column);
        if (lower != null) {
            settings.put("partitionLowerBound", lower);
        }
        if (upper != null) {
            settings.put("partitionUpperBound", upper);
        }
    }

    // ---- fixtures -------------------------------------------------------------------------------------------------

    /**
     * Tables the identifier cases name, made once per JVM: {@code parted} (partitions p_low, p_high and the
     * {@link #LITERAL_BREAKER}), {@code other_parted} (partition other_p), {@code plain}, and {@code ranged} for
     * DynamicRange.
     */
    static final class Fixture {
        private static Fixture instance;
        final String schema = "hostile_" + suffix();

        static synchronized Fixture get() {
            if (instance == null) {
                Fixture fixture = new Fixture();
                fixture.create(TestingServers.postgres());
                instance = fixture;
            }
            return instance;
        }

        private void create(TestingPostgres postgres) {
            assertThat(LITERAL_BREAKER.getBytes(StandardCharsets.UTF_8).length).isLessThan(64);
            String s = "\"" + schema + "\"";
            postgres.execute(
                    "CREATE SCHEMA " + s,
                    "CREATE TABLE " + s + ".parted (id int, name text) PARTITION BY RANGE (id)",
                    "CREATE TABLE " + s + ".p_low PARTITION OF " + s + ".parted FOR VALUES FROM (0) TO (100)",
                    "CREATE TABLE " + s + ".p_high PARTITION OF " + s + ".parted FOR VALUES FROM (100) TO (200)",
                    "CREATE TABLE " + s + ".\"" + LITERAL_BREAKER + "\" PARTITION OF " + s + ".parted"
                            + " FOR VALUES FROM (200) TO (300)",
                    "INSERT INTO " + s + ".parted SELECT i, 'n' || i FROM generate_series(0, 299) i",
                    "CREATE TABLE " + s + ".other_parted (id int) PARTITION BY RANGE (id)",
                    "CREATE TABLE " + s + ".other_p PARTITION OF " + s + ".other_parted FOR VALUES FROM (0) TO (10)",
                    "INSERT INTO " + s + ".other_parted SELECT generate_series(0, 9)",
                    "CREATE TABLE " + s + ".plain (id int, name text)",
                    "INSERT INTO " + s + ".plain VALUES (1, 'plain')",
                    "CREATE TABLE " + s + ".ranged (id int PRIMARY KEY, v int)",
                    "INSERT INTO " + s + ".ranged SELECT i, i FROM generate_series(1, 100) i");
        }
    }

    private ObjectNode payload(String table) {
        return payload(table, container);
    }

    private ObjectNode payload(String table, String into) {
        return Payloads.tableToCsv(table, into, postgres, azurite.connectionString());
    }

    /**
     * The source linked service as PostgreSqlV2 with a connection timeout no other test uses, so the copy gets a
     * pool of its own: a pooled connection an attack left in a bad state cannot fail another test. Returns its
     * typeProperties.
     */
    private static ObjectNode isolatedPool(ObjectNode payload, int pool) {
        TestingPostgres postgres = TestingServers.postgres();
        ObjectNode linkedService = payload.withObject("/linkedServices/0/properties");
        linkedService.put("type", "PostgreSqlV2");
        return linkedService
                .putObject("typeProperties")
                .put("server", postgres.host())
                .put("port", postgres.port())
                .put("database", TestingPostgres.DATABASE)
                .put("username", TestingPostgres.USER)
                .put("password", postgres.password())
                .put("sslMode", 0)
                .put("connectionTimeout", pool);
    }

    private static ObjectNode source(ObjectNode payload) {
        return payload.withObject(SOURCE);
    }

    private static Response post(ObjectNode payload) {
        return given().contentType(ContentType.JSON)
                .body(payload.toString())
                .post("/copy")
                .then()
                .extract()
                .response();
    }

    /** The data lines (header dropped) of the CSV files a copy wrote into {@code into}, in name order. */
    private List<String> csvValues(String into) {
        BlobContainerClient client = azurite.container(into);
        List<String> values = new ArrayList<>();
        for (BlobItem item : client.listBlobs()) {
            if (item.getName().substring(item.getName().lastIndexOf('/') + 1).startsWith("_")) {
                continue; // the manifest
            }
            String text = client.getBlobClient(item.getName()).downloadContent().toString();
            List<String> lines = new ArrayList<>(List.of(text.split("\r\n", -1)));
            assertThat(lines.remove(lines.size() - 1))
                    .as("text after the last row")
                    .isEmpty();
            values.addAll(lines.subList(1, lines.size()));
        }
        return values;
    }

    private void assertNothingWritten() {
        BlobContainerClient client = azurite.container(container);
        if (client.exists()) {
            assertThat(client.listBlobs()).isEmpty();
        }
    }

    /** Posts a hostile payload and checks its answer, that nothing was written, and that nothing happened. */
    private void assertAnsweredAndNothingHappened(ObjectNode payload, Expect expect) {
        canaryFirst(() -> {
            expect.check(post(payload), postgres);
            assertNothingWritten();
        });
    }

    /**
     * Runs {@code checks} (of the answers), then the canary's: damage on the server is the failure reported, with
     * the answer's own failure (a wrong status, a request that never got an answer) attached to it.
     */
    private void canaryFirst(Check checks) {
        Throwable failure = null;
        try {
            checks.run();
        } catch (Exception | AssertionError e) {
            failure = e;
        }
        try {
            canary.assertNothingHappened(before);
        } catch (AssertionError damage) {
            if (failure != null) {
                damage.addSuppressed(failure);
            }
            throw damage;
        }
        if (failure instanceof AssertionError assertion) {
            throw assertion;
        }
        if (failure != null) {
            throw new AssertionError("the hostile copy got no answer: " + failure, failure);
        }
    }

    @FunctionalInterface
    interface Check {
        void run() throws Exception;
    }
}
