package io.pgferry.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.pgferry.contract.Projection;
import io.pgferry.contract.Projection.InterimType;
import io.pgferry.error.CopyException;
import io.pgferry.error.ErrorCode;
import io.pgferry.testing.Gen;

/**
 * The SELECT a column mapping becomes: names only as quoted identifiers, types only as pgferry's own type names,
 * constants only as settings (never in the SQL), and mappings that name what the source lacks refused with their
 * pointer.
 */
class ProjectionSqlTest {
    private static final long SEED = 20261204L;
    /** A double-quoted identifier, with {@code ""} for a quote inside. */
    private static final Pattern IDENTIFIER = Pattern.compile("\"(?:[^\"]|\"\")*\"");

    private static final List<SourceColumn> SOURCE = List.of(
            new SourceColumn("id", "int8", 0, 0),
            new SourceColumn("Name \"quoted\"", "text", 0, 0),
            new SourceColumn("paid", "bool", 0, 0));

    @Test
    void noProjectionLeavesTheSelectAsItIs() {
        assertThat(new ProjectionSql(Projection.NONE).wrap("SELECT * FROM t", SOURCE))
                .isEqualTo("SELECT * FROM t");
        assertThat(new ProjectionSql(Projection.NONE).settings()).isEmpty();
    }

    @Test
    void mappedColumnsAreQuotedRenamedAndConvertedInMappingOrder() {
        Projection projection = new Projection(
                false,
                List.of(
                        new Projection.SourceColumn("Name \"quoted\"", "client", Optional.empty(), "/m/0"),
                        new Projection.SourceColumn("id", "Order \"Id\"", Optional.of(InterimType.String), "/m/1")),
                false);

        assertThat(new ProjectionSql(projection).wrap("SELECT * FROM t", SOURCE))
                .isEqualTo("SELECT \"Name \"\"quoted\"\"\" AS \"client\", (\"id\")::text AS \"Order \"\"Id\"\"\""
                        + " FROM (SELECT * FROM t\n) AS pgferry_source");
    }

    @Test
    void aConstantIsASettingReadBackAndItsTextNeverReachesTheSql() {
        String value = "x'); DROP TABLE t; --";
        Projection projection =
                new Projection(true, List.of(new Projection.Constant("loaded_by", value, "/a/0")), false);
        ProjectionSql sql = new ProjectionSql(projection);

        assertThat(sql.wrap("SELECT 1", SOURCE))
                .isEqualTo("SELECT pgferry_source.*, current_setting('pgferry.column_0') AS \"loaded_by\""
                        + " FROM (SELECT 1\n) AS pgferry_source")
                .doesNotContain("DROP");
        assertThat(sql.settings()).containsExactly(Map.entry("pgferry.column_0", value));
    }

    @Test
    void booleansAsNumbersListsEverySourceColumnAndCastsOnlyTheBooleans() {
        Projection projection = new Projection(true, List.of(), true);

        assertThat(new ProjectionSql(projection).wrap("SELECT 1", SOURCE))
                .isEqualTo("SELECT \"id\" AS \"id\", \"Name \"\"quoted\"\"\" AS \"Name \"\"quoted\"\"\","
                        + " (\"paid\")::integer AS \"paid\" FROM (SELECT 1\n) AS pgferry_source");
        assertThat(new ProjectionSql(projection).wrap("SELECT 1", SOURCE.subList(0, 2)))
                .as("no boolean: the source's columns as they are")
                .isEqualTo("SELECT pgferry_source.* FROM (SELECT 1\n) AS pgferry_source");
    }

    @Test
    void aMappingOfAColumnTheSourceLacksIsRefusedAtItsPointer() {
        Projection projection = new Projection(
                false, List.of(new Projection.SourceColumn("missing", "m", Optional.empty(), "/translator/0")), false);

        assertThatThrownBy(() -> new ProjectionSql(projection).wrap("SELECT 1", SOURCE))
                .isInstanceOfSatisfying(CopyException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.ColumnMappingInvalid);
                    assertThat(e.error().details())
                            .extracting(io.pgferry.error.Violation::pointer)
                            .containsExactly("/translator/0");
                })
                .hasMessageContaining("names the column 'missing', which the source's result does not have; it has id,"
                        + " Name \"quoted\", paid");
    }

    @Test
    void anAddedColumnMayNotTakeASourceColumnsName() {
        Projection projection =
                new Projection(true, List.of(new Projection.Constant("paid", "1", "/additionalColumns/0")), false);

        assertThatThrownBy(() -> new ProjectionSql(projection).wrap("SELECT 1", SOURCE))
                .isInstanceOfSatisfying(
                        CopyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ColumnMappingInvalid))
                .hasMessageContaining("adds the column 'paid'");
    }

    @Test
    void aNameDifferingOnlyInCaseFindsTheOneColumnButNotOneOfTwo() {
        Projection upper =
                new Projection(false, List.of(new Projection.SourceColumn("ID", "x", Optional.empty(), "/m/0")), false);
        List<SourceColumn> twins = List.of(new SourceColumn("Id", "int4", 0, 0), new SourceColumn("iD", "int4", 0, 0));

        assertThat(new ProjectionSql(upper).wrap("SELECT 1", SOURCE)).startsWith("SELECT \"id\" AS \"x\" FROM");
        assertThatThrownBy(() -> new ProjectionSql(upper).wrap("SELECT 1", twins))
                .isInstanceOf(CopyException.class);
    }

    @Test
    void whateverTheNamesAndConstantsNoneAppearsOutsideAQuotedIdentifier() {
        Gen<String> names =
                Gen.strings().withChars("a\"'; )(-\\\n é").ofMaxLength(8).map(s -> "c" + s);
        Random random = new Random(SEED);
        for (int attempt = 0; attempt < 500; attempt++) {
            Set<String> distinct = new LinkedHashSet<>();
            while (distinct.size() < 3) {
                distinct.add(names.next(random));
            }
            List<String> sourceNames = new ArrayList<>(distinct);
            String sink = names.next(random);
            String added = names.next(random);
            String constant = names.next(random);
            Projection projection = new Projection(
                    false,
                    List.of(
                            new Projection.SourceColumn(sourceNames.get(1), sink, Optional.empty(), "/m/0"),
                            new Projection.Constant(added, constant, "/a/0"),
                            new Projection.SourceColumn(
                                    sourceNames.get(2), sourceNames.get(0), Optional.of(InterimType.Decimal), "/m/1")),
                    false);
            List<SourceColumn> source = sourceNames.stream()
                    .map(name -> new SourceColumn(name, "text", 0, 0))
                    .toList();

            String sql = new ProjectionSql(projection).wrap("SELECT 1", source);

            List<String> identifiers = new ArrayList<>();
            Matcher matcher = IDENTIFIER.matcher(sql);
            while (matcher.find()) {
                String quoted = matcher.group();
                identifiers.add(quoted.substring(1, quoted.length() - 1).replace("\"\"", "\""));
            }
            assertThat(IDENTIFIER.matcher(sql).replaceAll("\"?\""))
                    .as("attempt %d: %s", attempt, sql)
                    .isEqualTo("SELECT \"?\" AS \"?\", current_setting('pgferry.column_1') AS \"?\","
                            + " (\"?\")::numeric AS \"?\" FROM (SELECT 1\n) AS pgferry_source");
            assertThat(identifiers)
                    .containsExactly(sourceNames.get(1), sink, added, sourceNames.get(2), sourceNames.get(0));
        }
    }
}
