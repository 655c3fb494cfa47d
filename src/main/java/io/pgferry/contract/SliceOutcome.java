package io.pgferry.contract;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.pgferry.error.ErrorResponse;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What an instance reports of one slice of a fanned-out copy: its staged files, or the error that ends the copy.
 *
 * @param instance which instance copied it ({@code WEBSITE_INSTANCE_ID} on Azure, else host name and process id)
 * @param delivery which delivery of the slice's message this was (1 the first)
 * @param snapshot the snapshot the slice read in, as the server describes it ({@code txid_current_snapshot()}): the
 *        same for every slice, and the manifest's
 * @param error null when the slice succeeded
 * @param httpStatus the error's status, 0 when the slice succeeded
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SliceOutcome(
        int slice,
        String instance,
        int delivery,
        String snapshot,
        long rows,
        long dataRead,
        long durationMillis,
        List<StagedFile> files,
        ErrorResponse error,
        int httpStatus) {
    public SliceOutcome {
        files = files == null ? List.of() : List.copyOf(files);
    }

    public boolean failed() {
        return error != null;
    }
}
