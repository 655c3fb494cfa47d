package io.pgferry.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** The JVMs pgferry runs on (HotSpot 17 and 25 on glibc) can give their C heap's free memory back when asked. */
class NativeHeapTest {
    @Test
    void theJvmTrimsItsNativeHeapWhenAsked() {
        NativeHeap heap = new NativeHeap(Duration.ofSeconds(5));

        assertThat(heap.trim())
                .as("System.trim_native_heap through the DiagnosticCommand MBean")
                .isTrue();
        assertThat(heap.trim()).isTrue();
    }
}
