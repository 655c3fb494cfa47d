package io.pgferry.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.logging.Level;

import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;

class OneLineFilterTest {

    @Test
    void aMessageWithLineBreaksStaysOnOneLine() {
        ExtLogRecord record = new ExtLogRecord(
                Level.WARNING,
                "copy %s (%s) failed",
                ExtLogRecord.FormatStyle.PRINTF,
                OneLineFilterTest.class.getName());
        record.setParameters(new Object[] {"run-1", "Copy\n2026-12-03 09:00:00,000 INFO forged\r\u0000"});

        assertThat(new OneLineFilter().isLoggable(record)).isTrue();

        assertThat(record.getFormattedMessage())
                .isEqualTo("copy run-1 (Copy\\n2026-12-03 09:00:00,000 INFO forged\\r\\u0000) failed")
                .doesNotContain("\n", "\r", "\0");
    }

    @Test
    void aPlainMessageIsLeftAsItIs() {
        ExtLogRecord record = new ExtLogRecord(
                Level.INFO, "copy %s: %d rows", ExtLogRecord.FormatStyle.PRINTF, OneLineFilterTest.class.getName());
        record.setParameters(new Object[] {"run-1", 42});

        new OneLineFilter().isLoggable(record);

        assertThat(record.getFormattedMessage()).isEqualTo("copy run-1: 42 rows");
        assertThat(record.getParameters()).hasSize(2);
    }
}
