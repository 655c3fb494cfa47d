package io.pgferry.copy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.pgferry.contract.CopyJob;
import io.pgferry.contract.FileLocation;
import io.pgferry.contract.WrittenFile;
import io.pgferry.error.CopyException;
import io.pgferry.error.ErrorCode;
import io.pgferry.sink.Chunk;
import io.pgferry.sink.ChunkSink;
import io.pgferry.sink.RollingWriter;

/**
 * Makes a finished copy's output visible, all of it or none: an earlier manifest of the same name is removed first
 * (the folder then reads "not complete"), every slice's files are committed, checked if the copy asked for it, and the
 * manifest is committed last. Files an earlier, dead attempt of the same run committed and this one did not write
 * again are removed before the manifest. When any step fails, the files already committed are deleted again, so the
 * folder holds no manifest and none of this run's files; what could not be deleted is named in the error.
 */
final class Publication {
    private Publication() {}

    /** The committed files, in order, and the manifest's path (null when the sink asked for none). */
    record Published(List<WrittenFile> files, String manifest) {}

    /** @throws CopyException naming the store at fault; nothing of this run is left visible */
    static Published publish(CopyJob job, List<SliceResult> results, Manifest.Read read, Instant startedAt) {
        ChunkSink first = results.get(0).chunks();
        Optional<String> manifestName =
                job.sink().manifestName().map(name -> inFolder(job.sink().location(), name));
        List<RollingWriter> committed = new ArrayList<>();
        try {
            manifestName.ifPresent(name -> attempt(first, () -> first.deleteIfExists(name)));
            List<WrittenFile> files = new ArrayList<>();
            for (SliceResult result : results) {
                // A writer that fails part-way deletes what it committed itself.
                attempt(result.chunks(), () -> files.addAll(result.writer().commit()));
                committed.add(result.writer());
            }
            Set<String> names = new HashSet<>();
            results.forEach(result -> names.addAll(result.writer().committedNames()));
            attempt(
                    first,
                    () -> first.removeEarlierAttempts(job.sink().location().folderPath(), names));
            if (job.validateDataConsistency()) {
                for (SliceResult result : results) {
                    verify(result);
                }
            }
            return new Published(
                    files,
                    manifestName
                            .map(name -> writeManifest(
                                    first, name, Manifest.write(job, read, files, startedAt, Instant.now())))
                            .orElse(null));
        } catch (CopyException e) {
            List<String> left = new ArrayList<>();
            committed.forEach(writer -> left.addAll(writer.uncommit()));
            throw left.isEmpty()
                    ? e
                    : e.withMessage(e.error().message() + "; the files of this run committed before"
                            + " the failure could not all be removed again: " + String.join(", ", left));
        }
    }

    private static void verify(SliceResult result) {
        try {
            result.writer().verify();
        } catch (IllegalStateException e) {
            throw CopyException.of(
                    ErrorCode.DataConsistencyVerificationFailed,
                    "a committed file differs from what" + " was written: " + e.getMessage(),
                    e);
        } catch (RuntimeException e) {
            throw result.chunks().translate(e);
        }
    }

    private static String writeManifest(ChunkSink store, String name, byte[] manifest) {
        Chunk chunk = store.create(name, "application/json", null);
        try {
            chunk.write(manifest, 0, manifest.length);
            chunk.finish();
            chunk.commit();
            return chunk.path();
        } catch (RuntimeException e) {
            chunk.discard();
            throw store.translate(e);
        }
    }

    private static void attempt(ChunkSink store, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            throw store.translate(e);
        }
    }

    private static String inFolder(FileLocation location, String name) {
        return location.folderPath().isEmpty() ? name : location.folderPath() + "/" + name;
    }
}
