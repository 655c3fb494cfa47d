package io.pgferry.contract;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BlockSettingsTest {
    private static final int MIB = 1024 * 1024;

    @Test
    void settingsThatFitAreKept() {
        assertThat(new BlockSettings(8 * MIB, 4).within(64L * MIB)).isEqualTo(new BlockSettings(8 * MIB, 4));
    }

    @Test
    void uploadsAtOnceGiveWayFirstThenTheBlockSize() {
        assertThat(new BlockSettings(8 * MIB, 4).within(32L * MIB)).isEqualTo(new BlockSettings(8 * MIB, 3));
        assertThat(new BlockSettings(100 * MIB, 64).within(40L * MIB)).isEqualTo(new BlockSettings(20 * MIB, 1));
    }

    @Test
    void neverUnderFourMebibytesOrOneUpload() {
        assertThat(new BlockSettings(8 * MIB, 4).within(MIB)).isEqualTo(new BlockSettings(4 * MIB, 1));
    }
}
