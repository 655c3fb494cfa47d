package io.pgferry.memory;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Gives the C heap's free memory back to the operating system while copies run and when they end. glibc keeps what
 * the JVM's compilers and the JDK's native code free in per-thread arenas, so a process with many threads (uploads,
 * HTTP event loops, slices) grows tens of megabytes past what it uses. The Functions launcher bounds that with
 * {@code MALLOC_ARENA_MAX=2}; a plain {@code java -jar} has no such bound, so pgferry asks the JVM itself
 * ({@code System.trim_native_heap}, as the JDK's own {@code TrimNativeHeapInterval} does) every few seconds while a
 * copy runs and once after each, on a thread of its own so no copy waits. Where the JVM has no such command (a native image, another C
 * library) nothing is done.
 */
@ApplicationScoped
public class NativeHeap {
    private static final Logger LOG = Logger.getLogger(NativeHeap.class);

    private final Duration interval;
    private final ScheduledExecutorService trimmer = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "pgferry-trim");
        thread.setDaemon(true);
        return thread;
    });
    private int running;
    private ScheduledFuture<?> periodic;
    private volatile boolean unavailable;

    /**
     * @param interval how often, while copies run, the free memory is given back; 0 never (environment variable
     *        {@code PGFERRY_MEMORY_TRIM_INTERVAL})
     */
    @Inject
    NativeHeap(@ConfigProperty(name = "pgferry.memory.trim-interval", defaultValue = "5s") Duration interval) {
        this.interval = interval;
    }

    /** A copy starts: trimming runs every interval until the last copy has ended. */
    public synchronized void copyStarted() {
        if (running++ == 0 && !interval.isZero() && !unavailable) {
            periodic = trimmer.scheduleWithFixedDelay(
                    () -> trim(), interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * A copy has ended: what it freed is given back an interval later, when the instance is likely idle (not while the
     * copy's answer is being written).
     */
    public synchronized void copyEnded() {
        if (--running == 0 && periodic != null) {
            periodic.cancel(false);
            periodic = null;
        }
        if (!interval.isZero() && !unavailable) {
            trimmer.schedule(() -> trim(), interval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** @return whether the JVM trimmed its native heap (false where it cannot, from then on) */
    boolean trim() {
        if (unavailable) {
            return false;
        }
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            server.invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "systemTrimNativeHeap",
                    new Object[] {null},
                    new String[] {String[].class.getName()});
            return true;
        } catch (JMException | RuntimeException | LinkageError e) {
            unavailable = true;
            LOG.debugf("this JVM cannot trim its native heap: %s", e.toString());
            return false;
        }
    }
}
