package io.pgferry.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

class ErrorCodeTest {

    /** README's error table lists every code with its status, and nothing else. */
    @Test
    void theReadmeListsEveryCodeWithItsStatus() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        String table = readme.substring(readme.indexOf("| Status | errorCode | When |"));
        table = table.substring(0, table.indexOf("\n\n"));
        Set<String> listed = new TreeSet<>();
        for (String row : table.split("\n")) {
            Matcher status = Pattern.compile("^\\| (\\d{3}) \\|").matcher(row);
            if (!status.find()) {
                continue;
            }
            Matcher code = Pattern.compile("`([A-Za-z]+)`").matcher(row.split("\\|")[2]);
            while (code.find()) {
                listed.add(code.group(1));
                assertThat(ErrorCode.valueOf(code.group(1)).httpStatus())
                        .as(code.group(1))
                        .isEqualTo(Integer.parseInt(status.group(1)));
            }
        }
        assertThat(listed)
                .containsExactlyInAnyOrderElementsOf(
                        Arrays.stream(ErrorCode.values()).map(Enum::name).toList());
    }

    @Test
    void anErrorFoundWhileCopyingPointsAtTheNarrowestPartTheRequestGave() {
        Map<ErrorCode.Field, String> pointers = Map.of(
                ErrorCode.Field.SOURCE_QUERY,
                "/q",
                ErrorCode.Field.SOURCE_CONNECTION,
                "/c",
                ErrorCode.Field.SOURCE_TIMEZONE,
                "/tz");

        assertThat(CopyException.of(ErrorCode.SourceObjectNotFound, "m", null)
                        .atField(pointers)
                        .error()
                        .details())
                .extracting(Violation::pointer)
                .containsExactly("/q");
        assertThat(CopyException.of(ErrorCode.SourceObjectNotFound, "m", null)
                        .about(ErrorCode.Field.SOURCE_SCHEMA)
                        .atField(pointers)
                        .error()
                        .details())
                .as("no schema field given: the broader query or table")
                .extracting(Violation::pointer)
                .containsExactly("/q");
        assertThat(CopyException.of(ErrorCode.SourceQueryFailed, "m", null)
                        .about(ErrorCode.Field.SOURCE_TIMEZONE)
                        .atField(pointers)
                        .error()
                        .details())
                .extracting(Violation::pointer)
                .containsExactly("/tz");
        assertThat(CopyException.of(ErrorCode.SourceUnreachable, "m", null)
                        .atField(pointers)
                        .error()
                        .details())
                .as("a system error names no field")
                .isEmpty();
        assertThat(CopyException.at(ErrorCode.SinkPathNotAllowed, "m", new Violation("/f", "r"))
                        .atField(pointers)
                        .error()
                        .details())
                .as("a pointer given stays")
                .extracting(Violation::pointer)
                .containsExactly("/f");
    }
}
