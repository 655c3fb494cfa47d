package io.pgferry.format.json;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.pgferry.contract.JsonFormat;
import io.pgferry.format.OutputFormat;
import io.pgferry.format.binary.BinaryCodec;
import io.pgferry.format.binary.BinaryColumn;
import io.pgferry.source.postgres.CopyOutReader;
import io.pgferry.source.postgres.SourceColumn;

/**
 * JSON objects from a binary COPY, one per row, exactly as PostgreSQL's {@code row_to_json} writes them: the columns'
 * names as keys, in order, without spaces; numbers as numbers, {@code NaN} and infinities as strings, timestamps in
 * ISO 8601, arrays as arrays, composites as objects, json and jsonb nested as they are.
 *
 * <p>
 * Building each row's object costs the backend as much as the rest of the query together (a third of the CPU of
 * rendering every value as text), so it is done here: integers, {@code numeric}, booleans, text, {@code uuid},
 * {@code json} and {@code jsonb} (the types {@code row_to_json} writes as numbers, booleans, strings or nested JSON
 * without a type-specific rendering) arrive in their binary form and are written and escaped by this class; so do
 * {@code date}, {@code timestamp} and, when the session's time zone is UTC (pgferry's default), {@code timestamptz},
 * whose ISO 8601 rendering took about a seventh of the backend's CPU on the bench table. Every other type is rendered
 * by the server's {@code to_json}, the function {@code row_to_json} applies to each column, and passes through. JSON
 * Lines end each object with {@code \n}; an array of objects opens with {@code [}, separates objects with a comma and a
 * line break and closes with {@code ]}.
 */
public final class JsonOutput implements OutputFormat {
    private static final byte[] ARRAY_START = "[".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ARRAY_SEPARATOR = ",\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ARRAY_END = "]\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRUE = "true".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FALSE = "false".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] UTC_OFFSET = "+00:00".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BC = " BC".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final Map<String, Value> DECODED = Map.ofEntries(
            Map.entry("int2", Value.INT16),
            Map.entry("smallserial", Value.INT16),
            Map.entry("int4", Value.INT32),
            Map.entry("serial", Value.INT32),
            Map.entry("int8", Value.INT64),
            Map.entry("bigserial", Value.INT64),
            Map.entry("numeric", Value.NUMERIC),
            Map.entry("bool", Value.BOOLEAN),
            Map.entry("text", Value.TEXT),
            Map.entry("varchar", Value.TEXT),
            Map.entry("bpchar", Value.TEXT),
            Map.entry("name", Value.TEXT),
            Map.entry("uuid", Value.UUID),
            Map.entry("json", Value.JSON),
            Map.entry("jsonb", Value.JSONB),
            Map.entry("date", Value.DATE),
            Map.entry("timestamp", Value.TIMESTAMP));
    private static final long MICROS_PER_DAY = 86_400_000_000L;

    /** How a column's binary value becomes JSON. */
    private enum Value {
        INT16,
        INT32,
        INT64,
        NUMERIC,
        BOOLEAN,
        TEXT,
        UUID,
        /** {@code json}'s binary form is its text. */
        JSON,
        /** {@code jsonb}'s binary form is a version byte, then its text. */
        JSONB,
        DATE,
        TIMESTAMP,
        /** Rendered in UTC, the session's time zone; in any other zone the server renders it. */
        TIMESTAMPTZ,
        /** Any other type, as {@code to_json} renders it on the server: json, whose binary form is its text. */
        RENDERED
    }

    private final JsonFormat format;
    private final Value[] values;
    private final List<String> projections = new ArrayList<>();
    /** Each column's {@code "name":}, with a leading comma for all but the first. */
    private final byte[][] keys;

    /** @param timeZone the session's time zone, in which the server renders {@code timestamptz} */
    public JsonOutput(JsonFormat format, List<SourceColumn> columns, String timeZone) {
        this.format = requireNonNull(format, "format is null");
        this.keys = new byte[columns.size()][];
        this.values = new Value[columns.size()];
        boolean utc = "UTC".equalsIgnoreCase(timeZone);
        for (int i = 0; i < columns.size(); i++) {
            String type = columns.get(i).typeName();
            Value value =
                    utc && type.equals("timestamptz") ? Value.TIMESTAMPTZ : DECODED.getOrDefault(type, Value.RENDERED);
            String alias = BinaryColumn.alias(i);
            values[i] = value;
            projections.add(value == Value.RENDERED ? "to_json(" + alias + ")" : alias);
            Buffer key = new Buffer();
            if (i > 0) {
                key.append((byte) ',');
            }
            byte[] name = columns.get(i).name().getBytes(StandardCharsets.UTF_8);
            key.string(name, 0, name.length);
            key.append((byte) ':');
            keys[i] = key.toByteArray();
        }
    }

    @Override
    public String copySql(String selectSql) {
        return BinaryColumn.copySql(projections, selectSql);
    }

    @Override
    public boolean binaryCopy() {
        return true;
    }

    @Override
    public FileEncoding begin(CopyOutReader rows) {
        return out -> {
            if (format.arrayOfObjects()) {
                out.write(ARRAY_START);
            }
            return new FileEncoder() {
                private final Buffer object = new Buffer();
                private boolean first = true;

                @Override
                public void row(byte[] tuple) throws IOException {
                    object.reset();
                    if (format.arrayOfObjects() && !first) {
                        object.append(ARRAY_SEPARATOR, 0, ARRAY_SEPARATOR.length);
                    }
                    first = false;
                    object(tuple, object);
                    if (!format.arrayOfObjects()) {
                        object.append((byte) '\n');
                    }
                    out.write(object.bytes, 0, object.length);
                }

                @Override
                public void finish() throws IOException {
                    if (format.arrayOfObjects()) {
                        out.write(ARRAY_END);
                    }
                }
            };
        };
    }

    private void object(byte[] tuple, Buffer out) {
        out.append((byte) '{');
        int position = 2;
        for (int i = 0; i < keys.length; i++) {
            out.append(keys[i], 0, keys[i].length);
            int length = BinaryCodec.int32(tuple, position);
            position += 4;
            if (length < 0) {
                out.append(NULL, 0, NULL.length);
                continue;
            }
            value(values[i], tuple, position, length, out);
            position += length;
        }
        out.append((byte) '}');
    }

    private static void value(Value value, byte[] tuple, int offset, int length, Buffer out) {
        switch (value) {
            case INT16 -> out.decimal(BinaryCodec.int16(tuple, offset));
            case INT32 -> out.decimal(BinaryCodec.int32(tuple, offset));
            case INT64 -> out.decimal(BinaryCodec.int64(tuple, offset));
            case NUMERIC -> numeric(BinaryCodec.numeric(tuple, offset), out);
            case BOOLEAN -> out.append(tuple[offset] != 0 ? TRUE : FALSE, 0, tuple[offset] != 0 ? 4 : 5);
            case TEXT -> out.string(tuple, offset, length);
            case UUID -> uuid(tuple, offset, out);
            case JSON, RENDERED -> out.append(tuple, offset, length);
            case JSONB -> out.append(tuple, offset + 1, length - 1);
            case DATE -> date(BinaryCodec.int32(tuple, offset), out);
            case TIMESTAMP -> timestamp(BinaryCodec.int64(tuple, offset), false, out);
            case TIMESTAMPTZ -> timestamp(BinaryCodec.int64(tuple, offset), true, out);
        }
    }

    /** As {@code to_json} writes a date: {@code "2000-01-31"}, {@code "0044-03-15 BC"}, {@code "infinity"}. */
    private static void date(int days, Buffer out) {
        if (days == Integer.MAX_VALUE || days == Integer.MIN_VALUE) {
            infinity(days == Integer.MIN_VALUE, out);
            return;
        }
        LocalDate date = LocalDate.ofEpochDay(days + (long) BinaryCodec.POSTGRES_EPOCH_DAYS);
        out.append((byte) '"');
        yearMonthDay(date, out);
        bc(date, out);
        out.append((byte) '"');
    }

    /**
     * As {@code to_json} writes a timestamp (microseconds since 2000-01-01): {@code "2026-03-29T01:30:00.1234"}, the
     * fraction without trailing zeros, then {@code +00:00} for a timestamptz in UTC and {@code BC} before 1 AD.
     */
    private static void timestamp(long micros, boolean utc, Buffer out) {
        if (micros == Long.MAX_VALUE || micros == Long.MIN_VALUE) {
            infinity(micros == Long.MIN_VALUE, out);
            return;
        }
        LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(micros, MICROS_PER_DAY) + BinaryCodec.POSTGRES_EPOCH_DAYS);
        long ofDay = Math.floorMod(micros, MICROS_PER_DAY);
        int seconds = (int) (ofDay / 1_000_000);
        int fraction = (int) (ofDay % 1_000_000);
        out.append((byte) '"');
        yearMonthDay(date, out);
        out.append((byte) 'T');
        out.twoDigits(seconds / 3600);
        out.append((byte) ':');
        out.twoDigits(seconds / 60 % 60);
        out.append((byte) ':');
        out.twoDigits(seconds % 60);
        if (fraction != 0) {
            out.append((byte) '.');
            for (int divisor = 100_000; fraction != 0; divisor /= 10) {
                out.append((byte) ('0' + fraction / divisor));
                fraction %= divisor;
            }
        }
        if (utc) {
            out.append(UTC_OFFSET, 0, UTC_OFFSET.length);
        }
        bc(date, out);
        out.append((byte) '"');
    }

    /** The year (of the era, at least four digits), month and day, as PostgreSQL's ISO and XSD styles write them. */
    private static void yearMonthDay(LocalDate date, Buffer out) {
        int year = date.getYear() > 0 ? date.getYear() : 1 - date.getYear();
        if (year < 1000) {
            out.twoDigits(year / 100);
            out.twoDigits(year % 100);
        } else {
            out.decimal(year);
        }
        out.append((byte) '-');
        out.twoDigits(date.getMonthValue());
        out.append((byte) '-');
        out.twoDigits(date.getDayOfMonth());
    }

    private static void bc(LocalDate date, Buffer out) {
        if (date.getYear() <= 0) {
            out.append(BC, 0, BC.length);
        }
    }

    private static void infinity(boolean negative, Buffer out) {
        byte[] text = (negative ? "-infinity" : "infinity").getBytes(StandardCharsets.US_ASCII);
        out.string(text, 0, text.length);
    }

    /** As {@code numeric_out} writes it (every digit of the display scale), or NaN and infinities as strings. */
    private static void numeric(BinaryCodec.Numeric numeric, Buffer out) {
        String special = numeric.special();
        if (special != null) {
            byte[] text = special.getBytes(StandardCharsets.US_ASCII);
            out.string(text, 0, text.length);
            return;
        }
        if (numeric.negative()) {
            out.append((byte) '-');
        }
        int weight = numeric.weight();
        if (weight < 0) {
            out.append((byte) '0');
        } else {
            for (int d = 0; d <= weight; d++) {
                int digit = numeric.digit(d);
                if (d == 0) {
                    out.decimal(digit);
                } else {
                    out.fourDigits(digit);
                }
            }
        }
        int scale = numeric.displayScale();
        if (scale > 0) {
            out.append((byte) '.');
            for (int d = weight + 1, written = 0; written < scale; d++) {
                int digit = numeric.digit(d);
                for (int divisor = 1000; divisor > 0 && written < scale; divisor /= 10, written++) {
                    out.append((byte) ('0' + digit / divisor % 10));
                }
            }
        }
    }

    private static void uuid(byte[] tuple, int offset, Buffer out) {
        out.append((byte) '"');
        for (int i = 0; i < 16; i++) {
            if (i == 4 || i == 6 || i == 8 || i == 10) {
                out.append((byte) '-');
            }
            out.append(HEX[(tuple[offset + i] >> 4) & 0xF]);
            out.append(HEX[tuple[offset + i] & 0xF]);
        }
        out.append((byte) '"');
    }

    @Override
    public String contentType() {
        return "application/json";
    }

    /** A growable byte buffer with JSON's writers. */
    private static final class Buffer {
        private byte[] bytes = new byte[1024];
        private int length;

        void reset() {
            length = 0;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(bytes, length);
        }

        void append(byte b) {
            ensure(1);
            bytes[length++] = b;
        }

        void append(byte[] source, int offset, int count) {
            ensure(count);
            System.arraycopy(source, offset, bytes, length, count);
            length += count;
        }

        void decimal(long value) {
            if (value < 0) {
                append((byte) '-');
                if (value == Long.MIN_VALUE) {
                    byte[] digits = "9223372036854775808".getBytes(StandardCharsets.US_ASCII);
                    append(digits, 0, digits.length);
                    return;
                }
                value = -value;
            }
            ensure(20);
            int start = length;
            do {
                bytes[length++] = (byte) ('0' + value % 10);
                value /= 10;
            } while (value > 0);
            for (int i = start, j = length - 1; i < j; i++, j--) {
                byte swap = bytes[i];
                bytes[i] = bytes[j];
                bytes[j] = swap;
            }
        }

        /** 0 to 99 as two decimal digits, zero-padded. */
        void twoDigits(int value) {
            ensure(2);
            bytes[length++] = (byte) ('0' + value / 10);
            bytes[length++] = (byte) ('0' + value % 10);
        }

        /** A base-10000 digit as four decimal digits, zero-padded. */
        void fourDigits(int digit) {
            ensure(4);
            bytes[length++] = (byte) ('0' + digit / 1000);
            bytes[length++] = (byte) ('0' + digit / 100 % 10);
            bytes[length++] = (byte) ('0' + digit / 10 % 10);
            bytes[length++] = (byte) ('0' + digit % 10);
        }

        /**
         * UTF-8 text as a JSON string, escaped as PostgreSQL's {@code escape_json} does: quote, backslash and the
         * control characters; everything else as it is.
         */
        void string(byte[] source, int offset, int count) {
            append((byte) '"');
            int end = offset + count;
            int run = offset;
            for (int i = offset; i < end; i++) {
                byte b = source[i];
                if (b >= 0 && (b < 0x20 || b == '"' || b == '\\')) {
                    append(source, run, i - run);
                    escape(b);
                    run = i + 1;
                }
            }
            append(source, run, end - run);
            append((byte) '"');
        }

        private void escape(byte b) {
            ensure(6 + 1);
            bytes[length++] = '\\';
            switch (b) {
                case '"' -> bytes[length++] = '"';
                case '\\' -> bytes[length++] = '\\';
                case '\b' -> bytes[length++] = 'b';
                case '\f' -> bytes[length++] = 'f';
                case '\n' -> bytes[length++] = 'n';
                case '\r' -> bytes[length++] = 'r';
                case '\t' -> bytes[length++] = 't';
                default -> {
                    bytes[length++] = 'u';
                    bytes[length++] = '0';
                    bytes[length++] = '0';
                    bytes[length++] = HEX[(b >> 4) & 0xF];
                    bytes[length++] = HEX[b & 0xF];
                }
            }
        }

        private void ensure(int more) {
            if (length + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
            }
        }
    }
}
