package io.pgferry.payload;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

import io.pgferry.contract.BlobAccount;
import io.pgferry.contract.BlockSettings;
import io.pgferry.contract.Compression;
import io.pgferry.contract.Destination;
import io.pgferry.contract.FileLocation;
import io.pgferry.contract.FileNaming;
import io.pgferry.contract.FileSink;
import io.pgferry.contract.SinkFormat;
import io.pgferry.error.ErrorCode;

/**
 * The sink half of a copy request: the file dataset (DelimitedText, Json, Parquet or Avro), its location and store (Blob
 * Storage or a file server), compression, chunk naming and block settings. Over 350 lines because ADF's sink is
 * one JSON object whose parts constrain each other (dataset type against sink and write-settings types, location
 * against store); the formats' and accounts' own settings are read by {@code FormatReader} and
 * {@code BlobAccountReader}.
 */
final class SinkReader {
    static final int DEFAULT_BLOCK_SIZE_MB = 8;
    static final int DEFAULT_MAX_CONCURRENT_CONNECTIONS = 4;
    private static final String DEFAULT_FILE_NAME_PREFIX = "data";
    /** Dataset types and the sink and write-settings types that go with them. */
    private static final Map<String, String> SINK_TYPES = Map.of(
            "DelimitedText", "DelimitedTextSink", "Json", "JsonSink", "Parquet", "ParquetSink", "Avro", "AvroSink");

    /** Linked service types and the prefix of their location and write-settings types. */
    private static final Map<String, String> STORES = Map.of(
            "AzureBlobStorage", "AzureBlobStorage",
            "AzureStorage", "AzureBlobStorage",
            "AzureBlobFS", "AzureBlobFS",
            "FileServer", "FileServer");

    /** Extensions that say which format a file holds. */
    private static final Map<String, String> EXTENSIONS = Map.of(
            ".csv", "DelimitedText",
            ".tsv", "DelimitedText",
            ".json", "Json",
            ".jsonl", "Json",
            ".ndjson", "Json",
            ".parquet", "Parquet",
            ".avro", "Avro");

    private static final Set<String> COPY_BEHAVIORS = Set.of("PreserveHierarchy", "FlattenHierarchy", "MergeFiles");
    private static final Pattern METADATA_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    private static final Pattern CONTAINER_NAME = Pattern.compile("^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$");

    private final Reading reading;
    private final SinkChecks checks;
    private final BlobAccountReader accounts;
    private final FormatReader formats;

    /** @param credentials the request's {@code credentials} by name, which a linked service's credential names */
    SinkReader(Reading reading, SinkChecks checks, Map<String, Field> credentials) {
        this.reading = reading;
        this.checks = checks;
        this.accounts = new BlobAccountReader(reading, checks, credentials);
        this.formats = new FormatReader(reading);
    }

    /** @param dataset null when the output reference did not resolve: the sink settings are checked anyway */
    FileSink sink(Field dataset, Field settings, Map<String, Field> linkedServices) {
        boolean sinkKnown = reading.oneOf(settings.get("type"), Set.copyOf(SINK_TYPES.values()));
        reading.strict(settings.get("formatSettings"));
        BlockSettings blocks = blockSettings(reading.strict(settings.get("storeSettings")));
        reading.bool(settings.get("storeSettings").get("disableMetricsCollection"), false);
        if (dataset == null) {
            return null;
        }
        return reading.within(
                reading.scope().withDataset(reading.parameters(dataset)),
                () -> sink(dataset, settings, linkedServices, sinkKnown, blocks));
    }

    private FileSink sink(
            Field dataset, Field settings, Map<String, Field> linkedServices, boolean sinkKnown, BlockSettings blocks) {
        Field properties = dataset.get("properties");
        boolean datasetKnown = reading.oneOf(properties.get("type"), SINK_TYPES.keySet());
        if (!datasetKnown && !sinkKnown) {
            return null;
        }
        // The dataset decides the format; when its type is wrong, the sink's type lets the other checks go on.
        String kind = datasetKnown
                ? properties.get("type").node().asText()
                : settings.get("type").node().asText().replaceFirst("Sink$", "");
        String expectedSink = SINK_TYPES.get(kind);
        if (datasetKnown && sinkKnown && !settings.get("type").node().asText().equals(expectedSink)) {
            reading.violation(settings.get("type"), "must be " + expectedSink + " for a " + kind + " dataset");
        }
        Field linkedService = reading.linkedService(properties.get("linkedServiceName"), linkedServices);
        Field typeProperties = reading.strict(properties.get("typeProperties"));
        Field locationField = reading.object(reading.strict(typeProperties.get("location")));
        if (linkedService != null) {
            reading.pointTo(
                    ErrorCode.Field.SINK_CONNECTION,
                    linkedService.get("properties").get("typeProperties"));
        }
        if (locationField != null) {
            reading.pointTo(ErrorCode.Field.SINK_LOCATION, locationField);
        }
        Destination store = linkedService == null || locationField == null
                ? null
                : reading.within(
                        reading.scope().withLinkedService(reading.parameters(linkedService)),
                        () -> sinkStore(linkedService, locationField, settings.get("storeSettings")));
        FileLocation location = locationField == null ? null : location(locationField);
        String encoding = formats.encoding(typeProperties.get("encodingName"), kind.equals("DelimitedText"));
        SinkFormat format =
                switch (kind) {
                    case "Json" -> formats.jsonFormat(settings.get("formatSettings"));
                    case "Parquet" -> formats.parquetFormat(typeProperties.get("compressionCodec"));
                    case "Avro" ->
                        formats.avroFormat(
                                typeProperties.get("avroCompressionCodec"), typeProperties.get("avroCompressionLevel"));
                    default -> formats.delimitedTextFormat(typeProperties, settings.get("formatSettings"), encoding);
                };
        // Parquet and Avro compress inside the file; the text formats compress the whole file.
        Compression compression =
                switch (kind) {
                    case "Json" ->
                        formats.compression(
                                typeProperties.get("compression").get("type"),
                                typeProperties.get("compression").get("level"));
                    case "Parquet", "Avro" -> Compression.NONE;
                    default ->
                        formats.compression(
                                typeProperties.get("compressionCodec"), typeProperties.get("compressionLevel"));
                };
        FileNaming naming = fileNaming(
                settings.get("formatSettings"),
                locationField == null ? null : locationField.get("fileName"),
                location,
                kind,
                compression);
        Map<String, String> metadata =
                metadata(settings.get("storeSettings").get("metadata"), store instanceof Destination.FileServer);
        Optional<String> manifest = manifest(settings.get("manifest"));
        if (!datasetKnown
                || store == null
                || location == null
                || format == null
                || compression == null
                || naming == null
                || encoding == null
                || metadata == null
                || manifest == null) {
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
                reading.violation(
                        entry.get("name"), "must be a C# identifier (letters, digits, _), not" + " pgferry_run_id");
            } else if (value != null
                    && (value.startsWith("$$") || !value.chars().allMatch(c -> c >= 0x20 && c < 0x7F))) {
                reading.violation(
                        entry.get("value"),
                        "must be printable ASCII; ADF's $$ system variables are not" + " supported");
            } else if (name != null && value != null) {
                metadata.put(name, value);
            }
        }
        return reading.violationCount() > before ? null : metadata;
    }

    /** The sink's store; the dataset location and store settings must be of the linked service's kind. */
    private Destination sinkStore(Field linkedService, Field location, Field storeSettings) {
        Field properties = linkedService.get("properties");
        if (!reading.oneOf(properties.get("type"), STORES.keySet())) {
            return null;
        }
        Field settings = reading.strict(properties.get("typeProperties"));
        String type = properties.get("type").node().asText();
        String store = STORES.get(type);
        if (location.get("type").present()) {
            reading.oneOf(location.get("type"), Set.of(store + "Location"));
        }
        if (storeSettings.get("type").present()) {
            reading.oneOf(storeSettings.get("type"), Set.of(store + "WriteSettings"));
        }
        // A database source has no folder hierarchy to preserve, flatten or merge: each behaviour writes the same.
        if (storeSettings.get("copyBehavior").present()) {
            reading.oneOf(storeSettings.get("copyBehavior"), COPY_BEHAVIORS);
        }
        return switch (type) {
            case "FileServer" -> fileServer(settings);
            case "AzureBlobFS" -> blobStorage(settings, location, BlobAccountReader.Kind.DATA_LAKE, type);
            case "AzureStorage" -> blobStorage(settings, location, BlobAccountReader.Kind.AZURE_STORAGE, type);
            default -> blobStorage(settings, location, BlobAccountReader.Kind.BLOB_STORAGE, type);
        };
    }

    private Destination.FileServer fileServer(Field settings) {
        for (String credential : List.of("userId", "password")) {
            if (settings.get(credential).present()) {
                reading.violation(
                        settings.get(credential),
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
        return problem.isPresent()
                ? null
                : new Destination.FileServer(Path.of(host).normalize());
    }

    /** A container, or a Data Lake file system: the same names, the same API. */
    private Destination.BlobStorage blobStorage(
            Field settings, Field location, BlobAccountReader.Kind kind, String type) {
        BlobAccount account = accounts.read(settings, kind);
        Field name = location.get(kind == BlobAccountReader.Kind.DATA_LAKE ? "fileSystem" : "container");
        String container = reading.string(name, true);
        if (container != null && !CONTAINER_NAME.matcher(container).matches()) {
            reading.violation(
                    name,
                    "must be 3 to 63 lower-case letters, digits and single hyphens,"
                            + " starting and ending with a letter or digit");
            container = null;
        }
        return account == null || container == null
                ? null
                : new Destination.BlobStorage(
                        account, container, type.equals("AzureBlobFS") ? type : "AzureBlobStorage");
    }

    private FileLocation location(Field location) {
        String folderPath = Optional.ofNullable(reading.string(location.get("folderPath"), false))
                .map(p -> p.replaceAll("^/+|/+$", ""))
                .orElse("");
        PathNames.folderProblem(folderPath).ifPresent(reason -> reading.violation(location.get("folderPath"), reason));
        if (folderPath.length() + PathNames.GENERATED_PART > PathNames.MAX_NAME) {
            reading.violation(
                    location.get("folderPath"),
                    "is too long: a blob name holds at most " + PathNames.MAX_NAME + " characters");
        }
        Optional<String> fileName = Optional.ofNullable(reading.string(location.get("fileName"), false))
                .filter(n -> !n.isEmpty());
        fileName.flatMap(PathNames::segmentProblem)
                .ifPresent(reason -> reading.violation(location.get("fileName"), reason));
        if (fileName.isPresent()
                && folderPath.length() + fileName.get().length() + PathNames.GENERATED_PART > PathNames.MAX_NAME) {
            reading.violation(
                    location.get("fileName"),
                    "with folderPath is too long: a blob name holds at most " + PathNames.MAX_NAME + " characters");
        }
        return new FileLocation(folderPath, fileName, location.get("folderPath").pointer());
    }

    /**
     * ADF's chunk naming. DelimitedText needs {@code fileExtension} unless the dataset names a file; Json and Parquet
     * have no such setting in ADF and use {@code .json} and {@code .parquet}. {@code maxRowsPerFile} and
     * {@code fileNamePrefix} work for every format (ADF's JSON sink cannot chunk; pgferry's can). A compressed chunk's
     * name gets the codec's suffix.
     */
    /** Refuses a name whose extension says another format than the one written: {@code .csv} holding Parquet bytes. */
    private void otherFormat(Field field, String name, String kind) {
        String lower = name.toLowerCase(Locale.ROOT).replaceFirst("\\.(gz|bz2|deflate|zip|tar|tar\\.gz)$", "");
        for (Map.Entry<String, String> known : EXTENSIONS.entrySet()) {
            if (lower.endsWith(known.getKey()) && !known.getValue().equals(kind)) {
                reading.violation(
                        field,
                        "ends with " + known.getKey() + ", a " + known.getValue() + " file's"
                                + " extension, but the dataset writes " + kind);
            }
        }
    }

    private FileNaming fileNaming(
            Field formatSettings, Field fileNameField, FileLocation location, String kind, Compression compression) {
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
        extension
                .filter(e -> !e.isEmpty())
                .flatMap(PathNames::segmentProblem)
                .ifPresent(reason -> reading.violation(formatSettings.get("fileExtension"), reason));
        if (prefix.orElse("").length() + extension.orElse("").length() + PathNames.GENERATED_PART
                > PathNames.MAX_SEGMENT) {
            reading.violation(
                    formatSettings.get("fileNamePrefix"),
                    "with fileExtension is too long: a blob" + " name's segment holds at most " + PathNames.MAX_SEGMENT
                            + " characters");
        }
        Optional<String> fileName = location == null ? Optional.empty() : location.fileName();
        extension.ifPresent(e -> otherFormat(formatSettings.get("fileExtension"), e, kind));
        if (location != null && location.fileName().isPresent()) {
            otherFormat(fileNameField, location.fileName().get(), kind);
        }
        if (fileName.isEmpty() && extension.isEmpty()) {
            reading.violation(
                    formatSettings.get("fileExtension"), "is required when the dataset has no fileName (e.g. .csv)");
        }
        if (reading.violationCount() > before || compression == null) {
            return null;
        }
        String stem = fileName.map(n -> n.lastIndexOf('.') > 0 ? n.substring(0, n.lastIndexOf('.')) : n)
                .orElse(DEFAULT_FILE_NAME_PREFIX);
        String fileExtension = fileName.map(n -> n.lastIndexOf('.') > 0 ? n.substring(n.lastIndexOf('.')) : "")
                .orElseGet(extension::orElseThrow);
        String suffix = compression.codec().fileSuffix();
        return new FileNaming(
                prefix.orElse(stem),
                fileExtension.endsWith(suffix) ? fileExtension : fileExtension + suffix,
                maxRows,
                maxBytes);
    }

    private BlockSettings blockSettings(Field storeSettings) {
        long blockSizeMb =
                reading.integer(storeSettings.get("blockSizeInMB"), 4, 100).orElse(DEFAULT_BLOCK_SIZE_MB);
        long concurrency = reading.integer(storeSettings.get("maxConcurrentConnections"), 1, 64)
                .orElse(DEFAULT_MAX_CONCURRENT_CONNECTIONS);
        return new BlockSettings((int) blockSizeMb * 1024 * 1024, (int) concurrency);
    }
}
