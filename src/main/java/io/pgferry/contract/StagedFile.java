package io.pgferry.contract;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * An output file one instance wrote and another commits: its blob name below the container, its data rows, size and
 * MD5 (base64; null for a tar archive), its headers, and the ids of its staged (uncommitted, invisible) blocks in
 * order.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StagedFile(
        String name,
        long rows,
        long bytes,
        String md5,
        String contentType,
        String contentEncoding,
        List<String> blockIds) {
    public StagedFile {
        blockIds = List.copyOf(blockIds);
    }
}
