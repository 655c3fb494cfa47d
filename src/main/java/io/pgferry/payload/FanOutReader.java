package io.pgferry.payload;

import java.util.Optional;
import java.util.OptionalLong;

import com.fasterxml.jackson.databind.JsonNode;

import io.pgferry.contract.Destination;
import io.pgferry.contract.FanOut;
import io.pgferry.contract.FileSink;

/** The Copy activity's {@code fanOut} extension (see {@link FanOut}). */
final class FanOutReader {
    /** A fanned-out copy's slices: each is a queue message, a plan entry and a result blob. */
    static final int MAX_SLICES = 256;

    private FanOutReader() {}

    /**
     * pgferry's {@code fanOut: {"slices": N}}: a copy on its own (not a pipeline's activity) to Blob Storage, not
     * incremental, with no {@code parallelCopies} besides (each slice is one instance's single read).
     */
    static Optional<FanOut> read(
            Reading reading, Field typeProperties, Optional<JsonNode> alone, boolean incremental, FileSink sink) {
        Field asked = typeProperties.get("fanOut");
        if (!asked.present()) {
            return Optional.empty();
        }
        Field settings = reading.object(reading.strict(asked));
        if (settings == null) {
            return Optional.empty();
        }
        int violations = reading.violationCount();
        OptionalLong slices = reading.integer(settings.get("slices"), 1, MAX_SLICES);
        if (!settings.get("slices").present()) {
            reading.violation(settings.get("slices"), "is required: how many slices the copy is cut into");
        }
        if (alone.isEmpty()) {
            reading.violation(
                    asked,
                    "fans out a copy run on its own (POST /copy, /runs, a queue message), not a"
                            + " pipeline's activity");
        }
        if (incremental) {
            reading.violation(asked, "cannot be combined with source.incremental, which reads in one slice");
        }
        if (typeProperties.get("parallelCopies").present()) {
            reading.violation(asked, "replaces parallelCopies: give one of them");
        }
        if (sink != null && !(sink.destination() instanceof Destination.BlobStorage)) {
            reading.violation(
                    asked,
                    "needs a Blob Storage or Data Lake sink: another instance commits the files"
                            + " a slice staged, which a file server's temporary files do not allow");
        }
        if (reading.violationCount() > violations || slices.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new FanOut((int) slices.getAsLong(), alone.get().toString()));
    }
}
