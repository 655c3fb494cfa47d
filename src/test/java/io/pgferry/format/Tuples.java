package io.pgferry.format;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import io.pgferry.format.OutputFormat.FileEncoder;

/** Binary COPY tuples built by hand, as PostgreSQL sends them, for the encoders' unit tests. */
public final class Tuples {
    private static final LocalDate POSTGRES_EPOCH = LocalDate.of(2000, 1, 1);

    private Tuples() {}

    /** A tuple: field count, then each field's length (-1 for NULL) and bytes. */
    public static byte[] tuple(byte[]... fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(2).putShort((short) fields.length).array());
        for (byte[] field : fields) {
            out.writeBytes(ByteBuffer.allocate(4)
                    .putInt(field == null ? -1 : field.length)
                    .array());
            if (field != null) {
                out.writeBytes(field);
            }
        }
        return out.toByteArray();
    }

    public static byte[] int2(int value) {
        return ByteBuffer.allocate(2).putShort((short) value).array();
    }

    public static byte[] int4(int value) {
        return ByteBuffer.allocate(4).putInt(value).array();
    }

    public static byte[] int8(long value) {
        return ByteBuffer.allocate(8).putLong(value).array();
    }

    public static byte[] float8(double value) {
        return ByteBuffer.allocate(8).putDouble(value).array();
    }

    public static byte[] bool(boolean value) {
        return new byte[] {(byte) (value ? 1 : 0)};
    }

    public static byte[] text(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    /** A date: days since 2000-01-01. */
    public static byte[] date(LocalDate value) {
        return int4((int) (value.toEpochDay() - POSTGRES_EPOCH.toEpochDay()));
    }

    /** A timestamp(tz): microseconds since 2000-01-01 00:00 (UTC). */
    public static byte[] timestamp(Instant value) {
        long micros = Math.multiplyExact(value.getEpochSecond(), 1_000_000L) + value.getNano() / 1000;
        return int8(micros - POSTGRES_EPOCH.toEpochDay() * 86_400_000_000L);
    }

    /** numeric's binary form: digits in base 10000, the first one's weight, the sign and the display scale. */
    public static byte[] numeric(boolean negative, int weight, int scale, int... digits) {
        ByteBuffer buffer = ByteBuffer.allocate(8 + 2 * digits.length)
                .putShort((short) digits.length)
                .putShort((short) weight)
                .putShort((short) (negative ? 0x4000 : 0))
                .putShort((short) scale);
        for (int digit : digits) {
            buffer.putShort((short) digit);
        }
        return buffer.array();
    }

    /** A one-dimensional text[] (element type oid 25), NULL elements as null. */
    public static byte[] textArray(String... elements) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(int4(1));
        out.writeBytes(int4(0));
        out.writeBytes(int4(25));
        out.writeBytes(int4(elements.length));
        out.writeBytes(int4(1));
        for (String element : elements) {
            byte[] bytes = element == null ? null : text(element);
            out.writeBytes(int4(bytes == null ? -1 : bytes.length));
            if (bytes != null) {
                out.writeBytes(bytes);
            }
        }
        return out.toByteArray();
    }

    /** One file of {@code tuples} as the format encodes it. */
    public static byte[] encode(OutputFormat.FileEncoding encoding, List<byte[]> tuples) throws IOException {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        FileEncoder encoder = encoding.open(file);
        for (byte[] tuple : tuples) {
            encoder.row(tuple);
        }
        encoder.finish();
        return file.toByteArray();
    }
}
