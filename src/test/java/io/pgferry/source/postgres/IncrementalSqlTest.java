package io.pgferry.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
