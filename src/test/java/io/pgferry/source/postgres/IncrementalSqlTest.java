package io.pgferry.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/** The snapshot text an incremental copy keeps between runs ({@code txid_current_snapshot()}'s). */
class IncrementalSqlTest {
    @Test
    void aSnapshotWithTransactionsInFlightKeepsThemAll() {
        IncrementalSql.Snapshot snapshot = IncrementalSql.Snapshot.parse("4294967390:4294967400:4294967391,4294967395");

        assertThat(snapshot.xmin()).isEqualTo(4294967390L);
        assertThat(snapshot.xmax()).isEqualTo(4294967400L);
        assertThat(snapshot.xip()).containsExactly(4294967391L, 4294967395L);
    }

    @Test
    void aSnapshotWithNoneInFlightHasAnEmptyList() {
        assertThat(IncrementalSql.Snapshot.parse("732:732:").xip()).isEmpty();
    }

    @Test
    void textThatIsNoSnapshotIsRefused() {
        assertThatThrownBy(() -> IncrementalSql.Snapshot.parse("732:732")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IncrementalSql.Snapshot.parse("a:b:")).isInstanceOf(NumberFormatException.class);
    }

    @Test
    void anySnapshotTextReadsBackAsItsParts() {
        Random random = new Random(20261204L);
        for (int i = 0; i < 1_000; i++) {
            long xmin = random.nextLong() >>> (1 + random.nextInt(60));
            long xmax = xmin + random.nextInt(1_000_000);
            List<Long> xip = new ArrayList<>();
            for (int j = random.nextInt(5); j > 0; j--) {
                xip.add(xmin + random.nextInt(Math.max(1, (int) (xmax - xmin))));
            }
            String text =
                    xmin + ":" + xmax + ":" + xip.stream().map(String::valueOf).collect(Collectors.joining(","));

            IncrementalSql.Snapshot snapshot = IncrementalSql.Snapshot.parse(text);

            assertThat(snapshot).as(text).isEqualTo(new IncrementalSql.Snapshot(xmin, xmax, xip));
        }
    }
}
