package io.pgferry.testing;

import java.util.UUID;

/** Unique names for what a test creates (tables, containers, run ids), so tests sharing servers never meet. */
public final class Names {
    private Names() {}

    /** Twelve random lower-case hex digits. */
    public static String suffix() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }
}
