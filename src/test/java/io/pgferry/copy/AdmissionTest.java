package io.pgferry.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import io.pgferry.error.CopyException;

class AdmissionTest {

    @Test
    void oneCopyBeyondTheLimitIsAskedToComeBackLater() {
        Admission admission = new Admission(() -> 2);
        Admission.Ticket first = admission.admit();
        try (Admission.Ticket second = admission.admit()) {
            assertThatThrownBy(admission::admit).isInstanceOfSatisfying(CopyException.class, e -> {
                assertThat(e.httpStatus()).isEqualTo(503);
                assertThat(e.error().errorCode()).isEqualTo("InstanceBusy");
                assertThat(e.retryAfterSeconds()).isEqualTo(Admission.RETRY_AFTER_SECONDS);
            });
        }
        first.close();
        first.close();
        admission.admit().close();
        admission.admit().close();
    }

    @Test
    void slicesShareWhatTheHeapGivesFileFormats() {
        Admission admission = new Admission(() -> 8);
        long quarter = Runtime.getRuntime().maxMemory() / 4;
        try (Admission.Ticket one = admission.admit();
                Admission.Ticket other = admission.admit()) {
            assertThat(one.sliceBytes(1)).isEqualTo(quarter);
            assertThat(other.sliceBytes(3)).isEqualTo(quarter / 4);
        }
        try (Admission.Ticket alone = admission.admit()) {
            assertThat(alone.sliceBytes(2))
                    .as("ended copies give their share back")
                    .isEqualTo(quarter / 2);
        }
    }
}
