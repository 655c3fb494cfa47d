package io.pgferry.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.Optional;
import javax.net.ssl.SSLHandshakeException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.pgferry.contract.PostgresConnection;
import io.pgferry.contract.Secret;
import io.pgferry.contract.SslMode;
import io.pgferry.error.CopyException;
import io.pgferry.error.ErrorCode;

/** PostgreSQL's failures by SQLSTATE, as the errors a caller gets: code, status, and never the password. */
class PostgresErrorsTest {
    private static final PostgresConnection TARGET = new PostgresConnection(
            "db.example", 5432, "shop", "reader", new Secret("s3cret-pw"), SslMode.REQUIRE, Optional.empty(), 15);

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "28P01, SourceAuthenticationFailed",
        "28000, SourceAuthenticationFailed",
        "3D000, SourceDatabaseNotFound",
        "42P01, SourceObjectNotFound",
        "3F000, SourceObjectNotFound",
        "42501, SourcePermissionDenied",
        "25006, SourceQueryNotReadOnly",
        "57014, SourceQueryTimeout",
        "42601, SourceQueryFailed",
        "22012, SourceQueryFailed",
        "P0001, SourceQueryFailed",
        "08001, SourceUnreachable",
        "08006, SourceUnreachable",
        "53300, SourceFailed",
        "XX000, SourceFailed",
    })
    void eachStateBecomesItsCode(String state, ErrorCode expected) {
        CopyException error = PostgresErrors.translate(new SQLException("it failed", state), TARGET);

        assertThat(error.code()).isEqualTo(expected);
        assertThat(error.getMessage())
                .contains("it failed", "db.example:5432/shop", "SQLSTATE " + state)
                .doesNotContain("s3cret-pw");
    }

    @Test
    void aFailureWithoutAStateIsTheSourcesFault() {
        CopyException error = PostgresErrors.translate(new SQLException("gone"), TARGET);

        assertThat(error.code()).isEqualTo(ErrorCode.SourceFailed);
        assertThat(error.getMessage()).contains("SQLSTATE none");
    }

    @Test
    void aConnectionFailureFromAnUnverifiableCertificateIsATlsFailure() {
        SQLException failure = new SQLException("SSL error", "08006", new SSLHandshakeException("PKIX path building"));

        assertThat(PostgresErrors.translate(failure, TARGET).code()).isEqualTo(ErrorCode.SourceTlsFailed);
    }

    @Test
    void userErrorsAre4xxAndServerFaults5xx() {
        assertThat(PostgresErrors.translate(new SQLException("x", "42601"), TARGET)
                        .httpStatus())
                .isBetween(400, 499);
        assertThat(PostgresErrors.translate(new SQLException("x", "08001"), TARGET)
                        .httpStatus())
                .isBetween(500, 599);
    }
}
