package io.pgferry.contract;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A committed output blob: where it is, how many data rows it holds (headers not counted) and its size in bytes. */
@RegisterForReflection
public record WrittenBlob(String container, String name, long rows, long bytes) {
}
