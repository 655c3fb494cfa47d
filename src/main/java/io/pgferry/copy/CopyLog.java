package io.pgferry.copy;

import java.util.Locale;

import org.jboss.logging.Logger;

import io.pgferry.contract.CopyJob;
import io.pgferry.contract.Destination;
import io.pgferry.contract.RunStatistics;

/**
 * The lines a copy leaves in the function's log (Application Insights on Azure): one when it starts (what it reads,
 * where it writes, in which format; never a secret), one every so often while it runs (rows so far, rate, percent of
 * a table's estimate), and one when it ends (rows, bytes, files, duration, rate).
 */
final class CopyLog {
    private static final Logger LOG = Logger.getLogger(CopyRunner.class);

    private CopyLog() {}

    static void started(CopyJob job) {
        LOG.infof(
                "copy %s (%s) started: %s to %s as %s",
                job.runId(), job.activityName(), source(job), sink(job), Manifest.formatType(job));
    }

    static void progress(CopyJob job, RunControl control, long startNanos) {
        long rows = control.rowsCopied();
        double seconds = Math.max(System.nanoTime() - startNanos, 1) / 1e9;
        long estimate = control.estimatedRows();
        String percent = estimate > 0
                ? String.format(Locale.ROOT, ", about %d%% of %,d", Math.min(99, rows * 100 / estimate), estimate)
                : "";
        LOG.infof(
                "copy %s (%s) running: %,d rows in %.0f s, %,.0f rows/s%s",
                job.runId(), job.activityName(), rows, seconds, rows / seconds, percent);
    }

    static void ended(CopyJob job, RunStatistics statistics, long millis) {
        double seconds = Math.max(millis, 1) / 1000.0;
        LOG.infof(
                "copy %s (%s): %d rows, %d bytes read, %d bytes in %d files, %d slices, %d ms, %.1f MB/s",
                job.runId(),
                job.activityName(),
                statistics.rowsCopied(),
                statistics.dataRead(),
                statistics.dataWritten(),
                statistics.filesWritten(),
                statistics.usedParallelCopies(),
                millis,
                statistics.dataWritten() / 1e6 / seconds);
    }

    private static String source(CopyJob job) {
        return job.source()
                .query()
                .map(query -> "query sha256:" + Manifest.sha256(query).substring(0, 16))
                .orElseGet(() -> "table " + job.source().table().orElseThrow().quoted());
    }

    private static String sink(CopyJob job) {
        String folder = job.sink().location().folderPath();
        Destination destination = job.sink().destination();
        String where = destination instanceof Destination.BlobStorage blob
                ? blob.type() + " " + blob.container() + (folder.isEmpty() ? "" : "/" + folder)
                : "FileServer " + (folder.isEmpty() ? "/" : folder);
        return where;
    }
}
