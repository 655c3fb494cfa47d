package io.pgferry.payload;

import java.util.Optional;

/**
 * The rules every part of an output name follows, on Blob Storage and on a file server alike: names are what they
 * look like. Azure Blob Storage documents a blob name as at most 1,024 characters and 254 per path segment, with no
 * segment ending in a dot; pgferry adds no {@code .} or {@code ..} segment, no empty segment, no backslash (which some
 * tools turn into {@code /}) and no control character (which breaks listings in Azure's tools).
 */
final class PathNames {
    /** Azure Blob Storage's longest blob name. */
    static final int MAX_NAME = 1024;
    /** Azure Blob Storage's longest path segment. */
    static final int MAX_SEGMENT = 254;
    /** What pgferry adds to a name at most: a slice and chunk number and a codec's suffix. */
    static final int GENERATED_PART = 32;

    private PathNames() {}

    /** Why {@code folderPath} (its outer slashes already trimmed) is not a folder path, or empty when it is. */
    static Optional<String> folderProblem(String folderPath) {
        if (folderPath.isEmpty()) {
            return Optional.empty();
        }
        for (String segment : folderPath.split("/", -1)) {
            Optional<String> problem = segmentProblem(segment);
            if (problem.isPresent()) {
                return problem;
            }
        }
        return Optional.empty();
    }

    /** Why {@code name} is not one path segment (a file name, a prefix), or empty when it is. */
    static Optional<String> segmentProblem(String name) {
        if (name.indexOf('/') >= 0) {
            return Optional.of("must be a plain name without '/'; put folders in folderPath");
        }
        if (name.indexOf('\\') >= 0) {
            return Optional.of("must not contain a backslash");
        }
        if (name.chars().anyMatch(Character::isISOControl)) {
            return Optional.of("must not contain a control character (line break, tab, NUL, DEL, ...)");
        }
        if (name.isEmpty()) {
            return Optional.of("must not have an empty segment ('//')");
        }
        if (name.equals(".") || name.equals("..")) {
            return Optional.of("must not have a '.' or '..' segment");
        }
        if (name.endsWith(".")) {
            return Optional.of("must not have a segment ending in '.', which Blob Storage does not allow");
        }
        if (name.length() > MAX_SEGMENT) {
            return Optional.of("must not have a segment longer than " + MAX_SEGMENT + " characters");
        }
        return Optional.empty();
    }
}
