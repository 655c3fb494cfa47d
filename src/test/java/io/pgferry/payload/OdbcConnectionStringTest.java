package io.pgferry.payload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

class OdbcConnectionStringTest {

    @Test
    void keysAreCaseInsensitiveAndValuesTrimmed() {
        assertThat(OdbcConnectionString.parse(" Server = db.example.com ;PORT=5433;;uid=ana;"))
                .isEqualTo(Map.of("server", "db.example.com", "port", "5433", "uid", "ana"));
    }

    @Test
    void bracedValuesKeepSemicolonsSpacesAndDoubledBraces() {
        assertThat(OdbcConnectionString.parse("Password={ p;a}}ss };Database=x"))
                .isEqualTo(Map.of("password", " p;a}ss ", "database", "x"));
    }

    @Test
    void errorsNameTheKeyNeverTheValue() {
        assertThatThrownBy(() -> OdbcConnectionString.parse("Password={secret-value"))
                .hasMessageContaining("'Password'")
                .hasMessageNotContaining("secret-value");
        assertThatThrownBy(() -> OdbcConnectionString.parse("Server=a;justtext;"))
                .hasMessageContaining("without '='");
        assertThatThrownBy(() -> OdbcConnectionString.parse("UID=a;uid=b"))
                .hasMessageContaining("twice")
                .hasMessageNotContaining("=a");
    }
}
