package io.pgferry.contract;

import static java.util.Objects.requireNonNull;

/**
 * pgferry's fan-out of one copy across Azure Functions instances (a Copy activity extension,
 * {@code "fanOut": {"slices": N}}): the instance that takes the copy plans its slices in one exported snapshot and
 * puts one message per slice on the {@code pgferry-slices} queue; any instance copies a slice into staged blocks; the
 * first instance commits every file, then the manifest.
 *
 * @param slices how many slices to plan (at most; a small table gives fewer)
 * @param payload the request as delivered, stored in the function's own storage for the slices' instances to read
 *        again (its secrets stay there, never in a queue message)
 */
public record FanOut(int slices, String payload) {
    public FanOut {
        requireNonNull(payload, "payload is null");
        if (slices < 1) {
            throw new IllegalArgumentException("slices must be positive");
        }
    }
}
