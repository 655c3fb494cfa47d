package io.pgferry.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;

import org.junit.jupiter.api.Test;

import com.sun.management.HotSpotDiagnosticMXBean;

import io.quarkus.test.junit.QuarkusTest;

/** Started, pgferry has set the heap's free ratios of the JVM it runs in. */
@QuarkusTest
class JavaHeapIT {
    @Test
    void theStartedApplicationKeepsItsHeapNearWhatItHolds() {
        HotSpotDiagnosticMXBean hotSpot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);

        assertThat(hotSpot.getVMOption("MinHeapFreeRatio").getValue()).isEqualTo(Integer.toString(JavaHeap.MIN_FREE));
        assertThat(hotSpot.getVMOption("MaxHeapFreeRatio").getValue()).isEqualTo(Integer.toString(JavaHeap.MAX_FREE));
    }
}
