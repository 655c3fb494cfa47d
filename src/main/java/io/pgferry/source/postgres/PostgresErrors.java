package io.pgferry.source.postgres;

import java.sql.SQLException;
import java.util.Set;

import org.postgresql.util.PSQLException;

import io.pgferry.contract.PostgresConnection;
import io.pgferry.error.CopyException;
import io.pgferry.error.ErrorCode;

/**
 * PostgreSQL failures as the caller sees them, classified by SQLState class (Debezium and pgjdbc do the same) rather
 * than by message text. Messages carry the server's own message and the target {@code host:port/database}, which hold
 * no password.
 */
public final class PostgresErrors {
    /**
     * SQLSTATE classes that mean the query itself cannot succeed as written (syntax, data, constraints, limits, a
     * function that raised): the caller's error, not worth a retry.
     */
    private static final Set<String> QUERY_CLASSES = Set.of(
            "0A", "21", "22", "23", "26", "2B", "2D", "2F", "34", "38", "39", "3B", "42", "44", "54", "55", "P0");

    private PostgresErrors() {}

    public static CopyException translate(SQLException failure, PostgresConnection target) {
        String state = failure.getSQLState() == null ? "" : failure.getSQLState();
        String where = " (PostgreSQL " + target.describe() + ", SQLSTATE " + (state.isEmpty() ? "none" : state) + ")";
        String message = serverMessage(failure) + where;
        if (state.startsWith("28")) {
            return CopyException.of(ErrorCode.SourceAuthenticationFailed, message, failure);
        }
        if (state.equals("3D000")) {
            return CopyException.of(ErrorCode.SourceDatabaseNotFound, message, failure)
                    .about(ErrorCode.Field.SOURCE_DATABASE);
        }
        if (state.equals("42P01") || state.equals("3F000")) {
            CopyException notFound = CopyException.of(ErrorCode.SourceObjectNotFound, message, failure);
            return state.equals("3F000") ? notFound.about(ErrorCode.Field.SOURCE_SCHEMA) : notFound;
        }
        if (state.equals("42501")) {
            return CopyException.of(ErrorCode.SourcePermissionDenied, message, failure);
        }
        if (state.startsWith("25")) {
            return CopyException.of(
                    ErrorCode.SourceQueryNotReadOnly, "the source query must only read: " + message, failure);
        }
        if (state.equals("57014")) {
            return CopyException.of(
                    ErrorCode.SourceQueryTimeout,
                    "the read outlasted its queryTimeout (or the"
                            + " linked service's commandTimeout) and was cancelled: " + message,
                    failure);
        }
        if (QUERY_CLASSES.contains(state.length() == 5 ? state.substring(0, 2) : "")) {
            return CopyException.of(ErrorCode.SourceQueryFailed, message, failure);
        }
        if (state.startsWith("08") && tlsVerificationFailed(failure)) {
            return CopyException.of(
                    ErrorCode.SourceTlsFailed, "the server's certificate could not be verified: " + message, failure);
        }
        if (state.startsWith("08")) {
            return CopyException.of(ErrorCode.SourceUnreachable, message, failure);
        }
        return CopyException.of(ErrorCode.SourceFailed, message, failure);
    }

    /** A certificate that no trusted authority signed, or that names another host. */
    private static boolean tlsVerificationFailed(SQLException failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException
                    || t.getMessage() != null && t.getMessage().contains("could not be verified by hostnameverifier")) {
                return true;
            }
        }
        return false;
    }

    private static String serverMessage(SQLException failure) {
        if (failure instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
            return psql.getServerErrorMessage().getMessage();
        }
        return failure.getMessage();
    }
}
