package io.pgferry.payload;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import io.pgferry.contract.CopyJob;
import io.pgferry.error.CopyException;
import io.pgferry.error.Violation;
import io.pgferry.payload.expression.Expressions;
import io.pgferry.sink.blob.BlobContainers;
import io.pgferry.sink.file.FileServerSink;
import io.pgferry.testing.Gen;
import io.pgferry.testing.Payloads;

/**
 * Property-based fuzzing of what reads untrusted text: the payload reader, the expression evaluator and the ODBC
 * connection-string parser. Whatever the input, each answers or refuses it with the project's own error (a 400
 * {@link CopyException}, an {@link Expressions.ExpressionException}, an {@link IllegalArgumentException}); nothing
 * else ever escapes (no NumberFormatException, DateTimeException, StackOverflowError, ...), since anything else
 * becomes a 500 for a user's mistake.
 *
 * <p>
 * Fuzz budget: a fixed number of tries per property, 1,500 mutated payloads + 2,000 expressions + 2,000 connection
 * strings = 5,500 cases, each micro- to milliseconds: a few seconds of CI time on two cores. Each property draws from
 * a fixed seed ({@link #SEED}), so every run tries the same cases and a failure names the try that failed; to fuzz
 * further, run with {@code -Dpgferry.fuzz.seed=<n>}.
 */
class PayloadFuzzTest {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    /** Mutations land at most this many levels down (not inside the deep arrays earlier mutations planted). */
    private static final int MUTABLE_DEPTH = 40;

    private static final SinkChecks CHECKS = new SinkChecks(
            BlobContainers::connectionStringProblem,
            host -> FileServerSink.rootProblem(host, Optional.of(List.of(Path.of("/srv/exports")))));
    private static final String BLOB = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
            + "AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;";

    /** Pieces of hostile text: expression syntax, control characters, path tricks, huge numbers, ADF type names. */
    private static final List<String> TOKENS = List.of(
            "@",
            "@@",
            "@{",
            "{",
            "}",
            "}}",
            "'",
            "''",
            "(",
            ")",
            ",",
            ".",
            "?.",
            "[",
            "]",
            "\u0000",
            "\u0001",
            "\u001f",
            "\u007f",
            "\n",
            "\r\n",
            "\t",
            " ",
            "/",
            "..",
            "\\",
            ";",
            "=",
            "a",
            "Z",
            "0",
            "-",
            "-1",
            "1.5",
            "1e30",
            "99999999999999999999999",
            "9223372036854775808",
            "\u00e9",
            "\ud800",
            "\u2028",
            "pipeline()",
            "pipeline().parameters.",
            "pipeline().RunId",
            "concat(",
            "utcnow()",
            "addDays(",
            "addHours(",
            "formatDateTime(",
            "dataset()",
            "linkedService()",
            "trigger()",
            "activity('x').output",
            "variables('v')",
            "toUpper(",
            "coalesce(",
            "string(",
            "Server=",
            "Password={",
            "SecureString",
            "Expression",
            "DelimitedText",
            "Copy",
            "OrdersTable",
            "OrdersCsv",
            "Postgres",
            "Blob",
            "yyyy/MM/dd",
            "00:00:01",
            "99999999.00:00:00");
    /** Keys that mean something somewhere in a payload, and some that are merely odd. */
    private static final List<String> KEYS = List.of(
            "type",
            "value",
            "name",
            "referenceName",
            "properties",
            "typeProperties",
            "parameters",
            "defaultValue",
            "query",
            "runId",
            "pipeline",
            "activity",
            "activities",
            "datasets",
            "linkedServices",
            "inputs",
            "outputs",
            "location",
            "container",
            "folderPath",
            "fileName",
            "partitionOption",
            "partitionSettings",
            "partitionNames",
            "partitionColumnName",
            "connectionString",
            "password",
            "server",
            "port",
            "maxRowsPerFile",
            "maxBytesPerFile",
            "parallelCopies",
            "queryTimeout",
            "blockSizeInMB",
            "columnDelimiter",
            "nullValue",
            "quoteChar",
            "credentials",
            "credential",
            "sasUri",
            "serviceEndpoint",
            "metadata",
            "compression",
            "x",
            "",
            "~",
            "a/b");

    // ---- (1) the payload reader ---------------------------------------------------------------------------------

    /** A valid payload with random subtrees replaced, removed or added: a CopyJob or a 400, nothing else. */
    @Test
    void aMutatedPayloadIsReadOrRefusedWith400() {
        tries(1500, (random, attempt) -> {
            boolean pipeline = random.nextBoolean();
            aMutatedPayloadIsReadOrRefusedWith400(pipeline, mutations().next(random));
        });
    }

    private static void aMutatedPayloadIsReadOrRefusedWith400(boolean pipeline, List<Mutation> mutations) {
        JsonNode payload = pipeline ? pipelinePayload() : tablePayload();
        for (Mutation mutation : mutations) {
            payload = mutation.applyTo(payload);
        }
        String shown = mutations + " giving " + abbreviate(payload);
        try {
            CopyJob job = new PayloadReader(CHECKS).read(payload);
            assertThat(job).as(shown).isNotNull();
        } catch (CopyException e) {
            assertThat(e.httpStatus())
                    .as("status of %s for %s", e.error(), shown)
                    .isEqualTo(400);
            assertThat(e.error().details()).as(shown).isNotEmpty();
            for (Violation violation : e.error().details()) {
                assertThat(violation.pointer()).as(shown).matches("|/.*");
                assertThat(violation.reason())
                        .as("a reason naming a Java class, for %s", shown)
                        .doesNotContain("java.", "Exception");
            }
        } catch (Throwable e) {
            throw new AssertionError("read threw " + e + " (not a 400 CopyException) for " + shown, e);
        }
    }

    static Gen<List<Mutation>> mutations() {
        Gen<Mutation> mutation = Gen.combine(Gen.integers(0, 9_999), Gen.of(Kind.class), Gen.of(KEYS), json(2))
                .as(Mutation::new);
        return mutation.list().ofMinSize(1).ofMaxSize(4);
    }

    private enum Kind {
        REPLACE,
        REMOVE,
        INSERT
    }

    /** Replaces, removes or adds to the {@code target}-th node (pre-order, modulo the node count). */
    record Mutation(int target, Kind kind, String key, JsonNode value) {
        JsonNode applyTo(JsonNode root) {
            List<JsonPointer> pointers = new ArrayList<>();
            collect(root, JsonPointer.empty(), pointers);
            JsonPointer at = pointers.get(target % pointers.size());
            JsonNode node = root.at(at);
            if (kind == Kind.INSERT && node instanceof ObjectNode object) {
                object.set(key, value.deepCopy());
                return root;
            }
            if (kind == Kind.INSERT && node instanceof ArrayNode array) {
                array.insert(key.length() % (array.size() + 1), value.deepCopy());
                return root;
            }
            if (at.matches()) {
                return value.deepCopy();
            }
            JsonNode parent = root.at(at.head());
            String property = at.last().getMatchingProperty();
            if (parent instanceof ObjectNode object) {
                if (kind == Kind.REMOVE) {
                    object.remove(property);
                } else {
                    object.set(property, value.deepCopy());
                }
            } else if (parent instanceof ArrayNode array) {
                int index = at.last().getMatchingIndex();
                if (kind == Kind.REMOVE) {
                    array.remove(index);
                } else {
                    array.set(index, value.deepCopy());
                }
            }
            return root;
        }

        private static void collect(JsonNode node, JsonPointer pointer, List<JsonPointer> into) {
            into.add(pointer);
            if (into.size() > 1
                    && pointer.toString().chars().filter(c -> c == '/').count() >= MUTABLE_DEPTH) {
                return;
            }
            if (node.isObject()) {
                for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
                    String name = names.next();
                    collect(node.get(name), pointer.appendProperty(name), into);
                }
            } else if (node.isArray()) {
                for (int i = 0; i < node.size(); i++) {
                    collect(node.get(i), pointer.appendIndex(i), into);
                }
            }
        }

        @Override
        public String toString() {
            return kind + " #" + target + " " + (kind == Kind.INSERT ? "'" + key + "' " : "") + abbreviate(value);
        }
    }

    /** Random JSON up to {@code depth} levels of containers, besides arrays nested up to 1,000 deep. */
    private static Gen<JsonNode> json(int depth) {
        Gen<JsonNode> leaf = Gen.frequencyOf(
                Gen.weighted(4, hostileText().map(PayloadFuzzTest::text)),
                Gen.weighted(3, expressionText().map(PayloadFuzzTest::text)),
                Gen.weighted(2, numbers()),
                Gen.weighted(1, Gen.<JsonNode>of(BooleanNode.TRUE, BooleanNode.FALSE, NullNode.instance)),
                Gen.weighted(1, deepArrays()),
                Gen.weighted(1, expressionObjects()));
        if (depth == 0) {
            return leaf;
        }
        Gen<JsonNode> inner = json(depth - 1);
        Gen<JsonNode> arrays = inner.list().ofMaxSize(4).map(items -> {
            ArrayNode array = JSON.arrayNode();
            items.forEach(array::add);
            return (JsonNode) array;
        });
        Gen<JsonNode> objects = Gen.combine(Gen.of(KEYS), inner)
                .as(Map::entry)
                .list()
                .ofMaxSize(4)
                .map(entries -> {
                    ObjectNode object = JSON.objectNode();
                    entries.forEach(entry -> object.set(entry.getKey(), entry.getValue()));
                    return (JsonNode) object;
                });
        return Gen.frequencyOf(Gen.weighted(6, leaf), Gen.weighted(1, arrays), Gen.weighted(1, objects));
    }

    /** Hostile tokens joined, or plain random characters from a hostile alphabet. */
    private static Gen<String> hostileText() {
        Gen<String> tokens = Gen.of(TOKENS).list().ofMaxSize(12).map(list -> String.join("", list));
        Gen<String> characters = Gen.strings()
                .withChars("@{}'()[],.?;=/\\ \t\n\r\u0000\u0001\u007f")
                .withCharRange('a', 'z')
                .withCharRange('0', '9')
                .ofMaxLength(40);
        return Gen.oneOf(tokens, characters);
    }

    /** An {@code {"value": ..., "type": "Expression"}} object, or a {@code SecureString}, around random text. */
    private static Gen<JsonNode> expressionObjects() {
        return Gen.combine(
                        Gen.of("Expression", "SecureString", "AzureKeyVaultSecret", ""),
                        Gen.oneOf(expressionText(), hostileText()))
                .as((type, text) -> {
                    JsonNode object = JSON.objectNode().put("type", type).put("value", text);
                    return object;
                });
    }

    private static Gen<JsonNode> numbers() {
        return Gen.<JsonNode>oneOf(
                Gen.longs().map(n -> (JsonNode) LongNode.valueOf(n)),
                Gen.integers(-2, 70).map(n -> (JsonNode) LongNode.valueOf(n)),
                Gen.doubles(-1e308, 1e308).map(n -> (JsonNode) DoubleNode.valueOf(n)),
                Gen.<JsonNode>of(
                        DoubleNode.valueOf(1e30),
                        DoubleNode.valueOf(0.5),
                        DoubleNode.valueOf(-0.0),
                        BigIntegerNode.valueOf(BigInteger.TWO.pow(63)),
                        BigIntegerNode.valueOf(BigInteger.TEN.pow(30)),
                        BigIntegerNode.valueOf(BigInteger.TEN.pow(400)),
                        DecimalNode.valueOf(new BigDecimal("1e-400")),
                        DecimalNode.valueOf(new BigDecimal("4.0"))));
    }

    /**
     * An array nested up to 900 deep: with the payload's own levels and the {@link #MUTABLE_DEPTH} at which mutations
     * land, a tree stays under the 1,000 levels Jackson's parser lets through by default, so the reader sees no tree
     * that a request could not carry.
     */
    private static Gen<JsonNode> deepArrays() {
        return Gen.integers(1, 900).map(PayloadFuzzTest::nested);
    }

    private static JsonNode nested(int depth) {
        JsonNode node = TextNode.valueOf("@{");
        for (int i = 0; i < depth; i++) {
            node = JSON.arrayNode().add(node);
        }
        return node;
    }

    private static JsonNode text(String value) {
        return TextNode.valueOf(value);
    }

    // ---- (2) the expression evaluator ---------------------------------------------------------------------------

    private static final Expressions.Scope SCOPE = scope();

    private static Expressions.Scope scope() {
        ObjectNode pipeline = JSON.objectNode().put("RunId", "run-1");
        pipeline.set(
                "parameters",
                Expressions.parameters(
                        JSON.objectNode(),
                        Map.of(
                                "n",
                                JSON.numberNode(42),
                                "day",
                                JSON.textNode("2024-03-10T01:30:00Z"),
                                "name",
                                JSON.textNode("O'Brien"),
                                "deep",
                                nested(500),
                                "huge",
                                JSON.numberNode(BigInteger.TEN.pow(40)))));
        return new Expressions.Scope(
                pipeline,
                JSON.objectNode().put("folder", "in/box"),
                JSON.objectNode().put("db", "shop"),
                JSON.objectNode().put("startTime", "2026-11-24T08:00:00Z"),
                Instant.parse("2026-11-24T08:09:10.5Z"));
    }

    /** Random expression-like text: an answer, or the project's own refusal (never a JDK or Jackson exception). */
    @Test
    void anExpressionEvaluatesOrIsRefusedWithTheProjectsOwnError() {
        Gen<String> expressions = expressions();
        tries(2000, (random, attempt) -> anExpressionEvaluatesOrIsRefused(expressions.next(random)));
    }

    private static void anExpressionEvaluatesOrIsRefused(String expression) {
        try {
            JsonNode value = Expressions.evaluate(expression, SCOPE);
            assertThat(value).as(abbreviate(expression)).isNotNull();
        } catch (Throwable e) {
            if (!(e instanceof RuntimeException) || !e.getClass().getName().startsWith("io.pgferry.")) {
                throw new AssertionError("evaluate threw " + e + " for " + abbreviate(expression), e);
            }
        }
    }

    static Gen<String> expressions() {
        return Gen.frequencyOf(
                Gen.weighted(6, expressionText()), Gen.weighted(2, hostileText()), Gen.weighted(1, deeplyNested()));
    }

    /** {@code @expr}, {@code text@{expr}text}, {@code @@...}, some with random damage. */
    private static Gen<String> expressionText() {
        Gen<String> body = term(3);
        Gen<String> whole = Gen.oneOf(
                body.map(b -> "@" + b),
                Gen.combine(hostileText(), body, hostileText()).as((a, b, c) -> a + "@{" + b + "}" + c),
                body.map(b -> "@@" + b));
        Gen<String> damaged = Gen.combine(whole, Gen.integers(0, 200), Gen.of(TOKENS))
                .as((text, at, token) -> {
                    int i = Math.min(at, text.length());
                    return text.substring(0, i) + token + text.substring(i);
                });
        return Gen.frequencyOf(Gen.weighted(3, whole), Gen.weighted(1, damaged));
    }

    /** One term of ADF's expression grammar: a call, a string, a number, a member access, nested {@code depth}. */
    private static Gen<String> term(int depth) {
        Gen<String> literals = Gen.oneOf(
                hostileText().map(s -> "'" + s.replace("'", "''") + "'"),
                hostileText().map(s -> "'" + s),
                Gen.of(
                        "0",
                        "-1",
                        "-",
                        "1.5",
                        "1.2.3",
                        "99999999999999999999",
                        "9223372036854775807",
                        "-9223372036854775808",
                        "1000000000000000000",
                        "100000000000000",
                        ".5",
                        "5.",
                        "--1"),
                Gen.longs().map(n -> Long.toString(n)));
        Gen<String> scopes = Gen.of(
                "pipeline()",
                "dataset()",
                "linkedService()",
                "trigger()",
                "pipeline().parameters.n",
                "pipeline().parameters.day",
                "pipeline().parameters.deep",
                "pipeline().parameters.huge",
                "pipeline()?.missing",
                "pipeline().parameters['n']",
                "pipeline().RunId",
                "trigger().startTime",
                "dataset().folder",
                "pipeline().parameters.absent",
                "utcnow()",
                "utcnow('yyyy')");
        if (depth == 0) {
            return Gen.oneOf(literals, scopes);
        }
        Gen<String> inner = term(depth - 1);
        Gen<String> calls = Gen.combine(
                        Gen.of(
                                "concat",
                                "formatDateTime",
                                "utcnow",
                                "utcNow",
                                "addDays",
                                "addHours",
                                "toLower",
                                "toUpper",
                                "string",
                                "coalesce",
                                "pipeline",
                                "activity",
                                "variables",
                                "div",
                                "substring",
                                "Concat",
                                "x",
                                "_"),
                        inner.list().ofMaxSize(3))
                .as((name, arguments) -> name + "(" + String.join(", ", arguments) + ")");
        Gen<String> members = Gen.combine(
                        inner, Gen.of(".x", "?.x", ".parameters", "['n']", "[0]", ".", "[", "]", ".output.firstRow"))
                .as((term, member) -> term + member);
        return Gen.frequencyOf(
                Gen.weighted(2, literals),
                Gen.weighted(2, scopes),
                Gen.weighted(3, calls),
                Gen.weighted(1, members),
                Gen.weighted(2, dateCalls()));
    }

    /** Date arithmetic and formatting with sensible timestamps but any amount and any .NET format. */
    private static Gen<String> dateCalls() {
        Gen<String> timestamps = Gen.of(
                "utcnow()",
                "pipeline().parameters.day",
                "trigger().startTime",
                "'2024-01-01'",
                "'9999-12-31T23:59:59Z'",
                "'0001-01-01T00:00:00Z'",
                "'-999999999-01-01T00:00:00Z'",
                "'2024-02-30'",
                "'x'");
        Gen<String> amounts = Gen.oneOf(
                Gen.longs().map(n -> Long.toString(n)),
                Gen.of(
                        "1000000000000000000",
                        "-1000000000000000000",
                        "9223372036854775807",
                        "106751991167300",
                        "3000000",
                        "-3000000",
                        "0",
                        "1",
                        "1.5",
                        "'1'",
                        "'x'"));
        Gen<String> formats = Gen.oneOf(
                Gen.strings()
                        .withChars("yMdHhmsfFtKzGQqwWEeaukVvOXxZnNABgDYcL'[]{}#:/. -")
                        .ofMaxLength(12),
                Gen.of(
                        "o",
                        "O",
                        "yyyy/MM/dd",
                        "yyyy-MM-ddTHH:mm:ss.fffffffK",
                        "tt",
                        "K",
                        "u",
                        "'",
                        "[",
                        "}",
                        "yyyyyyyyyyyyyyyyyyyyy",
                        "fffffffff",
                        ""));
        Gen<String> arithmetic = Gen.combine(Gen.of("addDays", "addHours"), timestamps, amounts, formats.optional())
                .as((name, at, amount, format) -> name + "(" + at + ", " + amount
                        + format.map(f -> ", '" + f.replace("'", "''") + "'").orElse("") + ")");
        Gen<String> formatting = Gen.combine(Gen.of("formatDateTime", "utcnow"), timestamps, formats)
                .as((name, at, format) -> name.equals("utcnow")
                        ? "utcnow('" + format.replace("'", "''") + "')"
                        : "formatDateTime(" + at + ", '" + format.replace("'", "''") + "')");
        return Gen.oneOf(arithmetic, formatting);
    }

    /** Function calls nested up to 3,000 deep: ADF's limit is far lower; deeper is refused, never a stack overflow. */
    private static Gen<String> deeplyNested() {
        return Gen.combine(Gen.integers(30, 3000), Gen.of("concat(", "toUpper(", "string(", "coalesce(", "addDays("))
                .as((depth, call) -> "@" + call.repeat(depth) + "'x'" + ")".repeat(depth));
    }

    // ---- (3) the ODBC connection string -------------------------------------------------------------------------

    /** Random Key=Value; text: a map, or an IllegalArgumentException with a reason, nothing else. */
    @Test
    void aConnectionStringParsesOrIsRefusedWithIllegalArgument() {
        Gen<String> connectionStrings = connectionStrings();
        tries(2000, (random, attempt) -> aConnectionStringParsesOrIsRefused(connectionStrings.next(random)));
    }

    private static void aConnectionStringParsesOrIsRefused(String text) {
        try {
            Map<String, String> pairs = OdbcConnectionString.parse(text);
            assertThat(pairs).as(abbreviate(text)).isNotNull();
            assertThat(pairs.keySet()).as(abbreviate(text)).allSatisfy(key -> assertThat(key)
                    .isNotEmpty());
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).as(abbreviate(text)).isNotBlank();
        } catch (Throwable e) {
            throw new AssertionError("parse threw " + e + " for " + abbreviate(text), e);
        }
    }

    static Gen<String> connectionStrings() {
        Gen<String> pieces = Gen.of(
                        "Server",
                        "Host",
                        "Port",
                        "Database",
                        "UID",
                        "User ID",
                        "Password",
                        "PWD",
                        "EM",
                        "VSC",
                        "=",
                        ";",
                        ";;",
                        "{",
                        "}",
                        "}}",
                        "{}",
                        " ",
                        "\t",
                        "\u0000",
                        "\n",
                        "db",
                        "5432",
                        "p;w",
                        "==",
                        "=;",
                        ";=",
                        "a",
                        "}{")
                .list()
                .ofMaxSize(16)
                .map(list -> String.join("", list));
        Gen<String> characters = Gen.strings()
                .withChars("=;{} \t\u0000\r\n\"'")
                .withCharRange('a', 'c')
                .ofMaxLength(30);
        return Gen.oneOf(pieces, characters, Gen.strings().ofMaxLength(30));
    }

    // ---- fixtures -----------------------------------------------------------------------------------------------

    /** The seed every property draws from unless {@code pgferry.fuzz.seed} names another. */
    private static final long SEED = Long.getLong("pgferry.fuzz.seed", 20261203L);

    /** One try of a property, drawing its case from {@code random}. */
    @FunctionalInterface
    private interface Try {
        void run(Random random, int attempt);
    }

    /** Runs {@code count} tries, each from its own seed derived from {@link #SEED}, and names the one that failed. */
    private static void tries(int count, Try body) {
        for (int attempt = 0; attempt < count; attempt++) {
            long seed = SEED * 31 + attempt;
            try {
                body.run(new Random(seed), attempt);
            } catch (AssertionError e) {
                throw new AssertionError("try " + attempt + " (seed " + seed + ") failed: " + e.getMessage(), e);
            }
        }
    }

    /** The payload {@link PayloadReaderTest} reads. */
    private static JsonNode tablePayload() {
        return Payloads.load(
                "valid/table-to-csv-chunks.json",
                Map.of(
                        "TABLE",
                        "Sales.Orders",
                        "CONTAINER",
                        "exports",
                        "PG_CONNECTION",
                        "Server=db;Database=shop;UID=ana;Password=pw",
                        "BLOB_CONNECTION",
                        BLOB));
    }

    /** A parameterised pipeline, whose expressions and references the mutations also reach. */
    private static JsonNode pipelinePayload() {
        return Payloads.load(
                "valid/pipeline-with-parameters.json",
                Map.of(
                        "TABLE",
                        "orders",
                        "CONTAINER",
                        "exports",
                        "PG_HOST",
                        "db",
                        "PG_PORT",
                        "5432",
                        "PG_USER",
                        "ana",
                        "PG_PASSWORD",
                        "pw",
                        "DATABASE",
                        "shop",
                        "BLOB_CONNECTION",
                        BLOB));
    }

    private static String abbreviate(Object value) {
        String text;
        try {
            text = String.valueOf(value);
        } catch (RuntimeException e) {
            text = "(unprintable: " + e + ")";
        }
        return text.length() <= 600 ? text : text.substring(0, 600) + "... (" + text.length() + " chars)";
    }
}
