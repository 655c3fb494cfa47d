package io.pgferry.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;

/** The JVMs pgferry runs on let it set the heap's free ratios while running, and it leaves the user's alone. */
class JavaHeapTest {
    private static final HotSpotDiagnosticMXBean HOT_SPOT =
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);

    @Test
    void theHeapIsKeptNearWhatItHolds() {
        assertThat(HOT_SPOT.getVMOption("MaxHeapFreeRatio").getOrigin())
                .as("this test JVM's command line sets no ratio")
                .isIn(VMOption.Origin.DEFAULT, VMOption.Origin.MANAGEMENT);

        assertThat(new JavaHeap().keepSmall()).isTrue();

        assertThat(HOT_SPOT.getVMOption("MinHeapFreeRatio").getValue()).isEqualTo(Integer.toString(JavaHeap.MIN_FREE));
        assertThat(HOT_SPOT.getVMOption("MaxHeapFreeRatio").getValue()).isEqualTo(Integer.toString(JavaHeap.MAX_FREE));
    }

    @ParameterizedTest
    @CsvSource({"-XX:MaxHeapFreeRatio=50, true 40 50", "-XX:MinHeapFreeRatio=30, true 30 70"})
    void eitherRatioGivenOnTheCommandLineLeavesBothAsTheyAre(String option, String expected) throws Exception {
        Process jvm = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        option,
                        "-cp",
                        System.getProperty("java.class.path"),
                        JavaHeapTest.class.getName())
                .redirectErrorStream(true)
                .start();
        String output = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(jvm.waitFor()).as(output).isZero();
        // The last line: a JVM may first say which JAVA_TOOL_OPTIONS it picked up.
        assertThat(output.strip().lines().reduce((first, second) -> second))
                .as(output)
                .hasValue(expected);
    }

    /** In a JVM of its own: what {@link JavaHeap#keepSmall()} answers, then the minimum and maximum in force. */
    public static void main(String[] args) {
        boolean kept = new JavaHeap().keepSmall();
        System.out.println(kept + " " + HOT_SPOT.getVMOption("MinHeapFreeRatio").getValue() + " "
                + HOT_SPOT.getVMOption("MaxHeapFreeRatio").getValue());
    }
}
