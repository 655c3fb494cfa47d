package io.pgferry.format.binary;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

import io.pgferry.format.OutputFormat;
import io.pgferry.source.postgres.CopyOutReader;
import io.pgferry.source.postgres.SourceColumn;

/** A typed format fed by a binary COPY of its {@link BinaryColumn}s; each file is written by the format's writer. */
public abstract class BinaryOutput implements OutputFormat {
    private final List<BinaryColumn> columns;

    protected BinaryOutput(List<SourceColumn> sourceColumns) {
        List<BinaryColumn> planned = new ArrayList<>(sourceColumns.size());
        for (int i = 0; i < sourceColumns.size(); i++) {
            planned.add(BinaryColumn.of(i, sourceColumns.get(i)));
        }
        this.columns = List.copyOf(planned);
    }

    protected List<BinaryColumn> columns() {
        return columns;
    }

    @Override
    public String copySql(String selectSql) {
        return BinaryColumn.copySql(
                columns.stream().map(BinaryColumn::projection).toList(), selectSql);
    }

    @Override
    public boolean binaryCopy() {
        return true;
    }

    @Override
    public FileEncoding begin(CopyOutReader rows) {
        return this::open;
    }

    /** Starts a file on {@code out}: the format's header, then tuples as they come. */
    protected abstract FileEncoder open(OutputStream out) throws IOException;
}
