package io.pgferry.format;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
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

    /**
     * {@code value} as {@code numeric_send} writes it: base-10000 digits without leading or trailing zero digits, the
     * first one's weight, and the display scale (the decimal's scale, at least 0). Written here from the format's
     * definition, independently of pgferry's decoder.
     */
    public static byte[] numeric(BigDecimal value) {
        BigDecimal plain = value.scale() < 0 ? value.setScale(0) : value;
        String[] parts = plain.abs().toPlainString().split("\\.");
        String integer = parts[0];
        String fraction = parts.length > 1 ? parts[1] : "";
        integer = "0".repeat((4 - integer.length() % 4) % 4) + integer;
        fraction = fraction + "0".repeat((4 - fraction.length() % 4) % 4);
        List<Integer> groups = new ArrayList<>();
        for (int i = 0; i < integer.length(); i += 4) {
            groups.add(Integer.parseInt(integer.substring(i, i + 4)));
        }
        int weight = groups.size() - 1;
        for (int i = 0; i < fraction.length(); i += 4) {
            groups.add(Integer.parseInt(fraction.substring(i, i + 4)));
        }
        while (!groups.isEmpty() && groups.get(0) == 0) {
            groups.remove(0);
            weight--;
        }
        while (!groups.isEmpty() && groups.get(groups.size() - 1) == 0) {
            groups.remove(groups.size() - 1);
        }
        if (groups.isEmpty()) {
            weight = 0;
        }
        return numeric(
                plain.signum() < 0,
                weight,
                plain.scale(),
                groups.stream().mapToInt(Integer::intValue).toArray());
    }

    /** {@code numeric}'s NaN (0xC000), Infinity (0xD000) or -Infinity (0xF000): no digits, only the sign word. */
    public static byte[] numericSpecial(int sign) {
        return ByteBuffer.allocate(8)
                .putShort((short) 0)
                .putShort((short) 0)
                .putShort((short) sign)
                .putShort((short) 0)
                .array();
    }

    /**
     * A one-dimensional array of {@code elementOid} whose elements are given in their binary form (null for NULL).
     */
    public static byte[] array(int elementOid, byte[]... elements) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean nulls = false;
        for (byte[] element : elements) {
            nulls |= element == null;
        }
        out.writeBytes(int4(1));
        out.writeBytes(int4(nulls ? 1 : 0));
        out.writeBytes(int4(elementOid));
        out.writeBytes(int4(elements.length));
        out.writeBytes(int4(1));
        for (byte[] element : elements) {
            out.writeBytes(int4(element == null ? -1 : element.length));
            if (element != null) {
                out.writeBytes(element);
            }
        }
        return out.toByteArray();
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
