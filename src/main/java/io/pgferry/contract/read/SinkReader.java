package io.pgferry.contract.read;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

import io.pgferry.contract.BlockSettings;
import io.pgferry.contract.Compression;
import io.pgferry.contract.DelimitedTextFormat;
import io.pgferry.contract.FileLocation;
import io.pgferry.contract.FileNaming;
import io.pgferry.contract.FileSink;
import io.pgferry.contract.JsonFormat;
import io.pgferry.contract.ParquetFormat;
import io.pgferry.contract.Secret;
import io.pgferry.contract.SinkFormat;
import io.pgferry.contract.SinkStore;

/**
 * The sink half of a copy request: the file dataset (DelimitedText, Json or Parquet), its location and store (Blob
 * Storage or a file server), compression, chunk naming and block settings.
 */
final class SinkReader {
    static final int DEFAULT_BLOCK_SIZE_MB = 8;
    static final int DEFAULT_MAX_CONCURRENT_CONNECTIONS = 4;
    private static final String DEFAULT_FILE_NAME_PREFIX = "data";
    /** Dataset types and the sink and write-settings types that go with them. */
    private static final Map<String, String> SINK_TYPES = Map.of("DelimitedText", "DelimitedTextSink", "Json",
            "JsonSink", "Parquet", "ParquetSink");
    private static final Pattern CONTAINER_NAME = Pattern.compile("^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$");

    private final Reading reading;
    private final StoreChecks checks;

    SinkReader(Reading reading, StoreChecks checks) {
        this.reading = reading;
        this.checks = checks;
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
        SinkStore store = linkedService == null || locationField == null ? null
                : reading.within(reading.scope().withLinkedService(reading.parameters(linkedService)),
                        () -> sinkStore(linkedService, locationField, settings.get("storeSettings")));
        FileLocation location = locationField == null ? null : location(locationField);
        String encoding = Optional.ofNullable(reading.string(typeProperties.get("encodingName"), false))
                .orElse("UTF-8");
        if (!Set.of("UTF-8", "UTF8", "UTF-8 WITHOUT BOM").contains(encoding.toUpperCase(Locale.ROOT))) {
            reading.violation(typeProperties.get("encodingName"), "only UTF-8 is supported yet");
        }
        SinkFormat format = switch (kind) {
            case "Json" -> jsonFormat(settings.get("formatSettings"));
            case "Parquet" -> parquetFormat(typeProperties.get("compressionCodec"));
            default -> delimitedTextFormat(typeProperties);
        };
        // Parquet compresses its pages inside the file; the text formats compress the whole file.
        Compression compression = switch (kind) {
            case "Json" -> compression(typeProperties.get("compression").get("type"),
                    typeProperties.get("compression").get("level"));
            case "Parquet" -> Compression.NONE;
            default -> compression(typeProperties.get("compressionCodec"), typeProperties.get("compressionLevel"));
        };
        FileNaming naming = fileNaming(settings.get("formatSettings"), location, kind, compression);
        if (!datasetKnown || store == null || location == null || format == null || compression == null
                || naming == null) {
            return null;
        }
        return new FileSink(store, location, format, compression, naming, blocks);
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
            default -> {
                reading.violation(codecField, "'" + codec + "' is not supported yet; supported: none, gzip, deflate");
                yield null;
            }
        };
    }

    /** The sink's store; the dataset location and store settings must be of the linked service's kind. */
    private SinkStore sinkStore(Field linkedService, Field location, Field storeSettings) {
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
        return fileServer ? fileServer(settings) : blobStorage(settings, location);
    }

    private SinkStore.FileServer fileServer(Field settings) {
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
        return problem.isPresent() ? null : new SinkStore.FileServer(Path.of(host).normalize());
    }

    private SinkStore.BlobStorage blobStorage(Field settings, Field location) {
        for (String unsupported : List.of("sasUri", "serviceEndpoint", "accountKey", "sasToken")) {
            if (settings.get(unsupported).present()) {
                reading.violation(settings.get(unsupported),
                        "is not supported yet; use connectionString with an account key");
                return null;
            }
        }
        Secret connectionString = reading.secret(settings.get("connectionString"), true);
        if (connectionString != null) {
            checks.blobConnectionString().apply(connectionString.reveal())
                    .ifPresent(reason -> reading.violation(settings.get("connectionString"), reason));
        }
        String container = reading.string(location.get("container"), true);
        if (container != null && !CONTAINER_NAME.matcher(container).matches()) {
            reading.violation(location.get("container"),
                    "must be 3 to 63 lower-case letters, digits and single hyphens,"
                    + " starting and ending with a letter or digit");
            container = null;
        }
        return connectionString == null || container == null ? null
                : new SinkStore.BlobStorage(connectionString, container);
    }

    private FileLocation location(Field location) {
        String folderPath = Optional.ofNullable(reading.string(location.get("folderPath"), false))
                .map(p -> p.replaceAll("^/+|/+$", "")).orElse("");
        if (List.of(folderPath.split("/")).contains("..")) {
            reading.violation(location.get("folderPath"), "must not contain '..'");
        }
        Optional<String> fileName = Optional.ofNullable(reading.string(location.get("fileName"), false))
                .filter(n -> !n.isEmpty());
        fileName.filter(n -> n.contains("/") || n.equals(".."))
                .ifPresent(n -> reading.violation(location.get("fileName"),
                        "must be a plain name; put folders in folderPath"));
        return new FileLocation(folderPath, fileName);
    }

    private DelimitedTextFormat delimitedTextFormat(Field settings) {
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
        if (nullValue.indexOf('\r') >= 0 || nullValue.indexOf('\n') >= 0 || nullValue.indexOf(delimiter) >= 0
                || nullValue.indexOf(quote) >= 0) {
            reading.violation(settings.get("nullValue"),
                    "must not contain a line break, the columnDelimiter or the quoteChar");
        }
        boolean header = reading.bool(settings.get("firstRowAsHeader"), false);
        if (reading.violationCount() > before) {
            return null;
        }
        return new DelimitedTextFormat(delimiter, rowDelimiter, quote, escape, header, nullValue);
    }

    private char singleChar(Field field, char fallback) {
        String text = reading.string(field, false);
        if (text == null) {
            return fallback;
        }
        if (text.length() != 1 || text.charAt(0) > 127 || text.charAt(0) == '\r' || text.charAt(0) == '\n') {
            reading.violation(field, text.isEmpty() ? "empty is not supported yet; give one character"
                    : "must be exactly one ASCII character other than a line break");
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
            if (reading.bool(formatSettings.get("quoteAllText"), false)) {
                reading.violation(formatSettings.get("quoteAllText"), "quoting all text is not supported yet");
            }
        }
        OptionalLong maxRows = reading.integer(formatSettings.get("maxRowsPerFile"), 1, Long.MAX_VALUE);
        Optional<String> prefix = Optional.ofNullable(reading.string(formatSettings.get("fileNamePrefix"), false));
        prefix.filter(p -> p.isEmpty() || p.contains("/"))
                .ifPresent(p -> reading.violation(formatSettings.get("fileNamePrefix"),
                        "must be non-empty without '/'"));
        Optional<String> extension = Optional.ofNullable(reading.string(formatSettings.get("fileExtension"), false))
                .or(() -> switch (kind) {
                    case "Json" -> Optional.of(".json");
                    case "Parquet" -> Optional.of(".parquet");
                    default -> Optional.empty();
                });
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
                : fileExtension + suffix, maxRows);
    }

    private BlockSettings blockSettings(Field storeSettings) {
        if (storeSettings.get("metadata").node().isArray() && !storeSettings.get("metadata").node().isEmpty()) {
            reading.violation(storeSettings.get("metadata"), "blob metadata is not supported yet");
        }
        long blockSizeMb = reading.integer(storeSettings.get("blockSizeInMB"), 4, 100).orElse(DEFAULT_BLOCK_SIZE_MB);
        long concurrency = reading.integer(storeSettings.get("maxConcurrentConnections"), 1, 64)
                .orElse(DEFAULT_MAX_CONCURRENT_CONNECTIONS);
        return new BlockSettings((int) blockSizeMb * 1024 * 1024, (int) concurrency);
    }

}
