package io.pgferry.format.binary;

import static io.pgferry.format.Tuples.numeric;
import static io.pgferry.format.Tuples.numericSpecial;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.pgferry.testing.Gen;

/**
 * {@link BinaryCodec} against values encoded by {@link ByteBuffer} and by the test's own {@code numeric_send}
 * ({@link io.pgferry.format.Tuples#numeric(BigDecimal)}): integers of every sign at any offset, and numerics of up to 40
 * digits at every scale they can be asked for.
 */
class BinaryCodecTest {
    private static final long SEED = 20261204L;
    private static final int TRIES = 2_000;

    /** Decimals of 1 to 40 digits, 0 to 20 of them after the point, either sign; zero included. */
    static final Gen<BigDecimal> DECIMALS = random -> {
        int digits = 1 + random.nextInt(40);
        BigInteger unscaled = new BigInteger(digits * 4, random).mod(BigInteger.TEN.pow(digits));
        if (random.nextBoolean()) {
            unscaled = unscaled.negate();
        }
        return new BigDecimal(unscaled, random.nextInt(21));
    };

    @Test
    void integersReadBigEndianAtAnyOffsetWithTheirSign() {
        Random random = new Random(SEED);
        for (int i = 0; i < TRIES; i++) {
            short s = (short) random.nextInt();
            int n = random.nextInt();
            long l = random.nextLong();
            int offset = random.nextInt(5);
            byte[] bytes = ByteBuffer.allocate(offset + 14)
                    .position(offset)
                    .putShort(s)
                    .putInt(n)
                    .putLong(l)
                    .array();

            assertThat(BinaryCodec.int16(bytes, offset)).as("try %d", i).isEqualTo(s);
            assertThat(BinaryCodec.int32(bytes, offset + 2)).as("try %d", i).isEqualTo(n);
            assertThat(BinaryCodec.int64(bytes, offset + 6)).as("try %d", i).isEqualTo(l);
        }
    }

    @Test
    void integerExtremesKeepTheirSign() {
        byte[] bytes = ByteBuffer.allocate(14)
                .putShort(Short.MIN_VALUE)
                .putInt(-1)
                .putLong(Long.MIN_VALUE)
                .array();

        assertThat(BinaryCodec.int16(bytes, 0)).isEqualTo(Short.MIN_VALUE);
        assertThat(BinaryCodec.int32(bytes, 2)).isEqualTo(-1);
        assertThat(BinaryCodec.int64(bytes, 6)).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void aNumericsUnscaledValueIsExactAtItsScaleAndAnyLargerOne() {
        Random random = new Random(SEED + 1);
        for (int i = 0; i < TRIES; i++) {
            BigDecimal value = DECIMALS.next(random);
            int extra = random.nextInt(6);
            BinaryCodec.Numeric numeric = BinaryCodec.numeric(numeric(value), 0);

            assertThat(numeric.special()).isNull();
            assertThat(numeric.negative()).as("%s", value).isEqualTo(value.signum() < 0);
            assertThat(numeric.displayScale()).as("%s", value).isEqualTo(value.scale());
            assertThat(numeric.unscaled(value.scale())).as("%s", value).isEqualTo(value.unscaledValue());
            assertThat(numeric.unscaled(value.scale() + extra))
                    .as("%s at scale +%d", value, extra)
                    .isEqualTo(value.setScale(value.scale() + extra).unscaledValue());
        }
    }

    @Test
    void theLongPathAgreesWithTheBigIntegerOneAndOverflowsTheSameWay() {
        Random random = new Random(SEED + 2);
        int fits = 0;
        for (int i = 0; i < TRIES; i++) {
            BigDecimal value = DECIMALS.next(random);
            int scale = value.scale() + random.nextInt(3);
            BinaryCodec.Numeric numeric = BinaryCodec.numeric(numeric(value), 0);
            BigInteger exact = value.setScale(scale).unscaledValue();

            if (exact.bitLength() < 64) {
                fits++;
                assertThat(numeric.unscaledLong(scale))
                        .as("%s at scale %d", value, scale)
                        .isEqualTo(exact.longValue());
            } else {
                assertThatThrownBy(() -> numeric.unscaledLong(scale))
                        .as("%s at scale %d", value, scale)
                        .isInstanceOf(ArithmeticException.class);
            }
        }
        assertThat(fits).as("both paths were tried").isBetween(TRIES / 5, TRIES - TRIES / 5);
    }

    @Test
    void eighteenNinesAndTheirNegativeFitALong() {
        BigDecimal nines = new BigDecimal("99999999999999.9999");

        assertThat(BinaryCodec.numeric(numeric(nines), 0).unscaledLong(4)).isEqualTo(999_999_999_999_999_999L);
        assertThat(BinaryCodec.numeric(numeric(nines.negate()), 0).unscaledLong(4))
                .isEqualTo(-999_999_999_999_999_999L);
    }

    @Test
    void zeroAndSmallFractionsDecode() {
        BinaryCodec.Numeric zero = BinaryCodec.numeric(numeric(new BigDecimal("0.000")), 0);
        BinaryCodec.Numeric tiny = BinaryCodec.numeric(numeric(new BigDecimal("-0.00000007")), 0);

        assertThat(zero.count()).isZero();
        assertThat(zero.unscaled(3)).isEqualTo(BigInteger.ZERO);
        assertThat(zero.displayScale()).isEqualTo(3);
        assertThat(tiny.weight()).isEqualTo(-2);
        assertThat(tiny.digit(0)).as("0.0000|0007").isEqualTo(7);
        assertThat(tiny.digit(-1)).as("outside the digits").isZero();
        assertThat(tiny.digit(1)).as("outside the digits").isZero();
        assertThat(tiny.unscaledLong(8)).isEqualTo(-7);
    }

    @Test
    void nanAndInfinitiesAreSpecialAndNotNegative() {
        assertThat(BinaryCodec.numeric(numericSpecial(0xC000), 0).special()).isEqualTo("NaN");
        assertThat(BinaryCodec.numeric(numericSpecial(0xD000), 0).special()).isEqualTo("Infinity");
        BinaryCodec.Numeric negativeInfinity = BinaryCodec.numeric(numericSpecial(0xF000), 0);
        assertThat(negativeInfinity.special()).isEqualTo("-Infinity");
        assertThat(negativeInfinity.negative()).isFalse();
    }

    @Test
    void aNumericIsReadAtItsOffsetInsideATuple() {
        byte[] value = numeric(new BigDecimal("-1234.5600"));
        byte[] tuple = new byte[7 + value.length];
        System.arraycopy(value, 0, tuple, 7, value.length);

        BinaryCodec.Numeric numeric = BinaryCodec.numeric(tuple, 7);

        assertThat(numeric.unscaled(4)).isEqualTo(BigInteger.valueOf(-12_345_600));
        assertThat(numeric.displayScale()).isEqualTo(4);
    }
}
