package io.pgferry.format.csv;

import static io.pgferry.format.Tuples.encode;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.pgferry.contract.DelimitedTextFormat;
import io.pgferry.testing.CsvReader;

/**
 * {@link CsvPassThrough}: the COPY it asks PostgreSQL for (the dataset's characters as escaped literals, whatever they
 * are) and the rows it passes through with the dataset's terminator and encoding.
 */
class CsvPassThroughTest {
    private static final long SEED = 20261204L;

    @TempDir
    Path temp;

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

    @Test
    void withPostgresOwnTerminatorRowsPassByteForByte() throws Exception {
        CsvPassThrough csv = new CsvPassThrough(format(',', "\n", '"', '\\', false, "", false, "UTF8"));
        List<byte[]> rows = List.of(
                utf8("1,\"a\r\nb\"\n"), utf8("2,\n"), utf8("3,\"\"\n"), new byte[] {'4', ',', (byte) 0xE9, '\n'});

        byte[] file = encode(csv.begin(null), rows);

        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        rows.forEach(expected::writeBytes);
        assertThat(file).isEqualTo(expected.toByteArray());
        assertThat(csv.binaryCopy()).isFalse();
        assertThat(csv.contentType()).isEqualTo("text/csv");
    }

    @Test
    void onlyTheLastByteOfARowIsItsTerminator() throws Exception {
        CsvPassThrough crlf = new CsvPassThrough(format(';', "\r\n", '"', '"', false, "", false, "UTF8"));
        CsvPassThrough cr = new CsvPassThrough(format(';', "\r", '"', '"', false, "", false, "UTF8"));
        List<byte[]> rows = List.of(utf8("\"x\ny\";\"\n\"\n"), utf8(";\n"), utf8("\n"));

        assertThat(new String(encode(crlf.begin(null), rows), StandardCharsets.UTF_8))
                .isEqualTo("\"x\ny\";\"\n\"\r\n;\r\n\r\n");
        assertThat(new String(encode(cr.begin(null), rows), StandardCharsets.UTF_8))
                .isEqualTo("\"x\ny\";\"\n\"\r;\r\r");
    }

    @Test
    void aFileWithoutRowsIsEmptyOrOnlyTheByteOrderMark() throws Exception {
        CsvPassThrough utf8 = new CsvPassThrough(format(',', "\r\n", '"', '\\', false, "", false, "UTF8"));
        CsvPassThrough utf16 =
                new CsvPassThrough(format(',', "\r\n", '"', '\\', false, "", false, DelimitedTextFormat.UTF16_BE));

        assertThat(encode(utf8.begin(null), List.of())).isEmpty();
        assertThat(encode(utf16.begin(null), List.of())).containsExactly(0xFE, 0xFF);
    }

    @Test
    void utf16BigEndianFilesAreTranscodedWholeWithTheirTerminator() throws Exception {
        CsvPassThrough csv =
                new CsvPassThrough(format(',', "\r\n", '"', '\\', false, "", false, DelimitedTextFormat.UTF16_BE));

        byte[] file = encode(csv.begin(null), List.of(utf8("1,\"日本\n😀\"\n"), utf8("2,\n")));

        assertThat(file).startsWith(0xFE, 0xFF);
        assertThat(new String(file, 2, file.length - 2, StandardCharsets.UTF_16BE))
                .isEqualTo("1,\"日本\n😀\"\r\n2,\r\n");
    }

    @Test
    void theCopyOptionsFollowTheDatasetWhateverItsSettings() {
        assertThat(new CsvPassThrough(format('|', "\n", '\'', '\'', false, "\\N", false, "WIN1252")).copySql("TABLE t"))
                .isEqualTo("COPY (TABLE t\n) TO STDOUT WITH (FORMAT csv, DELIMITER E'|', QUOTE E'\\'', ESCAPE E'\\'',"
                        + " NULL E'\\\\N', HEADER false, ENCODING E'WIN1252')");
        assertThat(new CsvPassThrough(format('\t', "\n", '"', '"', true, "", true, DelimitedTextFormat.UTF16_BE))
                        .copySql("TABLE t"))
                .contains("DELIMITER E'\t'", "HEADER true, FORCE_QUOTE *, ENCODING E'UTF8')");
    }

    @Test
    void rowsAsPostgresRendersThemReadBackInDuckDbWithTheirNullsQuotesAndLineBreaks() throws Exception {
        // PostgreSQL's CSV output with ADF's defaults (QUOTE '"', ESCAPE '\\', NULL ''): a value is quoted when it
        // holds the delimiter, the quote or a line break, or is empty; inside quotes, quote and escape are escaped.
        Random random = new Random(SEED);
        int[] alphabet = "ab ,\"\\\n\ré日😀".codePoints().toArray();
        List<String> values = new ArrayList<>();
        List<byte[]> rows = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String value;
            if (random.nextInt(8) == 0) {
                value = null;
            } else {
                StringBuilder text = new StringBuilder();
                int length = random.nextInt(12);
                for (int j = 0; j < length; j++) {
                    text.appendCodePoint(alphabet[random.nextInt(alphabet.length)]);
                }
                value = text.toString();
            }
            values.add(value);
            rows.add(utf8(i + "," + postgresCsv(value) + "\n"));
        }
        CsvPassThrough csv = new CsvPassThrough(format(',', "\r\n", '"', '\\', false, "", false, "UTF8"));
        Path file = temp.resolve("rows.csv");
        Files.write(file, encode(csv.begin(null), rows));

        List<List<String>> read = CsvReader.read(
                List.of(file),
                "header=false, delim=',', quote='\"', escape='\\', new_line='\\r\\n', names=['id', 'v']",
                "id");

        assertThat(read).hasSize(values.size());
        for (int i = 0; i < values.size(); i++) {
            assertThat(read.get(i)).as("row %d", i).isEqualTo(Arrays.asList(Integer.toString(i), values.get(i)));
        }
    }

    /** A value as PostgreSQL's CopyAttributeOutCSV writes it with QUOTE '"', ESCAPE '\\' and NULL ''. */
    private static String postgresCsv(String value) {
        if (value == null) {
            return "";
        }
        boolean quote = value.isEmpty() || value.chars().anyMatch(c -> c == ',' || c == '"' || c == '\n' || c == '\r');
        if (!quote) {
            return value;
        }
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
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
