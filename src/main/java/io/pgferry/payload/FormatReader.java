package io.pgferry.payload;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import io.pgferry.contract.AvroFormat;
import io.pgferry.contract.Compression;
import io.pgferry.contract.DelimitedTextFormat;
import io.pgferry.contract.JsonFormat;
import io.pgferry.contract.ParquetFormat;

/** A file dataset's format settings (DelimitedText, Json, Parquet, Avro), its encoding and its compression. */
final class FormatReader {
    private final Reading reading;

    FormatReader(Reading reading) {
        this.reading = reading;
    }

    /** .NET encoding names ADF's encodingName takes, and PostgreSQL's names for them. */
    private static final Map<String, String> POSTGRES_ENCODINGS = Map.ofEntries(
            Map.entry("ISO-8859-1", "LATIN1"),
            Map.entry("ISO-8859-2", "LATIN2"),
            Map.entry("ISO-8859-5", "ISO_8859_5"),
            Map.entry("ISO-8859-15", "LATIN9"),
            Map.entry("WINDOWS-1250", "WIN1250"),
            Map.entry("WINDOWS-1251", "WIN1251"),
            Map.entry("WINDOWS-1252", "WIN1252"),
            Map.entry("WINDOWS-1253", "WIN1253"),
            Map.entry("WINDOWS-1254", "WIN1254"),
            Map.entry("KOI8-R", "KOI8R"),
            Map.entry("SHIFT_JIS", "SJIS"),
            Map.entry("EUC-JP", "EUC_JP"),
            Map.entry("EUC-KR", "EUC_KR"),
            Map.entry("GB18030", "GB18030"),
            Map.entry("BIG5", "BIG5"),
            Map.entry("UTF-16", DelimitedTextFormat.UTF16_LE),
            Map.entry("UTF-16LE", DelimitedTextFormat.UTF16_LE),
            Map.entry("UTF-16BE", DelimitedTextFormat.UTF16_BE));

    private static final String CODECS = "none, gzip, deflate, bzip2, ZipDeflate, Tar, TarGzip";

    JsonFormat jsonFormat(Field formatSettings) {
        String pattern = Optional.ofNullable(reading.string(formatSettings.get("filePattern"), false))
                .orElse("setOfObjects");
        if (!Set.of("setOfObjects", "arrayOfObjects").contains(pattern)) {
            reading.violation(
                    formatSettings.get("filePattern"), "must be setOfObjects or arrayOfObjects (case-sensitive)");
            return null;
        }
        return new JsonFormat(pattern.equals("arrayOfObjects"));
    }

    /**
     * The file's encoding as PostgreSQL names it, which then writes the text in it: UTF-8 (ADF's default), or for
     * DelimitedText one of the single- and multi-byte encodings PostgreSQL converts to. JSON and Parquet are UTF-8.
     */
    String encoding(Field field, boolean delimitedText) {
        String name = Optional.ofNullable(reading.string(field, false))
                .orElse("UTF-8")
                .toUpperCase(Locale.ROOT);
        if (Set.of("UTF-8", "UTF8", "UTF-8 WITHOUT BOM").contains(name)) {
            return "UTF8";
        }
        String postgres = delimitedText ? POSTGRES_ENCODINGS.get(name) : null;
        if (postgres == null) {
            reading.violation(
                    field,
                    delimitedText
                            ? "'" + name + "' is not supported; supported: UTF-8, "
                                    + String.join(", ", new TreeSet<>(POSTGRES_ENCODINGS.keySet()))
                            : "must be UTF-8 for this format");
        }
        return postgres;
    }

    ParquetFormat parquetFormat(Field codecField) {
        String codec = Optional.ofNullable(reading.string(codecField, false))
                .orElse("snappy")
                .toLowerCase(Locale.ROOT);
        return switch (codec) {
            case "none", "" -> new ParquetFormat(ParquetFormat.Codec.NONE);
            case "snappy" -> new ParquetFormat(ParquetFormat.Codec.SNAPPY);
            case "gzip" -> new ParquetFormat(ParquetFormat.Codec.GZIP);
            case "zstd" -> new ParquetFormat(ParquetFormat.Codec.ZSTD);
            case "lz4" -> new ParquetFormat(ParquetFormat.Codec.LZ4);
            default -> {
                reading.violation(
                        codecField,
                        "'" + codec + "' is not supported (ADF's copy cannot write lzo either);"
                                + " supported: none, snappy, gzip, zstd, lz4");
                yield null;
            }
        };
    }

    AvroFormat avroFormat(Field codecField, Field levelField) {
        String codec = Optional.ofNullable(reading.string(codecField, false))
                .orElse("none")
                .toLowerCase(Locale.ROOT);
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

    Compression compression(Field codecField, Field levelField) {
        String codec = Optional.ofNullable(reading.string(codecField, false))
                .orElse("none")
                .toLowerCase(Locale.ROOT);
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
                reading.violation(
                        codecField,
                        "'" + codec + "' is not supported: ADF's Copy activity writes"
                                + " neither snappy nor lz4 files; supported: " + CODECS);
                yield null;
            }
            default -> {
                reading.violation(codecField, "'" + codec + "' is not supported; supported: " + CODECS);
                yield null;
            }
        };
    }

    DelimitedTextFormat delimitedTextFormat(Field settings, Field formatSettings, String encoding) {
        int before = reading.violationCount();
        char delimiter = singleChar(settings.get("columnDelimiter"), ',');
        char quote = singleChar(settings.get("quoteChar"), '"');
        char escape = singleChar(settings.get("escapeChar"), '\\');
        String rowDelimiter = Optional.ofNullable(reading.string(settings.get("rowDelimiter"), false))
                .orElse("\r\n");
        if (!Set.of("\r\n", "\n", "\r").contains(rowDelimiter)) {
            reading.violation(settings.get("rowDelimiter"), "must be \\r\\n, \\n or \\r");
        }
        if (delimiter == quote) {
            reading.violation(settings.get("quoteChar"), "must differ from columnDelimiter");
        }
        String nullValue = Optional.ofNullable(reading.string(settings.get("nullValue"), false))
                .orElse("");
        if (nullValue.chars().anyMatch(Character::isISOControl)
                || nullValue.indexOf(delimiter) >= 0
                || nullValue.indexOf(quote) >= 0) {
            reading.violation(
                    settings.get("nullValue"),
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
            reading.violation(
                    field,
                    text.isEmpty()
                            ? "empty is not supported yet; give one character"
                            : "must be exactly one printable ASCII character or a tab");
            return fallback;
        }
        return text.charAt(0);
    }
}
