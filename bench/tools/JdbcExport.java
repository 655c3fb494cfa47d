import java.io.BufferedWriter;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * The peer a hand-written exporter would be: a JDBC ResultSet loop (cursor, fetch size 10,000) writing RFC 4180 CSV.
 * Usage: JdbcExport jdbcUrl user password query outputFile
 */
public class JdbcExport {
    public static void main(String[] args) throws Exception {
        try (Connection connection = DriverManager.getConnection(args[0], args[1], args[2]);
                Writer out = new BufferedWriter(new OutputStreamWriter(new FileOutputStream(args[4]),
                        StandardCharsets.UTF_8), 1 << 20)) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.setFetchSize(10_000);
                try (ResultSet rows = statement.executeQuery(args[3])) {
                    int columns = rows.getMetaData().getColumnCount();
                    long count = 0;
                    while (rows.next()) {
                        for (int i = 1; i <= columns; i++) {
                            if (i > 1) {
                                out.write(',');
                            }
                            String value = rows.getString(i);
                            if (value != null) {
                                if (value.isEmpty() || value.indexOf(',') >= 0 || value.indexOf('"') >= 0
                                        || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
                                    out.write('"');
                                    out.write(value.replace("\"", "\"\""));
                                    out.write('"');
                                } else {
                                    out.write(value);
                                }
                            }
                        }
                        out.write('\n');
                        count++;
                    }
                    System.out.println(count);
                }
            }
        }
    }
}
