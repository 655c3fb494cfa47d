package io.pgferry.contract;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A committed output file: its path ({@code <container>/<blob name>} in Blob Storage, the absolute path on a file
 * server), the data rows it holds (headers not counted) and its size in bytes.
 */
@RegisterForReflection
public record WrittenFile(String path, long rows, long bytes) {
}
