package io.pgferry.payload;

import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.pgferry.contract.AvroFormat;
import io.pgferry.contract.BlobAccount;
import io.pgferry.contract.BlockSettings;
import io.pgferry.contract.Compression;
import io.pgferry.contract.DelimitedTextFormat;
import io.pgferry.error.ErrorCode;
import io.pgferry.contract.FileLocation;
import io.pgferry.contract.FileNaming;
import io.pgferry.contract.FileSink;
import io.pgferry.contract.JsonFormat;
import io.pgferry.contract.ParquetFormat;
import io.pgferry.contract.Secret;
import io.pgferry.contract.SinkFormat;
import io.pgferry.contract.Destination;

/**
 * The sink half of a copy request: the file dataset (DelimitedText, Json, Parquet or Avro), its location and store (Blob
 * Storage or a file server), compression, chunk naming and block settings.
 */
final class SinkReader {
    static final int DEFAULT_BLOCK_SIZE_MB = 8;
    static final int DEFAULT_MAX_CONCURRENT_CONNECTIONS = 4;
    private static final String DEFAULT_FILE_NAME_PREFIX = "data";
    /** Dataset types and the sink and write-settings types that go with them. */
    private static final Map<String, String> SINK_TYPES = Map.of("DelimitedText", "DelimitedTextSink", "Json",
            "JsonSink", "Parquet", "ParquetSink", "Avro", "AvroSink");
    /** .NET encoding names ADF's encodingName takes, and PostgreSQL's names for them. */
    private static final Map<String, String> POSTGRES_ENCODINGS = Map.ofEntries(Map.entry("ISO-8859-1", "LATIN1"),
            Map.entry("ISO-8859-2", "LATIN2"), Map.entry("ISO-8859-5", "ISO_8859_5"),
            Map.entry("ISO-8859-15", "LATIN9"), Map.entry("WINDOWS-1250", "WIN1250"),
            Map.entry("WINDOWS-1251", "WIN1251"), Map.entry("WINDOWS-1252", "WIN1252"),
            Map.entry("WINDOWS-1253", "WIN1253"), Map.entry("WINDOWS-1254", "WIN1254"), Map.entry("KOI8-R", "KOI8R"),
            Map.entry("SHIFT_JIS", "SJIS"), Map.entry("EUC-JP", "EUC_JP"), Map.entry("EUC-KR", "EUC_KR"),
            Map.entry("GB18030", "GB18030"), Map.entry("BIG5", "BIG5"),
            Map.entry("UTF-16", DelimitedTextFormat.UTF16_LE), Map.entry("UTF-16LE", DelimitedTextFormat.UTF16_LE),
            Map.entry("UTF-16BE", DelimitedTextFormat.UTF16_BE));
    private static final Pattern METADATA_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    private static final Pattern CONTAINER_NAME = Pattern.compile("^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$");

    private static final String CODECS = "none, gzip, deflate, bzip2, ZipDeflate, Tar, TarGzip";
    private static final Pattern USER_ASSIGNED_IDENTITY = Pattern.compile(
            "(?i)/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\\.ManagedIdentity"
            + "/userAssignedIdentities/[^/]+");

    private final Reading reading;
    private final SinkChecks checks;
    private final Map<String, Field> credentials;

    /** @param credentials the request's {@code credentials} by name, which a linked service's credential names */
    SinkReader(Reading reading, SinkChecks checks, Map<String, Field> credentials) {
        this.reading = reading;
        this.checks = checks;
        this.credentials = credentials;
    }

    /** @param dataset null when the output reference did not resolve: the sink settings are checked anyway */
    FileSink sink(Field dataset, Field settings, Map<String, Field> linkedServices) {
        boolean sinkKnown = reading.oneOf(settings.get("type"), Set.copyOf(SINK_TYPES.values()));
        BlockSettings blocks = blockSettings(settings.get("storeSettings"));
        if (dataset == null) {
            return null;
        }
        return reading.within(reading.scope().withDataset(reading.parameters(dataset)),
                () -> sink(dataset, settings, linkedServices, sinkKnown, blocks));
    }

    private FileSink sink(Field dataset, Field settings, Map<String, Field> linkedServices, boolean sinkKnown,
            BlockSettings blocks) {
        Field properties = dataset.get("properties");
        boolean datasetKnown = reading.oneOf(properties.get("type"), SINK_TYPES.keySet());
        if (!datasetKnown && !sinkKnown) {
            return null;
        }
        // The dataset decides the format; when its type is wrong, the sink's type lets the other checks go on.
        String kind = datasetKnown ? properties.get("type").node().asText()
                : settings.get("type").node().asText().replaceFirst("Sink$", "");
        String expectedSink = SINK_TYPES.get(kind);
        if (datasetKnown && sinkKnown && !settings.get("type").node().asText().equals(expectedSink)) {
            reading.violation(settings.get("type"), "must be " + expectedSink + " for a " + kind + " dataset");
        }
        Field linkedService = reading.linkedService(properties.get("linkedServiceName"), linkedServices);
        Field typeProperties = properties.get("typeProperties");
        Field locationField = reading.object(typeProperties.get("location"));
        if (linkedService != null) {
            reading.pointTo(ErrorCode.Field.SINK_CONNECTION, linkedService.get("properties").get("typeProperties"));
        }
        if (locationField != null) {
            reading.pointTo(ErrorCode.Field.SINK_LOCATION, locationField);
        }
        Destination store = linkedService == null || locationField == null ? null
                : reading.within(reading.scope().withLinkedService(reading.parameters(linkedService)),
                        () -> sinkStore(linkedService, locationField, settings.get("storeSettings")));
        FileLocation location = locationField == null ? null : location(locationField);
        String encoding = encoding(typeProperties.get("encodingName"), kind.equals("DelimitedText"));
        SinkFormat format = switch (kind) {
            case "Json" -> jsonFormat(settings.get("formatSettings"));
            case "Parquet" -> parquetFormat(typeProperties.get("compressionCodec"));
            case "Avro" -> avroFormat(typeProperties.get("avroCompressionCodec"),
                    typeProperties.get("avroCompressionLevel"));
            default -> delimitedTextFormat(typeProperties, settings.get("formatSettings"), encoding);
        };
        // Parquet and Avro compress inside the file; the text formats compress the whole file.
        Compression compression = switch (kind) {
            case "Json" -> compression(typeProperties.get("compression").get("type"),
                    typeProperties.get("compression").get("level"));
            case "Parquet", "Avro" -> Compression.NONE;
            default -> compression(typeProperties.get("compressionCodec"), typeProperties.get("compressionLevel"));
        };
        FileNaming naming = fileNaming(settings.get("formatSettings"), location, kind, compression);
        Map<String, String> metadata = metadata(settings.get("storeSettings").get("metadata"),
                store instanceof Destination.FileServer);
        Optional<String> manifest = manifest(settings.get("manifest"));
        if (!datasetKnown || store == null || location == null || format == null || compression == null
                || naming == null || encoding == null || metadata == null || manifest == null) {
            return null;
        }
        return new FileSink(store, location, format, compression, naming, blocks, metadata, manifest);
    }

    /**
     * pgferry's {@code sink.manifest}: absent or {@code true} for {@value FileSink#DEFAULT_MANIFEST}, {@code false}
     * for none, or {@code {"fileName": "..."}}. Null after a violation.
     */
    private Optional<String> manifest(Field field) {
        if (!field.present()) {
            return Optional.of(FileSink.DEFAULT_MANIFEST);
        }
        if (field.node().isBoolean()) {
            return field.node().booleanValue() ? Optional.of(FileSink.DEFAULT_MANIFEST) : Optional.empty();
        }
        if (reading.object(field) == null) {
            return null;
        }
        String name = Optional.ofNullable(reading.string(field.get("fileName"), false))
                .orElse(FileSink.DEFAULT_MANIFEST);
        Optional<String> problem = PathNames.segmentProblem(name);
        problem.ifPresent(reason -> reading.violation(field.get("fileName"), reason));
        return problem.isPresent() ? null : Optional.of(name);
    }

    private JsonFormat jsonFormat(Field formatSettings) {
        String pattern = Optional.ofNullable(reading.string(formatSettings.get("filePattern"), false))
                .orElse("setOfObjects");
        if (!Set.of("setOfObjects", "arrayOfObjects").contains(pattern)) {
            reading.violation(formatSettings.get("filePattern"),
                    "must be setOfObjects or arrayOfObjects (case-sensitive)");
            return null;
        }
        return new JsonFormat(pattern.equals("arrayOfObjects"));
    }

    /**
     * The file's encoding as PostgreSQL names it, which then writes the text in it: UTF-8 (ADF's default), or for
     * DelimitedText one of the single- and multi-byte encodings PostgreSQL converts to. JSON and Parquet are UTF-8.
     */
    private String encoding(Field field, boolean delimitedText) {
        String name = Optional.ofNullable(reading.string(field, false)).orElse("UTF-8").toUpperCase(Locale.ROOT);
        if (Set.of("UTF-8", "UTF8", "UTF-8 WITHOUT BOM").contains(name)) {
            return "UTF8";
        }
        String postgres = delimitedText ? POSTGRES_ENCODINGS.get(name) : null;
        if (postgres == null) {
            reading.violation(field, delimitedText ? "'" + name + "' is not supported; supported: UTF-8, "
                    + String.join(", ", new TreeSet<>(POSTGRES_ENCODINGS.keySet()))
                    : "must be UTF-8 for this format");
        }
        return postgres;
    }

    /** {@code storeSettings.metadata}: name/value pairs set on every blob, beside pgferry's own run id. */
    private Map<String, String> metadata(Field field, boolean fileServer) {
        Map<String, String> metadata = new LinkedHashMap<>();
        if (!field.present()) {
            return metadata;
        }
        if (fileServer) {
            reading.violation(field, "blob metadata applies to Blob Storage sinks only");
            return null;
        }
        if (!field.node().isArray()) {
            reading.violation(field, "must be an array of {name, value}");
            return null;
        }
        int before = reading.violationCount();
        for (int i = 0; i < field.node().size(); i++) {
            Field entry = field.get(i);
            String name = reading.string(entry.get("name"), true);
            String value = reading.string(entry.get("value"), true);
            if (name != null && (!METADATA_NAME.matcher(name).matches() || name.equalsIgnoreCase("pgferry_run_id"))) {
                reading.violation(entry.get("name"), "must be a C# identifier (letters, digits, _), not"
                        + " pgferry_run_id");
            } else if (value != null && (value.startsWith("$$") || !value.chars().allMatch(c -> c >= 0x20
                    && c < 0x7F))) {
                reading.violation(entry.get("value"), "must be printable ASCII; ADF's $$ system variables are not"
                        + " supported");
            } else if (name != null && value != null) {
                metadata.put(name, value);
            }
        }
        return reading.violationCount() > before ? null : metadata;
    }

    private ParquetFormat parquetFormat(Field codecField) {
        String codec = Optional.ofNullable(reading.string(codecField, false)).orElse("snappy")
                .toLowerCase(Locale.ROOT);
        return switch (codec) {
            case "none", "" -> new ParquetFormat(ParquetFormat.Codec.NONE);
            case "snappy" -> new ParquetFormat(ParquetFormat.Codec.SNAPPY);
            case "gzip" -> new ParquetFormat(ParquetFormat.Codec.GZIP);
            case "zstd" -> new ParquetFormat(ParquetFormat.Codec.ZSTD);
            case "lz4" -> new ParquetFormat(ParquetFormat.Codec.LZ4);
            default -> {
                reading.violation(codecField, "'" + codec + "' is not supported (ADF's copy cannot write lzo either);"
                        + " supported: none, snappy, gzip, zstd, lz4");
                yield null;
            }
        };
    }

    private AvroFormat avroFormat(Field codecField, Field levelField) {
        String codec = Optional.ofNullable(reading.string(codecField, false)).orElse("none").toLowerCase(Locale.ROOT);
        int level = (int) reading.integer(levelField, 1, 9).orElse(6);
        return switch (codec) {
            case "none", "" -> new AvroFormat(AvroFormat.Codec.NONE, 0);
            case "deflate" -> new AvroFormat(AvroFormat.Codec.DEFLATE, level);
            case "snappy" -> new AvroFormat(AvroFormat.Codec.SNAPPY, 0);
            default -> {
                reading.violation(codecField, "'" + codec + "' is not supported; supported: none, deflate, snappy");
                yield null;
            }
        };
    }

    private Compression compression(Field codecField, Field levelField) {
        String codec = Optional.ofNullable(reading.string(codecField, false)).orElse("none").toLowerCase(Locale.ROOT);
        String level = Optional.ofNullable(reading.string(levelField, false)).orElse("Optimal");
        if (!Set.of("Optimal", "Fastest").contains(level)) {
            reading.violation(levelField, "must be Optimal or Fastest");
            return null;
        }
        int zlibLevel = level.equals("Fastest") ? 1 : 6;
        return switch (codec) {
            case "none", "" -> Compression.NONE;
            case "gzip" -> new Compression(Compression.Codec.GZIP, zlibLevel);
            case "deflate" -> new Compression(Compression.Codec.DEFLATE, zlibLevel);
            case "bzip2" -> new Compression(Compression.Codec.BZIP2, zlibLevel);
            case "zipdeflate" -> new Compression(Compression.Codec.ZIP_DEFLATE, zlibLevel);
            case "tar" -> new Compression(Compression.Codec.TAR, 0);
            case "targzip" -> new Compression(Compression.Codec.TAR_GZIP, zlibLevel);
            case "snappy", "lz4" -> {
                reading.violation(codecField, "'" + codec + "' is not supported: ADF's Copy activity writes"
                        + " neither snappy nor lz4 files; supported: " + CODECS);
                yield null;
            }
            default -> {
                reading.violation(codecField, "'" + codec + "' is not supported; supported: " + CODECS);
                yield null;
            }
        };
    }

    /** The sink's store; the dataset location and store settings must be of the linked service's kind. */
    private Destination sinkStore(Field linkedService, Field location, Field storeSettings) {
        Field properties = linkedService.get("properties");
        if (!reading.oneOf(properties.get("type"), Set.of("AzureBlobStorage", "AzureStorage", "FileServer"))) {
            return null;
        }
        Field settings = properties.get("typeProperties");
        boolean fileServer = properties.get("type").node().asText().equals("FileServer");
        if (location.get("type").present()) {
            reading.oneOf(location.get("type"), Set.of(fileServer ? "FileServerLocation" : "AzureBlobStorageLocation"));
        }
        if (storeSettings.get("type").present()) {
            reading.oneOf(storeSettings.get("type"), Set.of(fileServer ? "FileServerWriteSettings"
                    : "AzureBlobStorageWriteSettings"));
        }
        return fileServer ? fileServer(settings)
                : blobStorage(settings, location, properties.get("type").node().asText().equals("AzureStorage"));
    }

    private Destination.FileServer fileServer(Field settings) {
        for (String credential : List.of("userId", "password")) {
            if (settings.get(credential).present()) {
                reading.violation(settings.get(credential),
                        "is not supported: pgferry writes to a folder of the function"
                        + " host (a local disk or a mounted share); remove it");
            }
        }
        String host = reading.string(settings.get("host"), true);
        if (host == null) {
            return null;
        }
        Optional<String> problem = checks.fileServerRoot().apply(host);
        problem.ifPresent(reason -> reading.violation(settings.get("host"), reason));
        return problem.isPresent() ? null : new Destination.FileServer(Path.of(host).normalize());
    }

    /** @param legacy an {@code AzureStorage} linked service, which takes keys and SAS only */
    private Destination.BlobStorage blobStorage(Field settings, Field location, boolean legacy) {
        BlobAccount account = blobAccount(settings, legacy);
        String container = reading.string(location.get("container"), true);
        if (container != null && !CONTAINER_NAME.matcher(container).matches()) {
            reading.violation(location.get("container"),
                    "must be 3 to 63 lower-case letters, digits and single hyphens,"
                    + " starting and ending with a letter or digit");
            container = null;
        }
        return account == null || container == null ? null : new Destination.BlobStorage(account, container);
    }

    private FileLocation location(Field location) {
        String folderPath = Optional.ofNullable(reading.string(location.get("folderPath"), false))
                .map(p -> p.replaceAll("^/+|/+$", "")).orElse("");
        PathNames.folderProblem(folderPath).ifPresent(reason -> reading.violation(location.get("folderPath"),
                reason));
        if (folderPath.length() + PathNames.GENERATED_PART > PathNames.MAX_NAME) {
            reading.violation(location.get("folderPath"), "is too long: a blob name holds at most "
                    + PathNames.MAX_NAME + " characters");
        }
        Optional<String> fileName = Optional.ofNullable(reading.string(location.get("fileName"), false))
                .filter(n -> !n.isEmpty());
        fileName.flatMap(PathNames::segmentProblem)
                .ifPresent(reason -> reading.violation(location.get("fileName"), reason));
        if (fileName.isPresent() && folderPath.length() + fileName.get().length() + PathNames.GENERATED_PART
                > PathNames.MAX_NAME) {
            reading.violation(location.get("fileName"), "with folderPath is too long: a blob name holds at most "
                    + PathNames.MAX_NAME + " characters");
        }
        return new FileLocation(folderPath, fileName, location.get("folderPath").pointer());
    }

    private DelimitedTextFormat delimitedTextFormat(Field settings, Field formatSettings, String encoding) {
        int before = reading.violationCount();
        char delimiter = singleChar(settings.get("columnDelimiter"), ',');
        char quote = singleChar(settings.get("quoteChar"), '"');
        char escape = singleChar(settings.get("escapeChar"), '\\');
        String rowDelimiter = Optional.ofNullable(reading.string(settings.get("rowDelimiter"), false)).orElse("\r\n");
        if (!Set.of("\r\n", "\n", "\r").contains(rowDelimiter)) {
            reading.violation(settings.get("rowDelimiter"), "must be \\r\\n, \\n or \\r");
        }
        if (delimiter == quote) {
            reading.violation(settings.get("quoteChar"), "must differ from columnDelimiter");
        }
        String nullValue = Optional.ofNullable(reading.string(settings.get("nullValue"), false)).orElse("");
        if (nullValue.chars().anyMatch(Character::isISOControl) || nullValue.indexOf(delimiter) >= 0
                || nullValue.indexOf(quote) >= 0) {
            reading.violation(settings.get("nullValue"),
                    "must not contain a line break or another control character, the columnDelimiter or the quoteChar");
        }
        boolean header = reading.bool(settings.get("firstRowAsHeader"), false);
        boolean quoteAll = reading.bool(formatSettings.get("quoteAllText"), false);
        if (reading.violationCount() > before || encoding == null) {
            return null;
        }
        return new DelimitedTextFormat(delimiter, rowDelimiter, quote, escape, header, nullValue, quoteAll, encoding);
    }

    private char singleChar(Field field, char fallback) {
        String text = reading.string(field, false);
        if (text == null) {
            return fallback;
        }
        if (text.length() != 1 || text.charAt(0) > 126 || (text.charAt(0) < ' ' && text.charAt(0) != '\t')) {
            reading.violation(field, text.isEmpty() ? "empty is not supported yet; give one character"
                    : "must be exactly one printable ASCII character or a tab");
            return fallback;
        }
        return text.charAt(0);
    }

    /**
     * ADF's chunk naming. DelimitedText needs {@code fileExtension} unless the dataset names a file; Json and Parquet
     * have no such setting in ADF and use {@code .json} and {@code .parquet}. {@code maxRowsPerFile} and
     * {@code fileNamePrefix} work for every format (ADF's JSON sink cannot chunk; pgferry's can). A compressed chunk's
     * name gets the codec's suffix.
     */
    private FileNaming fileNaming(Field formatSettings, FileLocation location, String kind,
            Compression compression) {
        int before = reading.violationCount();
        if (formatSettings.present()) {
            reading.object(formatSettings);
            if (formatSettings.get("type").present()) {
                reading.oneOf(formatSettings.get("type"), Set.of(kind + "WriteSettings"));
            }
        }
        OptionalLong maxRows = reading.integer(formatSettings.get("maxRowsPerFile"), 1, Long.MAX_VALUE);
        OptionalLong maxBytes = reading.integer(formatSettings.get("maxBytesPerFile"), 1024, Long.MAX_VALUE);
        Optional<String> prefix = Optional.ofNullable(reading.string(formatSettings.get("fileNamePrefix"), false));
        prefix.flatMap(PathNames::segmentProblem)
                .ifPresent(reason -> reading.violation(formatSettings.get("fileNamePrefix"), reason));
        Optional<String> extension = Optional.ofNullable(reading.string(formatSettings.get("fileExtension"), false))
                .or(() -> switch (kind) {
                    case "Json" -> Optional.of(".json");
                    case "Parquet" -> Optional.of(".parquet");
                    case "Avro" -> Optional.of(".avro");
                    default -> Optional.empty();
                });
        extension.filter(e -> !e.isEmpty()).flatMap(PathNames::segmentProblem)
                .ifPresent(reason -> reading.violation(formatSettings.get("fileExtension"), reason));
        if (prefix.orElse("").length() + extension.orElse("").length() + PathNames.GENERATED_PART
                > PathNames.MAX_SEGMENT) {
            reading.violation(formatSettings.get("fileNamePrefix"), "with fileExtension is too long: a blob"
                    + " name's segment holds at most " + PathNames.MAX_SEGMENT + " characters");
        }
        Optional<String> fileName = location == null ? Optional.empty() : location.fileName();
        if (fileName.isEmpty() && extension.isEmpty()) {
            reading.violation(formatSettings.get("fileExtension"),
                    "is required when the dataset has no fileName (e.g. .csv)");
        }
        if (reading.violationCount() > before || compression == null) {
            return null;
        }
        String stem = fileName.map(n -> n.lastIndexOf('.') > 0 ? n.substring(0, n.lastIndexOf('.')) : n)
                .orElse(DEFAULT_FILE_NAME_PREFIX);
        String fileExtension = fileName.map(n -> n.lastIndexOf('.') > 0 ? n.substring(n.lastIndexOf('.')) : "")
                .orElseGet(extension::orElseThrow);
        String suffix = compression.codec().fileSuffix();
        return new FileNaming(prefix.orElse(stem), fileExtension.endsWith(suffix) ? fileExtension
                : fileExtension + suffix, maxRows, maxBytes);
    }

    /**
     * The account's sign-in, whichever of ADF's forms the linked service uses: an account-key
     * {@code connectionString}; a {@code sasUri} (account or container SAS, with its token in the URI or in
     * {@code sasToken}); or a {@code serviceEndpoint} with an {@code accountKey}, a {@code sasToken}, a service
     * principal, a user-assigned identity ({@code credential}) or, with none of these, the function's own identity.
     * {@code authenticationType}, when given, must agree with the properties.
     */
    private BlobAccount blobAccount(Field settings, boolean legacy) {
        List<String> given = List.of("connectionString", "sasUri", "serviceEndpoint").stream()
                .filter(name -> settings.get(name).present()).toList();
        if (given.size() != 1) {
            reading.violation(settings, given.isEmpty() ? "needs connectionString, sasUri or serviceEndpoint"
                    : "takes one of connectionString, sasUri and serviceEndpoint, not " + String.join(" and ", given));
            return null;
        }
        Field authenticationType = settings.get("authenticationType");
        String declared = authenticationType.present() && reading.oneOf(authenticationType,
                Set.of("AccountKey", "SasUri", "ServicePrincipal", "Msi")) ? authenticationType.node().asText() : null;
        BlobAccount account;
        String mode;
        if (given.get(0).equals("connectionString")) {
            Secret connectionString = reading.secret(settings.get("connectionString"), true);
            account = connectionString == null ? null : keyed(settings.get("connectionString"), connectionString);
            mode = connectionString != null && connectionString.reveal().contains("SharedAccessSignature=")
                    ? "SasUri" : "AccountKey";
        } else {
            Field urlField = settings.get(given.get(0));
            URI uri = serviceUri(urlField);
            if (uri == null) {
                return null;
            }
            Secret sasToken = reading.secret(settings.get("sasToken"), false);
            Secret accountKey = reading.secret(settings.get("accountKey"), false);
            String sas = sasToken != null ? sasToken.reveal().replaceFirst("^\\?", "") : uri.getRawQuery();
            URI endpoint = URI.create(uri.getScheme() + "://" + uri.getRawAuthority() + serviceRoot(uri));
            if (accountKey != null) {
                mode = "AccountKey";
                account = keyed(urlField, new Secret("DefaultEndpointsProtocol=" + uri.getScheme() + ";AccountName="
                        + accountName(uri) + ";AccountKey=" + accountKey.reveal() + ";BlobEndpoint=" + endpoint + ";"));
            } else if (sas != null && !sas.isBlank()) {
                mode = "SasUri";
                account = keyed(urlField, new Secret("BlobEndpoint=" + endpoint + ";SharedAccessSignature=" + sas
                        + ";"));
            } else if (given.get(0).equals("sasUri")) {
                reading.violation(urlField, "needs a SAS token, in the URL or in sasToken");
                return null;
            } else {
                if (legacy) {
                    reading.violation(urlField, "needs an accountKey or a SAS token: an AzureStorage linked service"
                            + " cannot sign in with an identity (use AzureBlobStorage)");
                    return null;
                }
                if (!endpoint.getScheme().equals("https")) {
                    reading.violation(urlField, "must be an https URL to sign in with a service principal or a"
                            + " managed identity: a token is only sent over HTTPS");
                    return null;
                }
                boolean servicePrincipal = settings.get("servicePrincipalId").present()
                        || "ServicePrincipal".equals(declared);
                mode = servicePrincipal ? "ServicePrincipal" : "Msi";
                account = servicePrincipal ? servicePrincipal(settings, endpoint) : managedIdentity(settings, endpoint);
            }
        }
        if (declared != null && !declared.equals(mode)) {
            reading.violation(authenticationType, "is '" + declared + "' but the linked service's properties are"
                    + " those of '" + mode + "'");
            return null;
        }
        return account;
    }

    private BlobAccount.Keyed keyed(Field field, Secret connectionString) {
        Optional<String> problem = checks.blobConnectionString().apply(connectionString.reveal());
        problem.ifPresent(reason -> reading.violation(field, reason));
        return problem.isPresent() ? null : new BlobAccount.Keyed(connectionString);
    }

    private URI serviceUri(Field field) {
        Secret url = reading.secret(field, true);
        if (url == null) {
            return null;
        }
        try {
            URI uri = URI.create(url.reveal().strip());
            if (uri.getScheme() != null && uri.getHost() != null) {
                return uri;
            }
            reading.violation(field, "must be an absolute https URL of the blob service");
        } catch (IllegalArgumentException e) {
            reading.violation(field, "is not a URL");
        }
        return null;
    }

    /** {@code servicePrincipalId}, {@code tenant} and the client secret ({@code servicePrincipalKey}, or ADF's
     * {@code servicePrincipalCredential} of type {@code ServicePrincipalKey}), in the cloud {@code azureCloudType}
     * names. */
    private BlobAccount.ServicePrincipal servicePrincipal(Field settings, URI endpoint) {
        String clientId = reading.string(settings.get("servicePrincipalId"), true);
        String tenant = reading.string(settings.get("tenant"), true);
        Field credentialType = settings.get("servicePrincipalCredentialType");
        if (credentialType.present() && reading.oneOf(credentialType, Set.of("ServicePrincipalKey",
                "ServicePrincipalCert")) && credentialType.node().asText().equals("ServicePrincipalCert")) {
            reading.violation(credentialType, "certificates come from Key Vault, which pgferry does not read yet;"
                    + " use a client secret (servicePrincipalKey)");
            return null;
        }
        List<String> keys = List.of("servicePrincipalKey", "servicePrincipalCredential").stream()
                .filter(name -> settings.get(name).present()).toList();
        if (keys.size() > 1) {
            reading.violation(settings.get("servicePrincipalCredential"),
                    "takes the place of servicePrincipalKey; give one of them");
        }
        Secret secret = reading.secret(settings.get(keys.isEmpty() ? "servicePrincipalKey" : keys.get(0)), true);
        BlobAccount.AzureCloud cloud = BlobAccount.AzureCloud.AzurePublic;
        Field cloudType = settings.get("azureCloudType");
        if (cloudType.present()) {
            cloud = reading.oneOf(cloudType, Arrays.stream(BlobAccount.AzureCloud.values())
                    .map(Enum::name).collect(Collectors.toSet()))
                    ? BlobAccount.AzureCloud.valueOf(cloudType.node().asText()) : null;
        }
        return clientId == null || tenant == null || secret == null || cloud == null || keys.size() > 1 ? null
                : new BlobAccount.ServicePrincipal(endpoint, tenant, clientId, secret, cloud);
    }

    /** The function's own identity, or the user-assigned identity of the factory credential {@code credential}. */
    private BlobAccount.ManagedIdentity managedIdentity(Field settings, URI endpoint) {
        if (!settings.get("credential").present()) {
            return new BlobAccount.ManagedIdentity(endpoint, Optional.empty());
        }
        Field credential = reading.credential(settings.get("credential"), credentials);
        if (credential == null) {
            return null;
        }
        Field properties = credential.get("properties");
        if (!reading.oneOf(properties.get("type"), Set.of("ManagedIdentity"))) {
            return null;
        }
        Field resourceId = properties.get("typeProperties").get("resourceId");
        String id = reading.string(resourceId, true);
        if (id != null && !USER_ASSIGNED_IDENTITY.matcher(id).matches()) {
            reading.violation(resourceId, "must be a user-assigned identity's resource id, /subscriptions/<id>"
                    + "/resourceGroups/<group>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>");
            return null;
        }
        return id == null ? null
                : new BlobAccount.ManagedIdentity(endpoint, Optional.of(new BlobAccount.UserAssigned(true, id)));
    }

    /** The account of a blob service URL: the host's first label on Azure, the path's first segment on an
     * emulator. */
    private static String accountName(URI uri) {
        return uri.getHost().indexOf('.') > 0 && !uri.getHost().matches("[0-9.]+")
                ? uri.getHost().substring(0, uri.getHost().indexOf('.'))
                : serviceRoot(uri).replace("/", "");
    }

    /** The blob service's root path: empty on Azure, {@code /<account>} on an emulator addressed by IP. */
    private static String serviceRoot(URI uri) {
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (uri.getHost().matches("[0-9.]+|localhost")) {
            String[] segments = path.replaceFirst("^/", "").split("/");
            return segments[0].isEmpty() ? "" : "/" + segments[0];
        }
        return "";
    }

    private BlockSettings blockSettings(Field storeSettings) {
        long blockSizeMb = reading.integer(storeSettings.get("blockSizeInMB"), 4, 100).orElse(DEFAULT_BLOCK_SIZE_MB);
        long concurrency = reading.integer(storeSettings.get("maxConcurrentConnections"), 1, 64)
                .orElse(DEFAULT_MAX_CONCURRENT_CONNECTIONS);
        return new BlockSettings((int) blockSizeMb * 1024 * 1024, (int) concurrency);
    }

}
