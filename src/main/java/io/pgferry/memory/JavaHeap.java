package io.pgferry.memory;

import java.lang.management.ManagementFactory;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;

import io.quarkus.runtime.StartupEvent;

/**
 * Keeps the Java heap near what it holds rather than near {@code -Xmx}. A copy allocates fast and holds little (rows
 * die young; a row group, a few blocks), yet the JVM's defaults let the heap keep 40–70 % of itself free, so a
 * long copy leaves it committed, and resident, up to {@code -Xmx}. At start pgferry sets HotSpot's manageable
 * {@code MinHeapFreeRatio} and {@code MaxHeapFreeRatio} to {@value #MIN_FREE} and {@value #MAX_FREE} %, which G1 and
 * the serial collector apply when they resize the heap (G1 at the end of each marking cycle and after a full
 * collection): measured in bench/RESULTS.md, a plain {@code java -Xmx256m -jar} then stays resident at 300–340 MB
 * after copies into Blob Storage instead of 410–470 MB, and copies take no longer under either collector. When
 * either ratio was given to the JVM (its command line, {@code JAVA_TOOL_OPTIONS}, a flags file), both are left as they
 * are; on a JVM without these options (a native image) nothing is done, and a refusal is logged.
 */
@Singleton
public class JavaHeap {
    static final int MIN_FREE = 10;
    static final int MAX_FREE = 20;
    private static final Logger LOG = Logger.getLogger(JavaHeap.class);

    void onStart(@Observes StartupEvent started) {
        keepSmall();
    }

    /** @return whether the ratios are now pgferry's or the command line's (false where the JVM has none) */
    boolean keepSmall() {
        try {
            HotSpotDiagnosticMXBean hotSpot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            if (hotSpot == null) {
                return false;
            }
            VMOption min = hotSpot.getVMOption("MinHeapFreeRatio");
            VMOption max = hotSpot.getVMOption("MaxHeapFreeRatio");
            if (min.getOrigin() != VMOption.Origin.DEFAULT || max.getOrigin() != VMOption.Origin.DEFAULT) {
                return true;
            }
            // Minimum first: the JVM refuses a maximum under the minimum in force.
            hotSpot.setVMOption("MinHeapFreeRatio", Integer.toString(MIN_FREE));
            hotSpot.setVMOption("MaxHeapFreeRatio", Integer.toString(MAX_FREE));
            return true;
        } catch (RuntimeException | LinkageError e) {
            LOG.infof("the heap's free ratios stay the JVM's: %s", e.toString());
            return false;
        }
    }
}
