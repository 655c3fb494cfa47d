package io.pgferry.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.pgferry.contract.Partitioning;
import io.pgferry.contract.PostgresConnection;
import io.pgferry.contract.PostgresSource;
import io.pgferry.contract.Secret;
import io.pgferry.contract.SslMode;
import io.pgferry.contract.TableName;
import io.pgferry.error.CopyException;
import io.pgferry.error.ErrorCode;

/**
 * The arithmetic of {@link SlicePlanner} that needs no server: ctid page ranges ({@code pageRanges}), DynamicRange
 * slices from the server's boundaries ({@code rangeSlices}), and the plans made before any query (one slice). The
 * catalog and boundary queries themselves are covered by the integration tests.
 */
class SlicePlannerTest {
    private static final long SEED = 20261204L;
    private static final Pattern LOWER = Pattern.compile("ctid >= '\\((\\d+),0\\)'::tid");
    private static final Pattern UPPER = Pattern.compile("ctid < '\\((\\d+),0\\)'::tid");
    private static final TableName TABLE = new TableName(Optional.of("my \"schema\""), "Orders; DROP");

    @Test
    void tenPagesInThreeSlicesAreThreeCtidRanges() {
        List<Slice> slices = SlicePlanner.pageRanges(table(new Partitioning.PhysicalPages()), 10, 3);

        assertThat(slices)
                .extracting(Slice::index, Slice::selectSql, Slice::range)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                0,
                                "SELECT * FROM \"my \"\"schema\"\"\".\"Orders; DROP\" WHERE ctid < '(3,0)'::tid",
                                "pages 0-2"),
                        org.assertj.core.groups.Tuple.tuple(
                                1,
                                "SELECT * FROM \"my \"\"schema\"\"\".\"Orders; DROP\" WHERE ctid >= '(3,0)'::tid"
                                        + " AND ctid < '(6,0)'::tid",
                                "pages 3-5"),
                        org.assertj.core.groups.Tuple.tuple(
                                2,
                                "SELECT * FROM \"my \"\"schema\"\"\".\"Orders; DROP\" WHERE ctid >= '(6,0)'::tid",
                                "pages 6+"));
    }

    @Test
    void anyTableIsCutIntoContiguousEvenPageRangesThatMissNoPage() {
        Random random = new Random(SEED);
        for (int attempt = 0; attempt < 2_000; attempt++) {
            long pages = random.nextInt(4) == 0
                    ? random.nextInt(5)
                    : (long) (Math.pow(10, 1 + random.nextInt(8)) * random.nextDouble());
            int parallel = 2 + random.nextInt(63);

            List<Slice> slices = SlicePlanner.pageRanges(table(new Partitioning.PhysicalPages()), pages, parallel);

            int expected = (int) Math.min(parallel, Math.max(pages, 1));
            if (expected < 2) {
                assertThat(slices).extracting(Slice::range).containsExactly("all");
                continue;
            }
            assertThat(slices).as("%d pages by %d", pages, parallel).hasSize(expected);
            long previousUpper = 0;
            long smallest = Long.MAX_VALUE;
            long largest = 0;
            for (int i = 0; i < slices.size(); i++) {
                Slice slice = slices.get(i);
                assertThat(slice.index()).isEqualTo(i);
                Long lower = bound(LOWER, slice.selectSql());
                Long upper = bound(UPPER, slice.selectSql());
                assertThat(lower == null)
                        .as("only the first has no lower bound")
                        .isEqualTo(i == 0);
                assertThat(upper == null).as("only the last has no upper bound").isEqualTo(i == slices.size() - 1);
                long from = lower == null ? 0 : lower;
                long to = upper == null ? pages : upper;
                assertThat(from).as("contiguous").isEqualTo(previousUpper);
                assertThat(to).isGreaterThan(from);
                assertThat(slice.range()).isEqualTo("pages " + from + (upper == null ? "+" : "-" + (to - 1)));
                smallest = Math.min(smallest, to - from);
                largest = Math.max(largest, to - from);
                previousUpper = to;
            }
            assertThat(previousUpper).isEqualTo(pages);
            assertThat(largest - smallest)
                    .as("even: %d pages by %d", pages, parallel)
                    .isLessThanOrEqualTo(1);
        }
    }

    @Test
    void aTableOfOnePageOrNoneIsReadWhole() {
        PostgresSource source = table(new Partitioning.PhysicalPages());

        assertThat(SlicePlanner.pageRanges(source, 0, 8))
                .containsExactly(new Slice(0, "SELECT * FROM \"my \"\"schema\"\"\".\"Orders; DROP\"", "all"));
        assertThat(SlicePlanner.pageRanges(source, 1, 8))
                .extracting(Slice::range)
                .containsExactly("all");
        assertThat(SlicePlanner.pageRanges(source, 1_000, 1))
                .extracting(Slice::range)
                .containsExactly("all");
    }

    @Test
    void dynamicRangeBoundariesCutTheColumnOpenEndedWithNullsFirst() {
        PostgresSource source = table(range());

        List<Slice> slices = SlicePlanner.rangeSlices(source, "\"id\"", "integer", List.of("21", "41", "61"));

        String from = "SELECT * FROM (SELECT * FROM \"my \"\"schema\"\"\".\"Orders; DROP\"\n) AS pgferry_source WHERE ";
        assertThat(slices)
                .extracting(Slice::selectSql)
                .containsExactly(
                        from + "(\"id\" < E'21'::integer OR \"id\" IS NULL)",
                        from + "\"id\" >= E'21'::integer AND \"id\" < E'41'::integer",
                        from + "\"id\" >= E'41'::integer AND \"id\" < E'61'::integer",
                        from + "\"id\" >= E'61'::integer");
        assertThat(slices)
                .extracting(Slice::range)
                .containsExactly(
                        "\"id\" < 21", "\"id\" >= 21 and \"id\" < 41", "\"id\" >= 41 and \"id\" < 61", "\"id\" >= 61");
    }

    @Test
    void aQueryWithAdfsRangeHookTakesTheConditionWhereItSays() {
        PostgresSource source = query("SELECT * FROM t WHERE ?AdfDynamicRangePartitionCondition AND x > 1", range());

        List<Slice> slices = SlicePlanner.rangeSlices(
                source, "\"at\"", "timestamp with time zone", List.of("2026-01-01 00:00:00+00"));

        assertThat(slices)
                .extracting(Slice::selectSql)
                .containsExactly(
                        "SELECT * FROM t WHERE ((\"at\" < E'2026-01-01 00:00:00+00'::timestamp with time zone OR \"at\""
                                + " IS NULL)) AND x > 1",
                        "SELECT * FROM t WHERE (\"at\" >= E'2026-01-01 00:00:00+00'::timestamp with time zone) AND x > 1");
    }

    @Test
    void aBoundaryIsAlwaysAnEscapedLiteral() {
        List<Slice> slices =
                SlicePlanner.rangeSlices(table(range()), "\"d\"", "date", List.of("x'); DROP TABLE t; --"));

        assertThat(slices.get(1).selectSql()).endsWith("WHERE \"d\" >= E'x\\'); DROP TABLE t; --'::date");
    }

    @Test
    void withoutBoundariesTheCopyIsOneSlice() {
        assertThat(SlicePlanner.rangeSlices(table(range()), "\"id\"", "bigint", List.of()))
                .extracting(Slice::range)
                .containsExactly("all");
    }

    @Test
    void everyValueAndNullFallsInExactlyOneRangeSlice() {
        Random random = new Random(SEED + 1);
        for (int attempt = 0; attempt < 300; attempt++) {
            TreeSet<Integer> sorted = new TreeSet<>();
            int count = 1 + random.nextInt(10);
            while (sorted.size() < count) {
                sorted.add(random.nextInt(200) - 100);
            }
            List<String> boundaries = sorted.stream().map(String::valueOf).toList();

            List<Slice> slices = SlicePlanner.rangeSlices(table(range()), "\"id\"", "integer", boundaries);

            assertThat(slices).hasSize(boundaries.size() + 1);
            List<int[]> ranges = new ArrayList<>();
            for (Slice slice : slices) {
                Long lower = bound(Pattern.compile("\"id\" >= E'(-?\\d+)'"), slice.selectSql());
                Long upper = bound(Pattern.compile("\"id\" < E'(-?\\d+)'"), slice.selectSql());
                ranges.add(new int[] {
                    lower == null ? Integer.MIN_VALUE : lower.intValue(),
                    upper == null ? Integer.MAX_VALUE : upper.intValue()
                });
            }
            for (int x = -120; x <= 120; x++) {
                int value = x;
                assertThat(ranges.stream()
                                .filter(r -> r[0] <= value && value < r[1])
                                .count())
                        .as("%d in %s", x, boundaries)
                        .isEqualTo(1);
            }
            assertThat(slices.stream()
                            .filter(slice -> slice.selectSql().contains("IS NULL"))
                            .map(Slice::index))
                    .containsExactly(0);
        }
    }

    @Test
    void oneParallelCopyOrAQueryWithoutAPartitionOptionIsOneSliceWithoutAskingTheServer() throws Exception {
        // No connection: these plans must not need one.
        assertThat(SlicePlanner.plan(null, table(range()), 1))
                .containsExactly(new Slice(0, "SELECT * FROM \"my \"\"schema\"\"\".\"Orders; DROP\"", "all"));
        assertThat(SlicePlanner.plan(null, query("SELECT 1", new Partitioning.PhysicalPages()), 8))
                .containsExactly(new Slice(0, "SELECT 1", "all"));
    }

    @Test
    void physicalPartitionsOfAQueryThatDoesNotNameThemAreRefusedBeforeAnyQuery() {
        PostgresSource source = new PostgresSource(
                connection(),
                Optional.of("SELECT * FROM t"),
                Optional.of(TABLE),
                Duration.ZERO,
                "UTC",
                new Partitioning.PhysicalPartitions(List.of(), "/partitionNames"));

        assertThatThrownBy(() -> SlicePlanner.plan(null, source, 4))
                .isInstanceOfSatisfying(
                        CopyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SourcePartitionsNeedATable))
                .hasMessageContaining("?AdfTabularPartitionName");
    }

    private static Long bound(Pattern pattern, String sql) {
        Matcher matcher = pattern.matcher(sql);
        return matcher.find() ? Long.parseLong(matcher.group(1)) : null;
    }

    private static Partitioning.DynamicRange range() {
        return new Partitioning.DynamicRange(Optional.empty(), Optional.empty(), Optional.empty());
    }

    private static PostgresSource table(Partitioning partitioning) {
        return new PostgresSource(
                connection(), Optional.empty(), Optional.of(TABLE), Duration.ZERO, "UTC", partitioning);
    }

    private static PostgresSource query(String query, Partitioning partitioning) {
        return new PostgresSource(
                connection(), Optional.of(query), Optional.empty(), Duration.ZERO, "UTC", partitioning);
    }

    private static PostgresConnection connection() {
        return new PostgresConnection(
                "db.example", 5432, "shop", "reader", new Secret("s3cret"), SslMode.REQUIRE, Optional.empty(), 15);
    }
}
