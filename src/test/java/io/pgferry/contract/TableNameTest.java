package io.pgferry.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TableNameTest {

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "orders|\"orders\"",
                "MySchema.MyTable|\"MySchema\".\"MyTable\"",
                "\"MySchema\".\"MyTable\"|\"MySchema\".\"MyTable\"",
                "\"my.schema\".\"t\"|\"my.schema\".\"t\"",
                "\"we\"\"ird\".x|\"we\"\"ird\".\"x\"",
                "Order Lines|\"Order Lines\""
            })
    void quotesEachPartExactlyAsGiven(String tableName, String sql) {
        assertThat(TableName.parse(tableName).quoted()).isEqualTo(sql);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "db.schema.table|must be table or schema.table",
                "\"open|unterminated double quote",
                "schema.|empty schema or table name",
                "\"a\"b.c|text next to a quoted name",
                "a\"b|text next to a quoted name"
            })
    void refusesWhatIsNotATableName(String tableName, String reason) {
        assertThatThrownBy(() -> TableName.parse(tableName))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(reason);
    }
}
