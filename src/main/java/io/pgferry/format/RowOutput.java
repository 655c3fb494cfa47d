package io.pgferry.format;

/**
 * Where encoded rows go. A row is written with any number of {@link #write} calls and ended with {@link #endRow()},
 * so an implementation can split output between rows only.
 */
public interface RowOutput {
    void write(byte[] bytes, int offset, int length);

    void endRow();
}
