package io.pgferry.copy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.jboss.logging.Logger;

import io.pgferry.error.CopyException;
import io.pgferry.error.ErrorCode;
import io.pgferry.source.postgres.Slice;
import io.pgferry.source.postgres.SourceSession;

/**
 * Reads a copy's slices at once, a thread and a connection each. The first slice to fail cancels the others' queries
 * (their query_canceled is not reported), every slice's chunks are discarded, and that first failure is thrown.
 */
final class ParallelSlices {
    private static final Logger LOG = Logger.getLogger(ParallelSlices.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private ParallelSlices() {}

    static List<SliceResult> copy(SliceCopy copy, List<Slice> slices, SourceSession session) {
        if (slices.size() == 1) {
            return List.of(copy.copy(slices.get(0), session.connection(0)));
        }
        ExecutorService executor = Executors.newFixedThreadPool(slices.size(), task -> {
            Thread thread = new Thread(task, "pgferry-slice-" + THREADS.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        try {
            CompletionService<SliceResult> completion = new ExecutorCompletionService<>(executor);
            List<Future<SliceResult>> futures = new ArrayList<>();
            for (Slice slice : slices) {
                futures.add(completion.submit(() -> copy.copy(slice, session.connection(slice.index()))));
            }
            CopyException failure = null;
            for (int i = 0; i < slices.size(); i++) {
                try {
                    completion.take().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof CopyException)) {
                        // A bug: the caller gets InternalError, the log the cause.
                        LOG.errorf(
                                e.getCause(),
                                "a slice of copy %s failed",
                                copy.job().runId());
                    }
                    if (failure == null) {
                        failure = e.getCause() instanceof CopyException copyException
                                ? copyException
                                : CopyException.internalError(e.getCause());
                        session.cancelQueries();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw CopyException.of(ErrorCode.Interrupted, "the copy was interrupted", e);
                }
            }
            // Every slice has ended by now: get() no longer waits, and fails for the slices that failed.
            List<SliceResult> results = new ArrayList<>();
            for (Future<SliceResult> future : futures) {
                try {
                    results.add(future.get());
                } catch (ExecutionException | InterruptedException e) {
                    // reported through failure
                }
            }
            if (failure != null) {
                results.forEach(result -> {
                    result.writer().discard();
                    result.chunks().close();
                });
                throw failure;
            }
            return results;
        } finally {
            executor.shutdownNow();
        }
    }
}
