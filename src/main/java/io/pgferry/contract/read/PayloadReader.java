package io.pgferry.contract.read;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pgferry.contract.BlockSettings;
import io.pgferry.contract.Compression;
import io.pgferry.contract.CopyException;
import io.pgferry.contract.CopyJob;
import io.pgferry.contract.DelimitedTextFormat;
import io.pgferry.contract.FileLocation;
import io.pgferry.contract.FileNaming;
import io.pgferry.contract.FileSink;
import io.pgferry.contract.JsonFormat;
import io.pgferry.contract.PostgresConnection;
import io.pgferry.contract.PostgresSource;
import io.pgferry.contract.Secret;
import io.pgferry.contract.SinkFormat;
import io.pgferry.contract.SinkStore;
import io.pgferry.contract.SslMode;
import io.pgferry.contract.TableName;
import io.pgferry.contract.Violation;

/**
 * Turns a copy request ({@code activity}, {@code datasets}, {@code linkedServices}, as ADF's code view shows them)
 * into a {@link CopyJob}. It resolves references by {@code referenceName} as ADF does, tolerates the unknown fields
 * ADF's open models allow, and collects <em>every</em> problem before answering, so the caller gets one 400 listing
 * them all and nothing is read or written.
 *
 * <p>
 * An instance reads one request; it is not thread-safe.
 */
public final class PayloadReader {
    static final int DEFAULT_BLOCK_SIZE_MB = 8;
    static final int DEFAULT_MAX_CONCURRENT_CONNECTIONS = 4;
    /** Each slice holds a source connection; the pool per linked service allows this many. */
    static final int MAX_PARALLEL_COPIES = 8;
    private static final String DEFAULT_FILE_NAME_PREFIX = "data";
    private static final Pattern TIMESPAN = Pattern.compile("(?:(\\d+)\\.)?(\\d\\d):(60|[0-5]\\d):(60|[0-5]\\d)");
    private static final String UTC = "UTC";
    private static final Pattern CONTAINER_NAME = Pattern.compile("^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$");
    private static final Set<String> ODBC_KEYS = Set.of("server", "host", "port", "database", "uid", "user id",
            "user", "username", "password", "pwd", "encryptionmethod", "em", "validateservercertificate", "vsc");

    private final List<Violation> violations = new ArrayList<>();
    private final Map<Field, ObjectNode> referenceParameters = new HashMap<>();
    private final StoreChecks checks;
    private final String runId = UUID.randomUUID().toString();
    private Expressions.Scope scope;

    public PayloadReader(StoreChecks checks) {
        this.checks = requireNonNull(checks, "checks is null");
    }

    /**
     * @throws CopyException (400, {@code InvalidPayload}) listing every violation found
     */
    public CopyJob read(JsonNode body) {
        Field root = Field.root(body);
        if (!root.node().isObject()) {
            throw CopyException.invalidPayload(List.of(new Violation("",
                    "the request body must be a JSON object with activity, datasets and linkedServices")));
        }
        Field activity = root.get("pipeline").present() ? copyActivity(root.get("pipeline"))
                : object(root.get("activity"));
        scope = scope(root);
        Map<String, Field> datasets = index(root.get("datasets"));
        Map<String, Field> linkedServices = index(root.get("linkedServices"));
        if (activity == null) {
            throw CopyException.invalidPayload(violations);
        }
        String activityName = string(activity.get("name"), true);
        oneOf(activity.get("type"), Set.of("Copy"));
        Field typeProperties = object(activity.get("typeProperties"));
        Field inputDataset = dataset(activity.get("inputs"), datasets);
        Field outputDataset = dataset(activity.get("outputs"), datasets);
        PostgresSource source = null;
        FileSink sink = null;
        long parallelCopies = 1;
        if (typeProperties != null) {
            parallelCopies = integer(typeProperties.get("parallelCopies"), 1, MAX_PARALLEL_COPIES).orElse(1);
            rejectUnsupportedActivitySettings(typeProperties);
            Field sourceSettings = object(typeProperties.get("source"));
            Field sinkSettings = object(typeProperties.get("sink"));
            if (sourceSettings != null) {
                source = source(inputDataset, sourceSettings, linkedServices);
            }
            if (sinkSettings != null) {
                sink = sink(outputDataset, sinkSettings, linkedServices);
            }
        }
        if (!violations.isEmpty()) {
            throw CopyException.invalidPayload(violations);
        }
        return new CopyJob(runId, activityName, source, sink, (int) parallelCopies);
    }

    /** A pipeline resource's one Copy activity. */
    private Field copyActivity(Field pipeline) {
        Field activities = pipeline.get("properties").get("activities");
        List<Field> copies = new ArrayList<>();
        for (int i = 0; i < activities.node().size(); i++) {
            if ("Copy".equals(activities.get(i).node().path("type").asText())) {
                copies.add(activities.get(i));
            }
        }
        if (copies.size() != 1) {
            violation(activities, "must hold exactly one Copy activity, not " + copies.size());
            return null;
        }
        return copies.get(0);
    }

    /**
     * What expressions see: the pipeline's declared parameters overridden by the request's {@code parameters}, this
     * copy's run id, and a manual trigger at the time of the request.
     */
    private Expressions.Scope scope(Field root) {
        Instant now = Instant.now();
        Map<String, JsonNode> given = new HashMap<>();
        root.get("parameters").node().fields().forEachRemaining(entry -> given.put(entry.getKey(), entry.getValue()));
        ObjectNode pipeline = JsonNodeFactory.instance.objectNode();
        pipeline.set("parameters", Expressions.parameters(root.get("pipeline").get("properties").get("parameters")
                .node(), given));
        pipeline.put("RunId", runId).put("DataFactory", "pgferry").put("TriggerType", "Manual")
                .put("Pipeline", root.get("pipeline").get("name").node().asText(""))
                .put("TriggerTime", now.toString());
        ObjectNode trigger = JsonNodeFactory.instance.objectNode().put("startTime", now.toString())
                .put("scheduledTime", now.toString());
        return new Expressions.Scope(pipeline, JsonNodeFactory.instance.objectNode(),
                JsonNodeFactory.instance.objectNode(), trigger, now);
    }

    /** Runs {@code body} with {@code inner} as the expressions' scope. */
    private <T> T within(Expressions.Scope inner, Supplier<T> body) {
        Expressions.Scope outer = scope;
        scope = inner;
        try {
            return body.get();
        } finally {
            scope = outer;
        }
    }

    private void rejectUnsupportedActivitySettings(Field typeProperties) {
        if (bool(typeProperties.get("enableStaging"), false)) {
            violation(typeProperties.get("enableStaging"), "staged copy is not supported; remove it or set false");
        }
        Field mappings = typeProperties.get("translator").get("mappings");
        if (mappings.node().isArray() && !mappings.node().isEmpty()) {
            violation(mappings, "column mappings are not supported yet; select and rename columns in the query");
        }
    }

    // ---- source ---------------------------------------------------------------------------------------------

    /** @param dataset null when the input reference did not resolve: the source settings are checked anyway */
    private PostgresSource source(Field dataset, Field settings, Map<String, Field> linkedServices) {
        oneOf(settings.get("type"), Set.of("RelationalSource", "PostgreSqlSource", "PostgreSqlV2Source",
                "AzurePostgreSqlSource"));
        Optional<String> query = Optional.ofNullable(string(settings.get("query"), false))
                .map(q -> q.strip().replaceAll("[\\s;]+$", ""))
                .filter(q -> !q.isEmpty());
        Optional<Duration> queryTimeout = timespan(settings.get("queryTimeout"));
        for (String spelling : List.of("partitionOption", "partitionOptions")) {
            Field option = settings.get(spelling);
            if (option.present() && !"None".equals(string(option, false))) {
                violation(option, "partitioned reads are not supported yet; parallelCopies reads a table dataset"
                        + " in slices");
            }
        }
        if (dataset == null) {
            return null;
        }
        return within(scope.withDataset(referenceParameters.get(dataset)),
                () -> source(dataset, settings, linkedServices, query, queryTimeout));
    }

    private PostgresSource source(Field dataset, Field settings, Map<String, Field> linkedServices,
            Optional<String> query, Optional<Duration> queryTimeout) {
        Field properties = dataset.get("properties");
        oneOf(properties.get("type"), Set.of("RelationalTable", "PostgreSqlTable", "PostgreSqlV2Table",
                "AzurePostgreSqlTable"));
        Field tableSettings = properties.get("typeProperties");
        Optional<TableName> table = datasetTable(tableSettings);
        if (!settings.get("query").present() && table.isEmpty() && !tableSettings.get("tableName").present()
                && !tableSettings.get("table").present()) {
            violation(settings.get("query"), "is required when the source dataset names no table");
        }
        Field linkedService = linkedService(properties.get("linkedServiceName"), linkedServices);
        SourceService service = linkedService == null ? null
                : within(scope.withLinkedService(referenceParameters.get(linkedService)),
                        () -> sourceService(linkedService));
        if (service == null || (query.isEmpty() && table.isEmpty())) {
            return null;
        }
        Duration timeout = queryTimeout.or(service::commandTimeout).orElse(PostgresSource.DEFAULT_STATEMENT_TIMEOUT);
        return new PostgresSource(service.connection(), query, table, timeout, service.timeZone());
    }

    /** A linked service's connection and the session settings it carries. */
    private record SourceService(PostgresConnection connection, Optional<Duration> commandTimeout, String timeZone) {
    }

    /** {@code schema} + {@code table} taken literally (V2 datasets), or {@code tableName} parsed. */
    private Optional<TableName> datasetTable(Field settings) {
        String table = string(settings.get("table"), false);
        if (table != null) {
            Optional<String> schema = Optional.ofNullable(string(settings.get("schema"), false))
                    .filter(name -> !name.isEmpty());
            if (table.isEmpty()) {
                violation(settings.get("table"), "must not be empty");
                return Optional.empty();
            }
            return Optional.of(new TableName(schema, table));
        }
        return Optional.ofNullable(string(settings.get("tableName"), false))
                .flatMap(text -> tableName(settings.get("tableName"), text));
    }

    private Optional<TableName> tableName(Field field, String text) {
        try {
            return Optional.of(TableName.parse(text));
        } catch (IllegalArgumentException e) {
            violation(field, e.getMessage());
            return Optional.empty();
        }
    }

    private SourceService sourceService(Field linkedService) {
        Field properties = linkedService.get("properties");
        if (!oneOf(properties.get("type"), Set.of("PostgreSql", "PostgreSqlV2", "AzurePostgreSql"))) {
            return null;
        }
        Field settings = properties.get("typeProperties");
        if (settings.get("encryptedCredential").present()) {
            violation(settings.get("encryptedCredential"),
                    "is encrypted for an ADF integration runtime and cannot be used here; give the password instead");
        }
        if (settings.get("connectionString").present()) {
            if (settings.get("password").present()) {
                violation(settings.get("password"), "Key Vault passwords are not supported yet; put Password= in"
                        + " the connection string");
                return null;
            }
            PostgresConnection connection = fromConnectionString(settings.get("connectionString"));
            return connection == null ? null : new SourceService(connection, Optional.empty(), UTC);
        }
        return properties.get("type").node().asText().equals("PostgreSql")
                ? fromSeparateFields(settings)
                : fromV2Fields(settings);
    }

    private PostgresConnection fromConnectionString(Field field) {
        Secret text = secret(field, true);
        if (text == null) {
            return null;
        }
        Map<String, String> pairs;
        try {
            pairs = OdbcConnectionString.parse(text.reveal());
        } catch (IllegalArgumentException e) {
            violation(field, "is not a valid Key=Value; connection string: it " + e.getMessage());
            return null;
        }
        int before = violations.size();
        String previous = "";
        for (String key : pairs.keySet()) {
            if (!ODBC_KEYS.contains(key) && (previous.equals("password") || previous.equals("pwd"))) {
                // Most likely the rest of a password holding ';': never echo it.
                violation(field, "has an unknown key right after Password=; a password holding ';' must be"
                        + " enclosed in braces, Password={...}");
            } else if (!ODBC_KEYS.contains(key)) {
                violation(field, "has unknown key '" + key + "'; supported keys: Server, Port, Database, UID,"
                        + " Password, EncryptionMethod (EM), ValidateServerCertificate (VSC)");
            }
            previous = key;
        }
        String host = required(field, pairs, "Server", "server", "host");
        String database = required(field, pairs, "Database", "database");
        String user = required(field, pairs, "UID", "uid", "user id", "user", "username");
        String password = required(field, pairs, "Password", "password", "pwd");
        int port = port(field, firstOf(pairs, "port").orElse("5432"));
        SslMode sslMode = sslMode(field, firstOf(pairs, "encryptionmethod", "em").orElse("0"),
                firstOf(pairs, "validateservercertificate", "vsc").orElse("0"));
        if (violations.size() > before) {
            return null;
        }
        return new PostgresConnection(host, port, database, user, new Secret(password), sslMode, Optional.empty(),
                PostgresConnection.DEFAULT_CONNECT_TIMEOUT_SECONDS);
    }

    /** The legacy linked service's "previous payload": no TLS settings, as ADF had none then. */
    private SourceService fromSeparateFields(Field settings) {
        String host = string(settings.get("server"), true);
        String database = string(settings.get("database"), true);
        String user = string(settings.get("username"), true);
        Secret password = secret(settings.get("password"), true);
        int port = (int) integer(settings.get("port"), 1, 65535).orElse(5432);
        if (host == null || database == null || user == null || password == null) {
            return null;
        }
        return new SourceService(new PostgresConnection(host, port, database, user, password, SslMode.DISABLE,
                Optional.empty(), PostgresConnection.DEFAULT_CONNECT_TIMEOUT_SECONDS), Optional.empty(), UTC);
    }

    /**
     * {@code PostgreSqlV2} and {@code AzurePostgreSql} 2.0: the Npgsql-style properties. {@code sslMode} (also spelled
     * {@code sslmode}) 0 to 5 maps to pgjdbc's modes of the same names; {@code timeout} is the API model's name for
     * {@code connectionTimeout}.
     */
    private SourceService fromV2Fields(Field settings) {
        int before = violations.size();
        String server = string(settings.get("server"), true);
        OptionalLong port = integer(settings.get("port"), 1, 65535);
        String database = string(settings.get("database"), true);
        String user = string(settings.get("username"), true);
        Secret password = secret(settings.get("password"), true);
        if (settings.get("authenticationType").present()) {
            oneOf(settings.get("authenticationType"), Set.of("Basic"));
        }
        Field sslField = settings.get("sslMode").present() ? settings.get("sslMode") : settings.get("sslmode");
        SslMode sslMode = SslMode.values()[(int) integer(sslField, 0, 5).orElse(2)];
        if (bool(settings.get("trustServerCertificate"), false) && sslMode.verifies()) {
            violation(settings.get("trustServerCertificate"), "cannot be true with sslMode 4 or 5, which verify the"
                    + " certificate");
        }
        for (String clientCertificate : List.of("sslCertificate", "sslKey", "sslPassword")) {
            if (settings.get(clientCertificate).present()) {
                violation(settings.get(clientCertificate), "client certificates are not supported yet");
            }
        }
        String encoding = Optional.ofNullable(string(settings.get("encoding"), false)).orElse("UTF8");
        if (!Set.of("UTF8", "UTF-8").contains(encoding.toUpperCase(Locale.ROOT))) {
            violation(settings.get("encoding"), "only UTF8 is supported");
        }
        Optional<String> schema = Optional.ofNullable(string(settings.get("schema"), false))
                .filter(name -> !name.isEmpty());
        Field timeoutField = settings.get("connectionTimeout").present() ? settings.get("connectionTimeout")
                : settings.get("timeout");
        int connectTimeout = (int) integer(timeoutField, 1, 3600)
                .orElse(PostgresConnection.DEFAULT_CONNECT_TIMEOUT_SECONDS);
        OptionalLong commandTimeout = integer(settings.get("commandTimeout"), 0, Integer.MAX_VALUE);
        String timeZone = Optional.ofNullable(string(settings.get("timezone"), false)).orElse(UTC);
        if (violations.size() > before) {
            return null;
        }
        // ADF's docs allow "host:port" in server.
        int resolvedPort = (int) port.orElse(5432);
        if (port.isEmpty() && server.matches("[^:\\[\\]]+:\\d{1,5}")) {
            resolvedPort = Integer.parseInt(server.substring(server.indexOf(':') + 1));
            server = server.substring(0, server.indexOf(':'));
        }
        return new SourceService(new PostgresConnection(server, resolvedPort, database, user, password, sslMode,
                schema, connectTimeout),
                commandTimeout.isPresent() ? Optional.of(Duration.ofSeconds(commandTimeout.getAsLong()))
                        : Optional.empty(),
                timeZone);
    }

    private String required(Field field, Map<String, String> pairs, String name, String... keys) {
        Optional<String> value = firstOf(pairs, keys).filter(v -> !v.isBlank());
        if (value.isEmpty()) {
            violation(field, "has no " + name + "= key");
        }
        return value.orElse(null);
    }

    private static Optional<String> firstOf(Map<String, String> pairs, String... keys) {
        for (String key : keys) {
            if (pairs.containsKey(key)) {
                return Optional.of(pairs.get(key));
            }
        }
        return Optional.empty();
    }

    private int port(Field field, String text) {
        try {
            int port = Integer.parseInt(text.trim());
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        violation(field, "has a Port that is not a number from 1 to 65535");
        return 5432;
    }

    private SslMode sslMode(Field field, String encryptionMethod, String validateCertificate) {
        boolean validate = switch (validateCertificate.trim()) {
            case "0" -> false;
            case "1" -> true;
            default -> {
                violation(field, "has ValidateServerCertificate other than 0 or 1");
                yield false;
            }
        };
        return switch (encryptionMethod.trim()) {
            case "0" -> SslMode.DISABLE;
            case "1" -> validate ? SslMode.VERIFY_FULL : SslMode.REQUIRE;
            case "6" -> SslMode.PREFER;
            default -> {
                violation(field, "has EncryptionMethod other than 0 (none), 1 (SSL) or 6 (RequestSSL)");
                yield SslMode.DISABLE;
            }
        };
    }

    // ---- sink -----------------------------------------------------------------------------------------------

    /** @param dataset null when the output reference did not resolve: the sink settings are checked anyway */
    private FileSink sink(Field dataset, Field settings, Map<String, Field> linkedServices) {
        boolean sinkKnown = oneOf(settings.get("type"), Set.of("DelimitedTextSink", "JsonSink"));
        BlockSettings blocks = blockSettings(settings.get("storeSettings"));
        if (dataset == null) {
            return null;
        }
        return within(scope.withDataset(referenceParameters.get(dataset)),
                () -> sink(dataset, settings, linkedServices, sinkKnown, blocks));
    }

    private FileSink sink(Field dataset, Field settings, Map<String, Field> linkedServices, boolean sinkKnown,
            BlockSettings blocks) {
        Field properties = dataset.get("properties");
        boolean datasetKnown = oneOf(properties.get("type"), Set.of("DelimitedText", "Json"));
        if (!datasetKnown && !sinkKnown) {
            return null;
        }
        // The dataset decides the format; when its type is wrong, the sink's type lets the other checks go on.
        boolean json = datasetKnown ? properties.get("type").node().asText().equals("Json")
                : settings.get("type").node().asText().equals("JsonSink");
        String expectedSink = json ? "JsonSink" : "DelimitedTextSink";
        if (datasetKnown && sinkKnown && !settings.get("type").node().asText().equals(expectedSink)) {
            violation(settings.get("type"), "must be " + expectedSink + " for a " + (json ? "Json" : "DelimitedText")
                    + " dataset");
        }
        Field linkedService = linkedService(properties.get("linkedServiceName"), linkedServices);
        Field typeProperties = properties.get("typeProperties");
        Field locationField = object(typeProperties.get("location"));
        SinkStore store = linkedService == null || locationField == null ? null
                : within(scope.withLinkedService(referenceParameters.get(linkedService)),
                        () -> sinkStore(linkedService, locationField, settings.get("storeSettings")));
        FileLocation location = locationField == null ? null : location(locationField);
        String encoding = Optional.ofNullable(string(typeProperties.get("encodingName"), false)).orElse("UTF-8");
        if (!Set.of("UTF-8", "UTF8", "UTF-8 WITHOUT BOM").contains(encoding.toUpperCase(Locale.ROOT))) {
            violation(typeProperties.get("encodingName"), "only UTF-8 is supported yet");
        }
        SinkFormat format = json ? jsonFormat(settings.get("formatSettings"))
                : delimitedTextFormat(typeProperties);
        Compression compression = json
                ? compression(typeProperties.get("compression").get("type"),
                        typeProperties.get("compression").get("level"))
                : compression(typeProperties.get("compressionCodec"), typeProperties.get("compressionLevel"));
        FileNaming naming = fileNaming(settings.get("formatSettings"), location, json, compression);
        if (!datasetKnown || store == null || location == null || format == null || compression == null
                || naming == null) {
            return null;
        }
        return new FileSink(store, location, format, compression, naming, blocks);
    }

    private JsonFormat jsonFormat(Field formatSettings) {
        String pattern = Optional.ofNullable(string(formatSettings.get("filePattern"), false)).orElse("setOfObjects");
        if (!Set.of("setOfObjects", "arrayOfObjects").contains(pattern)) {
            violation(formatSettings.get("filePattern"), "must be setOfObjects or arrayOfObjects (case-sensitive)");
            return null;
        }
        return new JsonFormat(pattern.equals("arrayOfObjects"));
    }

    private Compression compression(Field codecField, Field levelField) {
        String codec = Optional.ofNullable(string(codecField, false)).orElse("none").toLowerCase(Locale.ROOT);
        String level = Optional.ofNullable(string(levelField, false)).orElse("Optimal");
        if (!Set.of("Optimal", "Fastest").contains(level)) {
            violation(levelField, "must be Optimal or Fastest");
            return null;
        }
        int zlibLevel = level.equals("Fastest") ? 1 : 6;
        return switch (codec) {
            case "none", "" -> Compression.NONE;
            case "gzip" -> new Compression(Compression.Codec.GZIP, zlibLevel);
            case "deflate" -> new Compression(Compression.Codec.DEFLATE, zlibLevel);
            default -> {
                violation(codecField, "'" + codec + "' is not supported yet; supported: none, gzip, deflate");
                yield null;
            }
        };
    }

    /** The sink's store; the dataset location and store settings must be of the linked service's kind. */
    private SinkStore sinkStore(Field linkedService, Field location, Field storeSettings) {
        Field properties = linkedService.get("properties");
        if (!oneOf(properties.get("type"), Set.of("AzureBlobStorage", "AzureStorage", "FileServer"))) {
            return null;
        }
        Field settings = properties.get("typeProperties");
        boolean fileServer = properties.get("type").node().asText().equals("FileServer");
        if (location.get("type").present()) {
            oneOf(location.get("type"), Set.of(fileServer ? "FileServerLocation" : "AzureBlobStorageLocation"));
        }
        if (storeSettings.get("type").present()) {
            oneOf(storeSettings.get("type"), Set.of(fileServer ? "FileServerWriteSettings"
                    : "AzureBlobStorageWriteSettings"));
        }
        return fileServer ? fileServer(settings) : blobStorage(settings, location);
    }

    private SinkStore.FileServer fileServer(Field settings) {
        for (String credential : List.of("userId", "password")) {
            if (settings.get(credential).present()) {
                violation(settings.get(credential), "is not supported: pgferry writes to a folder of the function"
                        + " host (a local disk or a mounted share); remove it");
            }
        }
        String host = string(settings.get("host"), true);
        if (host == null) {
            return null;
        }
        Optional<String> problem = checks.fileServerRoot().apply(host);
        problem.ifPresent(reason -> violation(settings.get("host"), reason));
        return problem.isPresent() ? null : new SinkStore.FileServer(Path.of(host).normalize());
    }

    private SinkStore.BlobStorage blobStorage(Field settings, Field location) {
        for (String unsupported : List.of("sasUri", "serviceEndpoint", "accountKey", "sasToken")) {
            if (settings.get(unsupported).present()) {
                violation(settings.get(unsupported), "is not supported yet; use connectionString with an account key");
                return null;
            }
        }
        Secret connectionString = secret(settings.get("connectionString"), true);
        if (connectionString != null) {
            checks.blobConnectionString().apply(connectionString.reveal())
                    .ifPresent(reason -> violation(settings.get("connectionString"), reason));
        }
        String container = string(location.get("container"), true);
        if (container != null && !CONTAINER_NAME.matcher(container).matches()) {
            violation(location.get("container"), "must be 3 to 63 lower-case letters, digits and single hyphens,"
                    + " starting and ending with a letter or digit");
            container = null;
        }
        return connectionString == null || container == null ? null
                : new SinkStore.BlobStorage(connectionString, container);
    }

    private FileLocation location(Field location) {
        String folderPath = Optional.ofNullable(string(location.get("folderPath"), false))
                .map(p -> p.replaceAll("^/+|/+$", "")).orElse("");
        if (List.of(folderPath.split("/")).contains("..")) {
            violation(location.get("folderPath"), "must not contain '..'");
        }
        Optional<String> fileName = Optional.ofNullable(string(location.get("fileName"), false))
                .filter(n -> !n.isEmpty());
        fileName.filter(n -> n.contains("/") || n.equals(".."))
                .ifPresent(n -> violation(location.get("fileName"), "must be a plain name; put folders in folderPath"));
        return new FileLocation(folderPath, fileName);
    }

    private DelimitedTextFormat delimitedTextFormat(Field settings) {
        int before = violations.size();
        char delimiter = singleChar(settings.get("columnDelimiter"), ',');
        char quote = singleChar(settings.get("quoteChar"), '"');
        char escape = singleChar(settings.get("escapeChar"), '\\');
        String rowDelimiter = Optional.ofNullable(string(settings.get("rowDelimiter"), false)).orElse("\r\n");
        if (!Set.of("\r\n", "\n", "\r").contains(rowDelimiter)) {
            violation(settings.get("rowDelimiter"), "must be \\r\\n, \\n or \\r");
        }
        if (delimiter == quote) {
            violation(settings.get("quoteChar"), "must differ from columnDelimiter");
        }
        String nullValue = Optional.ofNullable(string(settings.get("nullValue"), false)).orElse("");
        if (nullValue.indexOf('\r') >= 0 || nullValue.indexOf('\n') >= 0 || nullValue.indexOf(delimiter) >= 0
                || nullValue.indexOf(quote) >= 0) {
            violation(settings.get("nullValue"), "must not contain a line break, the columnDelimiter or the quoteChar");
        }
        boolean header = bool(settings.get("firstRowAsHeader"), false);
        if (violations.size() > before) {
            return null;
        }
        return new DelimitedTextFormat(delimiter, rowDelimiter, quote, escape, header, nullValue);
    }

    private char singleChar(Field field, char fallback) {
        String text = string(field, false);
        if (text == null) {
            return fallback;
        }
        if (text.length() != 1 || text.charAt(0) > 127 || text.charAt(0) == '\r' || text.charAt(0) == '\n') {
            violation(field, text.isEmpty() ? "empty is not supported yet; give one character"
                    : "must be exactly one ASCII character other than a line break");
            return fallback;
        }
        return text.charAt(0);
    }

    /**
     * ADF's chunk naming. DelimitedText needs {@code fileExtension} unless the dataset names a file; Json has no such
     * setting in ADF and uses {@code .json}. {@code maxRowsPerFile} and {@code fileNamePrefix} work for both (ADF's
     * JSON sink cannot chunk; pgferry's can). A compressed chunk's name gets the codec's suffix.
     */
    private FileNaming fileNaming(Field formatSettings, FileLocation location, boolean json,
            Compression compression) {
        int before = violations.size();
        if (formatSettings.present()) {
            object(formatSettings);
            if (formatSettings.get("type").present()) {
                oneOf(formatSettings.get("type"), Set.of(json ? "JsonWriteSettings" : "DelimitedTextWriteSettings"));
            }
            if (bool(formatSettings.get("quoteAllText"), false)) {
                violation(formatSettings.get("quoteAllText"), "quoting all text is not supported yet");
            }
        }
        OptionalLong maxRows = integer(formatSettings.get("maxRowsPerFile"), 1, Long.MAX_VALUE);
        Optional<String> prefix = Optional.ofNullable(string(formatSettings.get("fileNamePrefix"), false));
        prefix.filter(p -> p.isEmpty() || p.contains("/"))
                .ifPresent(p -> violation(formatSettings.get("fileNamePrefix"), "must be non-empty without '/'"));
        Optional<String> extension = Optional.ofNullable(string(formatSettings.get("fileExtension"), false))
                .or(() -> json ? Optional.of(".json") : Optional.empty());
        Optional<String> fileName = location == null ? Optional.empty() : location.fileName();
        if (fileName.isEmpty() && extension.isEmpty()) {
            violation(formatSettings.get("fileExtension"), "is required when the dataset has no fileName (e.g. .csv)");
        }
        if (violations.size() > before || compression == null) {
            return null;
        }
        String stem = fileName.map(n -> n.lastIndexOf('.') > 0 ? n.substring(0, n.lastIndexOf('.')) : n)
                .orElse(DEFAULT_FILE_NAME_PREFIX);
        String fileExtension = fileName.map(n -> n.lastIndexOf('.') > 0 ? n.substring(n.lastIndexOf('.')) : "")
                .orElseGet(extension::orElseThrow);
        String suffix = compression.codec().fileSuffix();
        return new FileNaming(prefix.orElse(stem), fileExtension.endsWith(suffix) ? fileExtension
                : fileExtension + suffix, maxRows);
    }

    private BlockSettings blockSettings(Field storeSettings) {
        if (storeSettings.get("metadata").node().isArray() && !storeSettings.get("metadata").node().isEmpty()) {
            violation(storeSettings.get("metadata"), "blob metadata is not supported yet");
        }
        long blockSizeMb = integer(storeSettings.get("blockSizeInMB"), 4, 100).orElse(DEFAULT_BLOCK_SIZE_MB);
        long concurrency = integer(storeSettings.get("maxConcurrentConnections"), 1, 64)
                .orElse(DEFAULT_MAX_CONCURRENT_CONNECTIONS);
        return new BlockSettings((int) blockSizeMb * 1024 * 1024, (int) concurrency);
    }

    // ---- references -----------------------------------------------------------------------------------------

    private Map<String, Field> index(Field array) {
        Map<String, Field> byName = new HashMap<>();
        if (!array.node().isArray()) {
            violation(array, array.present() ? "must be an array" : "is required");
            return byName;
        }
        for (int i = 0; i < array.node().size(); i++) {
            Field resource = array.get(i);
            String name = string(resource.get("name"), true);
            if (name != null && byName.putIfAbsent(name, resource) != null) {
                violation(resource.get("name"), "repeats the name '" + name + "'; names must be unique");
            }
            object(resource.get("properties"));
        }
        return byName;
    }

    private Field dataset(Field references, Map<String, Field> datasets) {
        if (!references.node().isArray() || references.node().size() != 1) {
            violation(references, "must hold exactly one DatasetReference");
            return null;
        }
        return resolve(references.get(0), "DatasetReference", datasets, "/datasets");
    }

    private Field linkedService(Field reference, Map<String, Field> linkedServices) {
        return object(reference) == null ? null
                : resolve(reference, "LinkedServiceReference", linkedServices, "/linkedServices");
    }

    private Field resolve(Field reference, String referenceType, Map<String, Field> pool, String poolPointer) {
        if (reference.get("type").present()) {
            oneOf(reference.get("type"), Set.of(referenceType));
        }
        String name = string(reference.get("referenceName"), true);
        if (name == null) {
            return null;
        }
        Field resource = pool.get(name);
        if (resource == null) {
            violation(reference.get("referenceName"), "names '" + name + "', which is not in " + poolPointer);
            return null;
        }
        // The reference's parameter values are evaluated where the reference stands.
        Map<String, JsonNode> given = new HashMap<>();
        Field parameters = reference.get("parameters");
        parameters.node().fieldNames().forEachRemaining(parameter -> {
            JsonNode value = value(parameters.get(parameter));
            if (value != null) {
                given.put(parameter, value);
            }
        });
        referenceParameters.put(resource, Expressions.parameters(resource.get("properties").get("parameters").node(),
                given));
        return resource;
    }

    // ---- values ---------------------------------------------------------------------------------------------

    private Field object(Field field) {
        if (!field.node().isObject()) {
            violation(field, field.present() ? "must be an object" : "is required");
            return null;
        }
        return field;
    }

    private boolean oneOf(Field field, Set<String> supported) {
        String value = string(field, true);
        if (value != null && !supported.contains(value)) {
            violation(field, "'" + value + "' is not supported; supported: " + String.join(", ",
                    new TreeSet<>(supported)));
            return false;
        }
        return value != null;
    }

    /**
     * A literal string, a number given as text, or the {@code value} of a {@code SecureString}. Expressions are
     * refused here, so an unresolved {@code @...} never reaches the database as text.
     */
    private String string(Field field, boolean required) {
        if (!field.present()) {
            return literal(field, required);
        }
        JsonNode value = value(field);
        if (value == null || value.isNull()) {
            if (value != null && required) {
                violation(field, "is required, and its expression gave null");
            }
            return null;
        }
        if (value.isContainerNode()) {
            violation(field, "must be a string, not " + (value.isArray() ? "an array" : "an object"));
            return null;
        }
        return value.asText();
    }

    /**
     * The field's value with expressions evaluated: a string (or an {@code Expression} object's {@code value}) holding
     * an expression is replaced by its result; any other value is returned as it is. Null after a violation.
     */
    private JsonNode value(Field field) {
        JsonNode node = field.node();
        Field text = node.isObject() && "Expression".equals(node.path("type").asText()) ? field.get("value") : field;
        if (!text.node().isTextual()) {
            if (text != field) {
                violation(text, "must be an expression string");
                return null;
            }
            if (node.isObject()) {
                String literal = literal(field, true);
                return literal == null ? null : JsonNodeFactory.instance.textNode(literal);
            }
            return node;
        }
        if (!Expressions.isExpression(text.node().textValue())) {
            return text.node();
        }
        try {
            return Expressions.evaluate(text.node().textValue(), scope);
        } catch (Expressions.ExpressionException e) {
            violation(text, "is an expression that " + e.getMessage());
            return null;
        }
    }

    /**
     * A plain-string secret may hold expressions (parameterised linked services do); a {@code SecureString} is taken
     * literally, since a password may well start with {@code @}.
     */
    private Secret secret(Field field, boolean required) {
        String text = field.node().isTextual() ? string(field, required) : literal(field, required);
        return text == null ? null : new Secret(text);
    }

    private String literal(Field field, boolean required) {
        JsonNode node = field.node();
        if (!field.present()) {
            if (required) {
                violation(field, "is required");
            }
            return null;
        }
        if (node.isObject()) {
            String type = node.path("type").asText("");
            switch (type) {
                case "SecureString" -> {
                    return literal(field.get("value"), true);
                }
                case "Expression" -> violation(field, "a secret cannot be an expression");
                case "AzureKeyVaultSecret" -> violation(field, "Key Vault references are not supported yet");
                default -> violation(field, "must be a string or a SecureString object");
            }
            return null;
        }
        if (node.isNumber() || node.isBoolean()) {
            return node.asText();
        }
        if (!node.isTextual()) {
            violation(field, "must be a string");
            return null;
        }
        return node.textValue();
    }

    private OptionalLong integer(Field field, long min, long max) {
        String text = string(field, false);
        if (text == null) {
            return OptionalLong.empty();
        }
        try {
            long value = Long.parseLong(text.trim());
            if (value >= min && value <= max) {
                return OptionalLong.of(value);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        violation(field, "must be a whole number from " + min + (max == Long.MAX_VALUE ? " up" : " to " + max));
        return OptionalLong.empty();
    }

    /** A .NET timespan, {@code [d.]hh:mm:ss}, as ADF writes {@code queryTimeout}. */
    private Optional<Duration> timespan(Field field) {
        String text = string(field, false);
        if (text == null) {
            return Optional.empty();
        }
        Matcher matcher = TIMESPAN.matcher(text.trim());
        if (!matcher.matches()) {
            violation(field, "must be a timespan [d.]hh:mm:ss, e.g. 02:00:00");
            return Optional.empty();
        }
        long days = matcher.group(1) == null ? 0 : Long.parseLong(matcher.group(1));
        return Optional.of(Duration.ofDays(days).plusHours(Long.parseLong(matcher.group(2)))
                .plusMinutes(Long.parseLong(matcher.group(3))).plusSeconds(Long.parseLong(matcher.group(4))));
    }

    private boolean bool(Field field, boolean fallback) {
        String text = string(field, false);
        if (text == null) {
            return fallback;
        }
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> {
                violation(field, "must be true or false");
                yield fallback;
            }
        };
    }

    private void violation(Field field, String reason) {
        violations.add(new Violation(field.pointer(), reason));
    }
}
