package io.pgferry.payload;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;

import io.pgferry.contract.Projection;

/**
 * The columns a copy writes: the Copy activity's {@code translator} ({@code TabularTranslator} with {@code mappings}
 * or the legacy {@code columnMappings} string, and its {@code typeConversionSettings}) and the source's
 * {@code additionalColumns} (a static value, an expression, or {@code $$COLUMN:<source column>}).
 */
final class ProjectionReader {
    /** PostgreSQL cuts longer names (NAMEDATALEN): a longer one would be written under another name. */
    private static final int MAX_NAME_BYTES = 63;

    private static final String COLUMN_PREFIX = "$$COLUMN:";
    private static final Pattern LEGACY_MAPPING = Pattern.compile("\\s*([^:,]+?)\\s*:\\s*([^:,]+?)\\s*");

    private final Reading reading;

    ProjectionReader(Reading reading) {
        this.reading = reading;
    }

    /** Null after a violation. */
    Projection read(Field typeProperties) {
        List<Projection.Column> additional =
                additionalColumns(typeProperties.get("source").get("additionalColumns"));
        Field translator = typeProperties.get("translator");
        if (!translator.present()) {
            return additional == null ? null : new Projection(true, additional, false);
        }
        boolean expression = translator.node().isTextual()
                || "Expression".equals(translator.node().path("type").asText());
        JsonNode resolved = expression ? reading.value(translator) : translator.node();
        if (resolved == null) {
            return null;
        }
        // A translator given as an expression is read as the object it evaluates to, still named by its pointer.
        Field given = translator.as(resolved);
        if (reading.object(given) == null || !reading.oneOf(given.get("type"), Set.of("TabularTranslator"))) {
            return null;
        }
        boolean booleansAsNumbers = typeConversion(given);
        List<Projection.Column> mapped = mappings(given, additional == null ? List.of() : additional);
        if (mapped == null || additional == null) {
            return null;
        }
        return mapped.isEmpty()
                ? new Projection(true, additional, booleansAsNumbers)
                : new Projection(false, mapped, booleansAsNumbers);
    }

    private List<Projection.Column> additionalColumns(Field field) {
        if (!field.present()) {
            return List.of();
        }
        if (!field.node().isArray()) {
            reading.violation(field, "must be an array of {\"name\", \"value\"}");
            return null;
        }
        List<Projection.Column> columns = new ArrayList<>();
        Set<String> names = new HashSet<>();
        int before = reading.violationCount();
        for (int i = 0; i < field.node().size(); i++) {
            Field column = field.get(i);
            if (reading.object(column) == null) {
                continue;
            }
            String name = name(column.get("name"), names);
            String value = reading.string(column.get("value"), true);
            if (name == null || value == null) {
                continue;
            }
            if (value.equals("$$FILEPATH")) {
                reading.violation(
                        column.get("value"),
                        "$$FILEPATH is the path of a source file, and a PostgreSQL"
                                + " source has none; use a static value or $$COLUMN:<column>");
            } else if (value.startsWith(COLUMN_PREFIX)) {
                String source = value.substring(COLUMN_PREFIX.length());
                if (plainName(column.get("value"), source)) {
                    columns.add(new Projection.SourceColumn(
                            source, name, Optional.empty(), column.get("value").pointer()));
                }
            } else {
                columns.add(
                        new Projection.Constant(name, value, column.get("value").pointer()));
            }
        }
        return reading.violationCount() == before ? columns : null;
    }

    /** {@code typeConversionSettings}: what pgferry honours, what has no effect on a file, what it cannot do. */
    private boolean typeConversion(Field translator) {
        Field settings = translator.get("typeConversionSettings");
        reading.bool(translator.get("typeConversion"), false);
        if (!settings.present()) {
            return false;
        }
        if (reading.object(settings) == null) {
            return false;
        }
        // Files have no column widths: nothing is ever truncated, whichever way this is set.
        reading.bool(settings.get("allowDataTruncation"), true);
        for (String format : List.of("dateTimeFormat", "dateTimeOffsetFormat", "timeSpanFormat")) {
            String text = reading.string(settings.get(format), false);
            if (text != null && !text.isEmpty()) {
                reading.violation(
                        settings.get(format),
                        "is not supported: pgferry writes dates, times and"
                                + " intervals in ISO 8601; format them in the source query (to_char) instead");
            }
        }
        String culture = reading.string(settings.get("culture"), false);
        if (culture != null && !culture.isEmpty()) {
            reading.violation(
                    settings.get("culture"),
                    "is not supported: pgferry writes numbers and dates" + " culture-invariant; leave it empty");
        }
        return reading.bool(settings.get("treatBooleanAsNumber"), false);
    }

    /** Empty when the translator maps no columns; null after a violation. */
    private List<Projection.Column> mappings(Field translator, List<Projection.Column> additional) {
        Field mappings = translator.get("mappings");
        Field legacy = translator.get("columnMappings");
        if (mappings.present() && legacy.present()) {
            reading.violation(legacy, "takes the place of mappings; give one of them");
            return null;
        }
        int before = reading.violationCount();
        List<Projection.Column> columns = new ArrayList<>();
        Set<String> names = new HashSet<>();
        if (legacy.present()) {
            String text = reading.string(legacy, true);
            if (text == null) {
                return null;
            }
            for (String pair : text.split(",", -1)) {
                Matcher matcher = LEGACY_MAPPING.matcher(pair);
                if (!matcher.matches()) {
                    reading.violation(legacy, "must be pairs 'source: sink' separated by commas");
                    return null;
                }
                String source = matcher.group(1);
                String sink = matcher.group(2);
                if (!plainName(legacy, source) || !plainName(legacy, sink)) {
                    return null;
                }
                if (!names.add(sink)) {
                    reading.violation(legacy, "maps two columns to '" + sink + "'");
                    return null;
                }
                columns.add(mapped(source, sink, Optional.empty(), legacy, additional));
            }
            return reading.violationCount() == before ? columns : null;
        }
        if (!mappings.present()) {
            return List.of();
        }
        if (!mappings.node().isArray()) {
            reading.violation(mappings, "must be an array of {\"source\": {\"name\"}, \"sink\": {\"name\"}}");
            return null;
        }
        for (int i = 0; i < mappings.node().size(); i++) {
            Field mapping = mappings.get(i);
            if (reading.object(mapping) == null
                    || reading.object(mapping.get("source")) == null
                    || reading.object(mapping.get("sink")) == null) {
                continue;
            }
            for (String side : List.of("source", "sink")) {
                for (String hierarchical : List.of("path", "ordinal")) {
                    if (mapping.get(side).get(hierarchical).present()) {
                        reading.violation(
                                mapping.get(side).get(hierarchical),
                                "is for hierarchical or file"
                                        + " sources and sinks; a PostgreSQL to file copy maps columns by name");
                    }
                }
            }
            String source = reading.string(mapping.get("source").get("name"), true);
            String sink = name(mapping.get("sink").get("name"), names);
            Optional<Projection.InterimType> type = sinkType(mapping.get("sink").get("type"));
            // source.type and physicalType describe the columns; pgferry derives each file type from the source's.
            reading.string(mapping.get("source").get("type"), false);
            reading.string(mapping.get("source").get("physicalType"), false);
            reading.string(mapping.get("sink").get("physicalType"), false);
            if (source != null
                    && sink != null
                    && type != null
                    && plainName(mapping.get("source").get("name"), source)) {
                columns.add(mapped(source, sink, type, mapping.get("source").get("name"), additional));
            }
        }
        return reading.violationCount() == before ? columns : null;
    }

    /** A mapping's source is a source column, or an additional column by its name. */
    private static Projection.Column mapped(
            String source,
            String sink,
            Optional<Projection.InterimType> type,
            Field pointer,
            List<Projection.Column> additional) {
        for (Projection.Column column : additional) {
            if (column.name().equals(source) && type.isEmpty()) {
                return column instanceof Projection.Constant constant
                        ? new Projection.Constant(sink, constant.value(), pointer.pointer())
                        : new Projection.SourceColumn(
                                ((Projection.SourceColumn) column).source(), sink, type, pointer.pointer());
            }
        }
        return new Projection.SourceColumn(source, sink, type, pointer.pointer());
    }

    /** Empty when absent; null after a violation. */
    private Optional<Projection.InterimType> sinkType(Field field) {
        String text = reading.string(field, false);
        if (text == null || text.isEmpty()) {
            return field.present() && text == null ? null : Optional.empty();
        }
        Optional<Projection.InterimType> type = Projection.InterimType.named(text);
        if (type.isEmpty()) {
            reading.violation(
                    field,
                    "'" + text + "' is not one of ADF's interim types; supported: "
                            + Arrays.stream(Projection.InterimType.values())
                                    .map(t -> t == Projection.InterimType.ByteArray ? "Byte[]" : t.name())
                                    .collect(Collectors.joining(", ")));
            return null;
        }
        return type;
    }

    /** A written column's name, unique among {@code taken}; null after a violation. */
    private String name(Field field, Set<String> taken) {
        String name = reading.string(field, true);
        if (name == null || !plainName(field, name)) {
            return null;
        }
        if (!taken.add(name)) {
            reading.violation(field, "repeats the column name '" + name + "'");
            return null;
        }
        return name;
    }

    private boolean plainName(Field field, String name) {
        if (name.isEmpty()) {
            reading.violation(field, "must not be empty");
            return false;
        }
        if (name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            reading.violation(field, "must not hold control characters");
            return false;
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            reading.violation(field, "is longer than PostgreSQL's " + MAX_NAME_BYTES + "-byte names");
            return false;
        }
        return true;
    }
}
