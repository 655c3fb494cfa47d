package io.pgferry.format.binary;

import java.math.BigInteger;

/** Values in PostgreSQL's binary COPY encoding: big-endian integers and {@code numeric}'s base-10000 digits. */
public final class BinaryCodec {
    /** Days from the Unix epoch to PostgreSQL's, 2000-01-01, where binary dates and timestamps count from. */
    public static final int POSTGRES_EPOCH_DAYS = 10_957;

    private static final long[] POWERS_OF_TEN = {
        1L,
        10L,
        100L,
        1_000L,
        10_000L,
        100_000L,
        1_000_000L,
        10_000_000L,
        100_000_000L,
        1_000_000_000L,
        10_000_000_000L,
        100_000_000_000L,
        1_000_000_000_000L,
        10_000_000_000_000L,
        100_000_000_000_000L,
        1_000_000_000_000_000L,
        10_000_000_000_000_000L,
        100_000_000_000_000_000L,
        1_000_000_000_000_000_000L
    };

    private BinaryCodec() {}

    public static short int16(byte[] bytes, int offset) {
        return (short) ((bytes[offset] << 8) | (bytes[offset + 1] & 0xFF));
    }

    public static int int32(byte[] bytes, int offset) {
        return (bytes[offset] << 24)
                | ((bytes[offset + 1] & 0xFF) << 16)
                | ((bytes[offset + 2] & 0xFF) << 8)
                | (bytes[offset + 3] & 0xFF);
    }

    public static long int64(byte[] bytes, int offset) {
        return ((long) int32(bytes, offset) << 32) | (int32(bytes, offset + 4) & 0xFFFF_FFFFL);
    }

    /** A {@code numeric}: digit count, weight of the first digit, sign (or NaN/infinity), display scale, digits. */
    public static Numeric numeric(byte[] bytes, int offset) {
        int count = int16(bytes, offset);
        int weight = int16(bytes, offset + 2);
        int sign = int16(bytes, offset + 4) & 0xFFFF;
        return new Numeric(bytes, offset + 8, count, weight, sign);
    }

    /**
     * @param offset where the base-10000 digits start
     */
    public record Numeric(byte[] bytes, int offset, int count, int weight, int sign) {
        private static final int NEGATIVE = 0x4000;
        private static final int NAN = 0xC000;
        private static final int POSITIVE_INFINITY = 0xD000;
        private static final int NEGATIVE_INFINITY = 0xF000;

        /** "NaN", "Infinity" or "-Infinity", or null for a number. */
        public String special() {
            return switch (sign) {
                case NAN -> "NaN";
                case POSITIVE_INFINITY -> "Infinity";
                case NEGATIVE_INFINITY -> "-Infinity";
                default -> null;
            };
        }

        public boolean negative() {
            return sign == NEGATIVE;
        }

        /** The number of decimal digits after the point that {@code numeric_out} writes. */
        public int displayScale() {
            return int16(bytes, offset - 2);
        }

        /** The base-10000 digit at {@code index} from the first (of weight {@link #weight()}); 0 outside them. */
        public int digit(int index) {
            return index >= 0 && index < count ? int16(bytes, offset + 2 * index) : 0;
        }

        /** The value times 10^scale; exact, since a column's values never have more decimals than its scale. */
        public BigInteger unscaled(int scale) {
            BigInteger digits = BigInteger.ZERO;
            BigInteger base = BigInteger.valueOf(10_000);
            for (int i = 0; i < count; i++) {
                digits = digits.multiply(base).add(BigInteger.valueOf(int16(bytes, offset + 2 * i)));
            }
            int exponent = 4 * (weight - count + 1) + scale;
            BigInteger value = exponent >= 0
                    ? digits.multiply(BigInteger.TEN.pow(exponent))
                    : digits.divide(BigInteger.TEN.pow(-exponent));
            return sign == NEGATIVE ? value.negate() : value;
        }

        /** {@link #unscaled}, for values of at most 18 digits: without BigInteger when the digits allow. */
        public long unscaledLong(int scale) {
            int exponent = 4 * (weight - count + 1) + scale;
            if (count > 4 || exponent > 18 || exponent < -18) {
                return unscaled(scale).longValueExact();
            }
            long digits = 0;
            for (int i = 0; i < count; i++) {
                digits = digits * 10_000 + int16(bytes, offset + 2 * i);
            }
            long value = exponent >= 0
                    ? Math.multiplyExact(digits, POWERS_OF_TEN[exponent])
                    : digits / POWERS_OF_TEN[-exponent];
            return sign == NEGATIVE ? -value : value;
        }
    }
}
