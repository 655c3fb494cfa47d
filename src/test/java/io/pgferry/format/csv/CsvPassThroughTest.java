package io.pgferry.format.csv;

import static io.pgferry.format.Tuples.encode;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.pgferry.contract.DelimitedTextFormat;

/**
 * {@link CsvPassThrough}: the COPY it asks PostgreSQL for (the dataset's characters as escaped literals, whatever they
 * are) and the rows it passes through with the dataset's terminator and encoding.
 */
class CsvPassThroughTest {
    @Test
    void adfsDefaultsAskPostgresForCsvWithBackslashEscapes() {
        CsvPassThrough csv = new CsvPassThrough(format(',', "\r\n", '"', '\\', true, "", false, "UTF8"));

        assertThat(csv.copySql("SELECT 1"))
                .isEqualTo("COPY (SELECT 1\n) TO STDOUT WITH (FORMAT csv, DELIMITER E',', QUOTE E'\"', ESCAPE E'\\\\',"
                        + " NULL E'', HEADER true, ENCODING E'UTF8')");
    }

    @Test
    void aQuoteOrBackslashInTheSettingsStaysInsideItsLiteral() {
        CsvPassThrough csv =
                new CsvPassThrough(format('\'', "\n", '\\', '\'', false, "x'); DROP TABLE t; --", true, "UTF8"));

        String sql = csv.copySql("SELECT 1");

        assertThat(sql)
                .contains("DELIMITER E'\\''", "QUOTE E'\\\\'", "ESCAPE E'\\''")
                .contains("NULL E'x\\'); DROP TABLE t; --'")
                .contains("FORCE_QUOTE *");
    }

    @Test
    void rowsTakeTheDatasetsTerminator() throws Exception {
        CsvPassThrough csv = new CsvPassThrough(format(',', "\r\n", '"', '\\', false, "", false, "UTF8"));

        byte[] file = encode(csv.begin(null), List.of(utf8("1,a\n"), utf8("2,\"b\nc\"\n")));

        assertThat(new String(file, StandardCharsets.UTF_8)).isEqualTo("1,a\r\n2,\"b\nc\"\r\n");
    }

    @Test
    void utf16FilesStartWithAByteOrderMarkAndAskPostgresForUtf8() throws Exception {
        CsvPassThrough csv =
                new CsvPassThrough(format(',', "\n", '"', '\\', false, "", false, DelimitedTextFormat.UTF16_LE));

        byte[] file = encode(csv.begin(null), List.of(utf8("é,😀\n")));

        assertThat(csv.copySql("SELECT 1")).endsWith("ENCODING E'UTF8')");
        assertThat(new String(file, StandardCharsets.UTF_16LE)).isEqualTo("\uFEFFé,😀\n");
    }

    private static DelimitedTextFormat format(
            char delimiter,
            String rowDelimiter,
            char quote,
            char escape,
            boolean header,
            String nullValue,
            boolean quoteAll,
            String encoding) {
        return new DelimitedTextFormat(delimiter, rowDelimiter, quote, escape, header, nullValue, quoteAll, encoding);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
