package io.pgferry.payload;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.pgferry.contract.PostgresConnection;
import io.pgferry.contract.Secret;
import io.pgferry.contract.SslMode;
import io.pgferry.error.ErrorCode;

/**
 * A PostgreSQL linked service: legacy {@code PostgreSql} with an ODBC connection string or separate fields,
 * {@code PostgreSqlV2} or {@code AzurePostgreSql}. Every value is checked to travel as a typed connection property:
 * host names, ports, no control characters.
 */
final class PostgresServiceReader {
    private static final Pattern HOST_AND_PORT = Pattern.compile("([^:\\[\\]]+|\\[[0-9A-Fa-f:.]+\\]):(\\d{1,5})");
    /** An RFC 1123 host name (labels of letters, digits and inner hyphens), or an IPv4 literal. */
    private static final Pattern HOST_NAME = Pattern.compile(
            "(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?");
    /** A bracketed IPv6 literal, as in a URL. */
    private static final Pattern IPV6_LITERAL = Pattern.compile("\\[[0-9A-Fa-f:.]{2,45}\\]");

    private static final Set<String> ODBC_KEYS = Set.of(
            "server",
            "host",
            "port",
            "database",
            "uid",
            "user id",
            "user",
            "username",
            "password",
            "pwd",
            "encryptionmethod",
            "em",
            "validateservercertificate",
            "vsc");

    private final Reading reading;

    PostgresServiceReader(Reading reading) {
        this.reading = reading;
    }

    /** A linked service's connection and the session settings it carries. */
    record SourceService(PostgresConnection connection, Optional<Duration> commandTimeout, String timeZone) {}

    SourceService read(Field linkedService) {
        Field properties = linkedService.get("properties");
        if (!reading.oneOf(properties.get("type"), Set.of("PostgreSql", "PostgreSqlV2", "AzurePostgreSql"))) {
            return null;
        }
        Field settings = reading.strict(properties.get("typeProperties"));
        reading.pointTo(
                ErrorCode.Field.SOURCE_CONNECTION,
                settings.get("connectionString").present() ? settings.get("connectionString") : settings);
        if (!settings.get("connectionString").present()
                && settings.get("database").present()) {
            reading.pointTo(ErrorCode.Field.SOURCE_DATABASE, settings.get("database"));
        }
        if (settings.get("encryptedCredential").present()) {
            reading.violation(
                    settings.get("encryptedCredential"),
                    "is encrypted for an ADF integration runtime and cannot be used here; give the password instead");
        }
        if (settings.get("connectionString").present()) {
            // ADF's usual pairing: the connection string without its password, the password apart (in Key Vault).
            Secret password =
                    settings.get("password").present() ? reading.secret(settings.get("password"), true) : null;
            if (settings.get("password").present() && password == null) {
                return null;
            }
            PostgresConnection connection =
                    fromConnectionString(settings.get("connectionString"), Optional.ofNullable(password));
            return connection == null ? null : new SourceService(connection, Optional.empty(), Reading.UTC);
        }
        return properties.get("type").node().asText().equals("PostgreSql")
                ? fromSeparateFields(settings)
                : fromV2Fields(settings);
    }

    /** @param password the linked service's own {@code password}, which the connection string must then not hold */
    private PostgresConnection fromConnectionString(Field field, Optional<Secret> password) {
        Secret text = reading.secret(field, true);
        if (text == null) {
            return null;
        }
        Map<String, String> pairs;
        try {
            pairs = OdbcConnectionString.parse(text.reveal());
        } catch (IllegalArgumentException e) {
            reading.violation(field, "is not a valid Key=Value; connection string: it " + e.getMessage());
            return null;
        }
        int before = reading.violationCount();
        String previous = "";
        for (String key : pairs.keySet()) {
            if (!ODBC_KEYS.contains(key) && (previous.equals("password") || previous.equals("pwd"))) {
                // Most likely the rest of a password holding ';': never echo it.
                reading.violation(
                        field,
                        "has an unknown key right after Password=; a password holding ';' must be"
                                + " enclosed in braces, Password={...}");
            } else if (!ODBC_KEYS.contains(key)) {
                reading.violation(
                        field,
                        "has unknown key '" + key + "'; supported keys: Server, Port, Database, UID,"
                                + " Password, EncryptionMethod (EM), ValidateServerCertificate (VSC)");
            }
            previous = key;
        }
        String host = required(field, pairs, "Server", "server", "host");
        String database = required(field, pairs, "Database", "database");
        String user = required(field, pairs, "UID", "uid", "user id", "user", "username");
        if (password.isPresent() && firstOf(pairs, "password", "pwd").isPresent()) {
            reading.violation(field, "holds a Password= while the linked service gives its password apart; keep one");
        }
        String passwordText =
                password.isPresent() ? password.get().reveal() : required(field, pairs, "Password", "password", "pwd");
        int port = port(field, firstOf(pairs, "port").orElse("5432"));
        SslMode sslMode = sslMode(
                field,
                firstOf(pairs, "encryptionmethod", "em").orElse("0"),
                firstOf(pairs, "validateservercertificate", "vsc").orElse("0"));
        host = host(field, "a Server", host);
        plainText(field, "a Database", database);
        plainText(field, "a UID", user);
        plainText(field, "a Password", passwordText);
        if (reading.violationCount() > before) {
            return null;
        }
        return new PostgresConnection(
                host,
                port,
                database,
                user,
                new Secret(passwordText),
                sslMode,
                Optional.empty(),
                PostgresConnection.DEFAULT_CONNECT_TIMEOUT_SECONDS);
    }

    /** The legacy linked service's "previous payload": no TLS settings, as ADF had none then. */
    private SourceService fromSeparateFields(Field settings) {
        String host = reading.string(settings.get("server"), true);
        String database = reading.string(settings.get("database"), true);
        String user = reading.string(settings.get("username"), true);
        Secret password = reading.secret(settings.get("password"), true);
        int port = (int) reading.integer(settings.get("port"), 1, 65535).orElse(5432);
        int before = reading.violationCount();
        host = host(settings.get("server"), "it", host);
        plainText(settings.get("database"), "it", database);
        plainText(settings.get("username"), "it", user);
        plainText(settings.get("password"), "it", password == null ? null : password.reveal());
        if (host == null || database == null || user == null || password == null || reading.violationCount() > before) {
            return null;
        }
        return new SourceService(
                new PostgresConnection(
                        host,
                        port,
                        database,
                        user,
                        password,
                        SslMode.DISABLE,
                        Optional.empty(),
                        PostgresConnection.DEFAULT_CONNECT_TIMEOUT_SECONDS),
                Optional.empty(),
                Reading.UTC);
    }

    /**
     * {@code PostgreSqlV2} and {@code AzurePostgreSql} 2.0: the Npgsql-style properties. {@code sslMode} (also spelled
     * {@code sslmode}) 0 to 5 maps to pgjdbc's modes of the same names; {@code timeout} is the API model's name for
     * {@code connectionTimeout}.
     */
    private SourceService fromV2Fields(Field settings) {
        int before = reading.violationCount();
        String server = reading.string(settings.get("server"), true);
        OptionalLong port = reading.integer(settings.get("port"), 1, 65535);
        String database = reading.string(settings.get("database"), true);
        String user = reading.string(settings.get("username"), true);
        Secret password = reading.secret(settings.get("password"), true);
        if (settings.get("authenticationType").present()) {
            reading.oneOf(settings.get("authenticationType"), Set.of("Basic"));
        }
        Field sslField = settings.get("sslMode").present() ? settings.get("sslMode") : settings.get("sslmode");
        SslMode sslMode = SslMode.values()[(int) reading.integer(sslField, 0, 5).orElse(2)];
        if (reading.bool(settings.get("trustServerCertificate"), false) && sslMode.verifies()) {
            reading.violation(
                    settings.get("trustServerCertificate"),
                    "cannot be true with sslMode 4 or 5, which verify the" + " certificate");
        }
        for (String clientCertificate : List.of("sslCertificate", "sslKey", "sslPassword")) {
            if (settings.get(clientCertificate).present()) {
                reading.violation(settings.get(clientCertificate), "client certificates are not supported yet");
            }
        }
        String encoding = Optional.ofNullable(reading.string(settings.get("encoding"), false))
                .orElse("UTF8");
        if (!Set.of("UTF8", "UTF-8").contains(encoding.toUpperCase(Locale.ROOT))) {
            reading.violation(settings.get("encoding"), "only UTF8 is supported");
        }
        Optional<String> schema = Optional.ofNullable(reading.string(settings.get("schema"), false))
                .filter(name -> !name.isEmpty());
        Field timeoutField = settings.get("connectionTimeout").present()
                ? settings.get("connectionTimeout")
                : settings.get("timeout");
        int connectTimeout =
                (int) reading.integer(timeoutField, 1, 3600).orElse(PostgresConnection.DEFAULT_CONNECT_TIMEOUT_SECONDS);
        OptionalLong commandTimeout =
                reading.integer(settings.get("commandTimeout"), 0, Reading.LONGEST_TIMEOUT.toSeconds());
        String timeZone = Optional.ofNullable(reading.string(settings.get("timezone"), false))
                .orElse(Reading.UTC);
        if (settings.get("timezone").present()) {
            reading.pointTo(ErrorCode.Field.SOURCE_TIMEZONE, settings.get("timezone"));
        }
        if (reading.violationCount() > before) {
            return null;
        }
        // ADF's docs allow "host:port" in server.
        int resolvedPort = (int) port.orElse(5432);
        Matcher hostAndPort = HOST_AND_PORT.matcher(server);
        if (port.isEmpty() && hostAndPort.matches()) {
            resolvedPort = Integer.parseInt(hostAndPort.group(2));
            server = hostAndPort.group(1);
            if (resolvedPort < 1 || resolvedPort > 65535) {
                reading.violation(settings.get("server"), "has a port that is not a number from 1 to 65535");
            }
        }
        server = host(settings.get("server"), "it", server);
        plainText(settings.get("database"), "it", database);
        plainText(settings.get("username"), "it", user);
        plainText(settings.get("password"), "it", password.reveal());
        schema.ifPresent(name -> plainText(settings.get("schema"), "it", name));
        plainText(settings.get("timezone"), "it", timeZone);
        if (reading.violationCount() > before) {
            return null;
        }
        return new SourceService(
                new PostgresConnection(server, resolvedPort, database, user, password, sslMode, schema, connectTimeout),
                commandTimeout.isPresent()
                        ? Optional.of(Duration.ofSeconds(commandTimeout.getAsLong()))
                        : Optional.empty(),
                timeZone);
    }

    /**
     * A host as pgjdbc's typed host property takes it: an RFC 1123 name, an IPv4 literal, or an IPv6 literal in
     * brackets (returned without them). Anything else (a '/', '?', ',' or '=' that a URL would read as more than a
     * host, a control character) is refused, naming {@code what} but never quoting the value.
     */
    private String host(Field field, String what, String host) {
        if (host == null) {
            return null;
        }
        String trimmed = host.strip();
        if (IPV6_LITERAL.matcher(trimmed).matches()) {
            return trimmed.substring(1, trimmed.length() - 1);
        }
        if (!HOST_NAME.matcher(trimmed).matches()) {
            reading.violation(
                    field,
                    ("it".equals(what) ? "is" : "has " + what + " that is") + " not a host name"
                            + " (letters, digits, '-' and '.'), an IPv4 address or a bracketed IPv6 address");
            return null;
        }
        return trimmed;
    }

    /** Connection values travel as typed properties, but never with a NUL or another control character. */
    private void plainText(Field field, String what, String value) {
        if (value != null && value.chars().anyMatch(Character::isISOControl)) {
            reading.violation(
                    field,
                    ("it".equals(what) ? "contains" : "has " + what + " that contains")
                            + " a control character (NUL, line break, tab, ...)");
        }
    }

    private String required(Field field, Map<String, String> pairs, String name, String... keys) {
        Optional<String> value = firstOf(pairs, keys).filter(v -> !v.isBlank());
        if (value.isEmpty()) {
            reading.violation(field, "has no " + name + "= key");
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
        reading.violation(field, "has a Port that is not a number from 1 to 65535");
        return 5432;
    }

    private SslMode sslMode(Field field, String encryptionMethod, String validateCertificate) {
        boolean validate =
                switch (validateCertificate.trim()) {
                    case "0" -> false;
                    case "1" -> true;
                    default -> {
                        reading.violation(field, "has ValidateServerCertificate other than 0 or 1");
                        yield false;
                    }
                };
        return switch (encryptionMethod.trim()) {
            case "0" -> SslMode.DISABLE;
            case "1" -> validate ? SslMode.VERIFY_FULL : SslMode.REQUIRE;
            case "6" -> SslMode.PREFER;
            default -> {
                reading.violation(field, "has EncryptionMethod other than 0 (none), 1 (SSL) or 6 (RequestSSL)");
                yield SslMode.DISABLE;
            }
        };
    }
}
