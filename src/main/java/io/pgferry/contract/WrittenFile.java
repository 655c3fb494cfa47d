package io.pgferry.contract;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A committed output file: its path ({@code <container>/<blob name>} in Blob Storage, the absolute path on a file
 * server), the data rows it holds (headers not counted), its size in bytes and the MD5 of its bytes (base64, as Blob
 * Storage's {@code Content-MD5}; null for a tar archive, whose header is written last).
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WrittenFile(String path, long rows, long bytes, String md5) {}
