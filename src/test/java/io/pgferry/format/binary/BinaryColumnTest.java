package io.pgferry.format.binary;

import static io.pgferry.format.Tuples.array;
import static io.pgferry.format.Tuples.date;
import static io.pgferry.format.Tuples.int4;
import static io.pgferry.format.Tuples.int8;
import static io.pgferry.format.Tuples.numeric;
import static io.pgferry.format.Tuples.numericSpecial;
import static io.pgferry.format.Tuples.timestamp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.pgferry.error.CopyException;
import io.pgferry.error.ErrorCode;
import io.pgferry.source.postgres.SourceColumn;

/**
 * How a source column is planned for the typed formats (its kind, whether the COPY casts it to text, its alias) and how
 * its binary values are decoded: arrays, dates and timestamps from PostgreSQL's 2000-01-01 epoch, decimals as two's
 * complement.
 */
class BinaryColumnTest {

    @ParameterizedTest(name = "{0}({1},{2}) is {3}, list {4}, cast {5}")
    @CsvSource({
        "bool,        0,  0, BOOLEAN,     false, false",
        "int2,        0,  0, INT16,       false, false",
        "int4,        0,  0, INT32,       false, false",
        "serial,      0,  0, INT32,       false, false",
        "int8,        0,  0, INT64,       false, false",
        "oid,         0,  0, OID,         false, false",
        "float4,      0,  0, FLOAT,       false, false",
        "float8,      0,  0, DOUBLE,      false, false",
        "numeric,    10,  2, DECIMAL,     false, false",
        "numeric,    38, 38, DECIMAL,     false, false",
        "numeric,     0,  0, STRING,      false, true",
        "numeric,    39,  2, STRING,      false, true",
        "numeric,     5,  6, STRING,      false, true",
        "date,        0,  0, DATE,        false, false",
        "time,        0,  0, TIME,        false, false",
        "timestamp,   0,  0, TIMESTAMP,   false, false",
        "timestamptz, 0,  0, TIMESTAMPTZ, false, false",
        "uuid,        0,  0, UUID,        false, false",
        "bytea,       0,  0, BYTES,       false, false",
        "text,        0,  0, STRING,      false, false",
        "bpchar,      0,  0, STRING,      false, false",
        "json,        0,  0, STRING,      false, false",
        "jsonb,       0,  0, STRING,      false, true",
        "interval,    0,  0, STRING,      false, true",
        "timetz,      0,  0, STRING,      false, true",
        "_int4,       0,  0, INT32,       true,  false",
        "_text,       0,  0, STRING,      true,  false",
        "_timestamptz,0,  0, TIMESTAMPTZ, true,  false",
        "_numeric,   10,  2, STRING,      true,  true",
        "_bytea,      0,  0, STRING,      true,  true",
        "_interval,   0,  0, STRING,      true,  true",
    })
    void eachPostgresTypeHasItsKind(
            String type, int precision, int scale, BinaryColumn.Kind kind, boolean list, boolean cast) {
        BinaryColumn column = BinaryColumn.of(3, new SourceColumn("c", type, precision, scale));

        assertThat(column.kind()).isEqualTo(kind);
        assertThat(column.list()).isEqualTo(list);
        assertThat(column.cast()).isEqualTo(cast);
        assertThat(column.index()).isEqualTo(3);
    }

    @Test
    void theCopyRenamesColumnsByPositionAndCastsOnlyWhatHasNoTypedForm() {
        List<BinaryColumn> columns = List.of(
                BinaryColumn.of(0, new SourceColumn("id", "int8", 0, 0)),
                BinaryColumn.of(1, new SourceColumn("id", "interval", 0, 0)),
                BinaryColumn.of(2, new SourceColumn("a\"b; DROP TABLE x", "_jsonb", 0, 0)));

        String sql = BinaryColumn.copySql(
                columns.stream().map(BinaryColumn::projection).toList(), "SELECT * FROM t");

        assertThat(sql)
                .isEqualTo("COPY (SELECT pgferry_1, pgferry_2::text, pgferry_3::text[] FROM (SELECT * FROM t\n)"
                        + " AS pgferry_row(pgferry_1, pgferry_2, pgferry_3)) TO STDOUT WITH (FORMAT binary)");
        assertThat(sql).as("names never reach the SQL").doesNotContain("DROP", "\"");
    }

    @Test
    void aCopyOfNoColumnsHasNoAliasList() {
        assertThat(BinaryColumn.copySql(List.of(), "SELECT"))
                .isEqualTo("COPY (SELECT  FROM (SELECT\n) AS pgferry_row) TO STDOUT WITH (FORMAT binary)");
    }

    @Test
    void arrayElementsAreVisitedInOrderWithNullsAsMinusOne() {
        BinaryColumn column = BinaryColumn.of(0, new SourceColumn("tags", "_int8", 0, 0));
        byte[] value = array(20, int8(7), null, int8(-1));
        byte[] row = new byte[3 + value.length];
        System.arraycopy(value, 0, row, 3, value.length);
        List<Long> seen = new ArrayList<>();

        column.forEachElement(
                row, 3, (bytes, offset, length) -> seen.add(length < 0 ? null : BinaryCodec.int64(bytes, offset)));

        assertThat(column.elementCount(row, 3)).isEqualTo(3);
        assertThat(seen).containsExactly(7L, null, -1L);
    }

    @Test
    void anEmptyArrayHasNoDimensionsAndNoElements() {
        BinaryColumn column = BinaryColumn.of(0, new SourceColumn("tags", "_text", 0, 0));
        // PostgreSQL sends '{}' as ndim 0, no nulls, the element type, and nothing else.
        byte[] empty = concat(int4(0), int4(0), int4(25));
        List<Integer> seen = new ArrayList<>();

        column.forEachElement(empty, 0, (bytes, offset, length) -> seen.add(length));

        assertThat(column.elementCount(empty, 0)).isZero();
        assertThat(seen).isEmpty();
    }

    @Test
    void aTwoDimensionalArrayIsRefusedNamingTheColumn() {
        BinaryColumn column = BinaryColumn.of(0, new SourceColumn("grid", "_int4", 0, 0));
        byte[] grid = concat(
                int4(2), int4(0), int4(23), int4(1), int4(1), int4(2), int4(1), int4(4), int4(1), int4(4), int4(2));

        assertThatThrownBy(() -> column.elementCount(grid, 0))
                .isInstanceOfSatisfying(
                        CopyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ValueNotRepresentable))
                .hasMessageContaining("column 'grid'")
                .hasMessageContaining("2-dimensional array");
    }

    @Test
    void datesAndTimestampsCountFromTheUnixEpoch() {
        BinaryColumn day = BinaryColumn.of(0, new SourceColumn("d", "date", 0, 0));
        BinaryColumn at = BinaryColumn.of(0, new SourceColumn("t", "timestamptz", 0, 0));

        assertThat(day.epochDays(date(LocalDate.of(1970, 1, 1)), 0)).isZero();
        assertThat(day.epochDays(date(LocalDate.of(2000, 1, 1)), 0)).isEqualTo(10_957);
        assertThat(day.epochDays(date(LocalDate.of(1, 1, 1)), 0))
                .isEqualTo((int) LocalDate.of(1, 1, 1).toEpochDay());
        assertThat(at.epochMicros(timestamp(Instant.parse("1970-01-01T00:00:00Z")), 0))
                .isZero();
        assertThat(at.epochMicros(timestamp(Instant.parse("2038-01-19T03:14:08.000001Z")), 0))
                .isEqualTo(2_147_483_648_000_001L);
        assertThat(at.epochMicros(timestamp(Instant.parse("1900-06-30T12:00:00.5Z")), 0))
                .isEqualTo(Instant.parse("1900-06-30T12:00:00.5Z").getEpochSecond() * 1_000_000 + 500_000);
    }

    @Test
    void infiniteDatesAndTimestampsAreRefused() {
        BinaryColumn day = BinaryColumn.of(0, new SourceColumn("d", "date", 0, 0));
        BinaryColumn at = BinaryColumn.of(0, new SourceColumn("t", "timestamp", 0, 0));

        assertThatThrownBy(() -> day.epochDays(int4(Integer.MIN_VALUE), 0)).hasMessageContaining("infinite date");
        assertThatThrownBy(() -> at.epochMicros(int8(Long.MAX_VALUE), 0))
                .hasMessageContaining("column 't'")
                .hasMessageContaining("infinite timestamp");
        assertThatThrownBy(() -> at.epochMicros(int8(Long.MIN_VALUE), 0)).isInstanceOf(CopyException.class);
    }

    @Test
    void nanAndInfinityAreNoDecimal() {
        BinaryColumn amount = BinaryColumn.of(0, new SourceColumn("amount", "numeric", 10, 2));

        assertThatThrownBy(() -> amount.decimal(numericSpecial(0xC000), 0))
                .hasMessageContaining("NaN, which a DECIMAL cannot hold");
        assertThatThrownBy(() -> amount.decimal(numericSpecial(0xF000), 0))
                .hasMessageContaining("-Infinity, which a DECIMAL cannot hold");
    }

    @Test
    void decimalBytesAreTwosComplementSignExtendedToTheWidth() {
        BinaryColumn amount = BinaryColumn.of(0, new SourceColumn("amount", "numeric", 30, 2));
        BinaryCodec.Numeric negative = amount.decimal(numeric(new BigDecimal("-1.28")), 0);
        BinaryCodec.Numeric positive = amount.decimal(numeric(new BigDecimal("1.5")), 0);

        assertThat(amount.decimalBytes(negative, 0)).containsExactly(0x80);
        assertThat(amount.decimalBytes(negative, 4)).containsExactly(0xFF, 0xFF, 0xFF, 0x80);
        assertThat(amount.decimalBytes(positive, 3)).containsExactly(0x00, 0x00, 150);
        assertThat(new BigInteger(amount.decimalBytes(negative, 16))).isEqualTo(BigInteger.valueOf(-128));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
