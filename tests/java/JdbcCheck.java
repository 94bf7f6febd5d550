// pgjdbc against a PixelSQL server: what a Java application and the JDBC-based tools (DBeaver,
// DataGrip, Metabase) rely on.
//
// Usage: java -cp postgresql.jar:. JdbcCheck <jdbc-url> <user> <table-name>
//
// Every check prints exactly one machine-checkable line and the program goes on after a failure,
// so tests/test_jdbc.py can report each check on its own:
//
//   CHECK <name> OK <detail>
//   CHECK <name> FAIL <exception class>: <message> [SQLState=<state>]
//
// The program exits 0 when it ran to the end (whatever the checks said) and 2 when it could not
// even connect.

import java.lang.reflect.Field;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

public final class JdbcCheck {

    private interface Check {
        String run() throws Exception;
    }

    private static int failures = 0;
    private static String url;
    private static Properties props;
    private static Connection current;

    /** The session's connection; a fresh one when a failed check left it closed. */
    private static Connection conn() throws SQLException {
        if (current == null || current.isClosed()) {
            current = DriverManager.getConnection(url, props);
        }
        return current;
    }

    private static void check(String name, Check body) {
        String line;
        try {
            String detail = body.run();
            line = "CHECK " + name + " OK " + oneLine(detail);
        } catch (Throwable e) {
            failures++;
            String state = e instanceof SQLException ? " [SQLState=" + ((SQLException) e).getSQLState() + "]" : "";
            line = "CHECK " + name + " FAIL " + e.getClass().getName() + ": " + oneLine(String.valueOf(e.getMessage())) + state;
        }
        System.out.println(line);
        System.out.flush();
    }

    /** Roll back and return to autocommit, quietly: a failure here must not hide the check's own. */
    private static void endTransaction() {
        try {
            if (current != null && !current.isClosed() && !current.getAutoCommit()) {
                current.rollback();
                current.setAutoCommit(true);
            }
        } catch (SQLException e) {
            // the check already reported what went wrong
        }
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replace('\r', ' ').replace('\n', ' ');
    }

    private static void expect(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError(what);
        }
    }

    private static Object field(Object target, String name) throws ReflectiveOperationException {
        for (Class<?> cls = target.getClass(); cls != null; cls = cls.getSuperclass()) {
            try {
                Field f = cls.getDeclaredField(name);
                f.setAccessible(true);
                return f.get(target);
            } catch (NoSuchFieldException e) {
                // look further up
            }
        }
        throw new NoSuchFieldException(name);
    }

    public static void main(String[] args) throws Exception {
        url = args[0];
        String user = args[1];
        String table = args[2];
        String bigTable = table + "_big";

        props = new Properties();
        props.setProperty("user", user);
        props.setProperty("ApplicationName", "pixelsql-jdbc-check");
        props.setProperty("connectTimeout", "10");
        props.setProperty("socketTimeout", "60");

        try {
            conn();
        } catch (SQLException e) {
            System.out.println("CHECK connect FAIL " + e.getClass().getName() + ": " + oneLine(e.getMessage())
                    + " [SQLState=" + e.getSQLState() + "]");
            System.exit(2);
            return;
        }
        check("connect", () -> conn().getMetaData().getDatabaseProductName() + " " + conn().getMetaData().getDatabaseProductVersion()
                + " driver " + conn().getMetaData().getDriverVersion());

        check("create_table", () -> {
            try (Statement st = conn().createStatement()) {
                st.execute("DROP TABLE IF EXISTS " + table);
                st.execute("CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, name VARCHAR(20) NOT NULL,"
                        + " price NUMERIC(10,2), created TIMESTAMP, active BOOLEAN, note TEXT)");
                st.execute("CREATE INDEX " + table + "_name_idx ON " + table + " (name)");
                st.execute("DROP TABLE IF EXISTS " + bigTable);
                st.execute("CREATE TABLE " + bigTable + " (n INTEGER, label TEXT)");
                st.execute("INSERT INTO " + bigTable + " SELECT g, 'row ' || g FROM generate_series(1, 600) AS t(g)");
            }
            return "created " + table + " and " + bigTable;
        });

        // -- DatabaseMetaData: what DBeaver/DataGrip/Metabase show in their navigators -----------

        check("metadata_schemas", () -> {
            List<String> schemas = new ArrayList<>();
            try (ResultSet rs = conn().getMetaData().getSchemas()) {
                while (rs.next()) {
                    schemas.add(rs.getString("TABLE_SCHEM"));
                }
            }
            expect(schemas.contains("public"), "public not among schemas " + schemas);
            return String.join(",", schemas);
        });

        check("metadata_tables", () -> {
            List<String> found = new ArrayList<>();
            try (ResultSet rs = conn().getMetaData().getTables(null, "public", table, new String[] {"TABLE"})) {
                while (rs.next()) {
                    found.add(rs.getString("TABLE_SCHEM") + "." + rs.getString("TABLE_NAME") + ":" + rs.getString("TABLE_TYPE"));
                }
            }
            expect(found.contains("public." + table + ":TABLE"), "getTables returned " + found);
            return String.join(",", found);
        });

        check("metadata_tables_all", () -> {
            boolean seen = false;
            int count = 0;
            try (ResultSet rs = conn().getMetaData().getTables(null, null, "%", new String[] {"TABLE", "VIEW"})) {
                while (rs.next()) {
                    count++;
                    seen |= table.equals(rs.getString("TABLE_NAME"));
                }
            }
            expect(seen, table + " missing from getTables(null, null, %) of " + count + " rows");
            return count + " tables and views";
        });

        check("metadata_columns", () -> {
            List<String> cols = new ArrayList<>();
            try (ResultSet rs = conn().getMetaData().getColumns(null, "public", table, "%")) {
                while (rs.next()) {
                    cols.add(rs.getString("COLUMN_NAME") + ":" + rs.getString("TYPE_NAME") + ":" + rs.getInt("DATA_TYPE")
                            + ":" + rs.getInt("COLUMN_SIZE") + ":" + rs.getInt("DECIMAL_DIGITS")
                            + ":" + rs.getInt("NULLABLE") + ":" + rs.getInt("ORDINAL_POSITION"));
                }
            }
            String joined = String.join(",", cols);
            expect(cols.size() == 6, "expected 6 columns, got " + joined);
            expect(cols.get(0).equals("id:int4:" + Types.INTEGER + ":10:0:0:1"), "id column: " + cols.get(0));
            expect(cols.get(1).equals("name:varchar:" + Types.VARCHAR + ":20:0:0:2"), "name column: " + cols.get(1));
            expect(cols.get(2).equals("price:numeric:" + Types.NUMERIC + ":10:2:1:3"), "price column: " + cols.get(2));
            expect(cols.get(3).startsWith("created:timestamp:" + Types.TIMESTAMP + ":"), "created column: " + cols.get(3));
            expect(cols.get(4).startsWith("active:bool:" + Types.BIT + ":"), "active column: " + cols.get(4));
            expect(cols.get(5).startsWith("note:text:" + Types.VARCHAR + ":"), "note column: " + cols.get(5));
            return joined;
        });

        check("metadata_primary_keys", () -> {
            List<String> keys = new ArrayList<>();
            try (ResultSet rs = conn().getMetaData().getPrimaryKeys(null, "public", table)) {
                while (rs.next()) {
                    keys.add(rs.getString("COLUMN_NAME") + ":" + rs.getInt("KEY_SEQ"));
                }
            }
            expect(keys.equals(List.of("id:1")), "getPrimaryKeys returned " + keys);
            return String.join(",", keys);
        });

        check("metadata_index_info", () -> {
            List<String> indexes = new ArrayList<>();
            try (ResultSet rs = conn().getMetaData().getIndexInfo(null, "public", table, false, false)) {
                while (rs.next()) {
                    indexes.add(rs.getString("INDEX_NAME") + ":" + rs.getString("COLUMN_NAME") + ":" + rs.getBoolean("NON_UNIQUE"));
                }
            }
            expect(indexes.contains(table + "_name_idx:name:true"), "getIndexInfo returned " + indexes);
            return String.join(",", indexes);
        });

        // -- PreparedStatement with parameters of several types -----------------------------------

        Timestamp created = Timestamp.valueOf("2024-02-29 13:45:30.123456");
        check("prepared_insert", () -> {
            try (PreparedStatement ps = conn().prepareStatement(
                    "INSERT INTO " + table + " (id, name, price, created, active, note) VALUES (?, ?, ?, ?, ?, ?)")) {
                ps.setInt(1, 1);
                ps.setString(2, "widget");
                ps.setBigDecimal(3, new BigDecimal("12.50"));
                ps.setTimestamp(4, created);
                ps.setBoolean(5, true);
                ps.setString(6, "it's \"quoted\" ünïcødé");
                int one = ps.executeUpdate();
                expect(one == 1, "executeUpdate returned " + one);
                for (int i = 2; i <= 4; i++) {
                    ps.setInt(1, i);
                    ps.setString(2, "item " + i);
                    ps.setBigDecimal(3, new BigDecimal(i + ".25"));
                    ps.setNull(4, Types.TIMESTAMP);
                    ps.setBoolean(5, i % 2 == 0);
                    ps.setNull(6, Types.VARCHAR);
                    ps.addBatch();
                }
                int[] counts = ps.executeBatch();
                expect(counts.length == 3, "batch returned " + counts.length + " counts");
                return "1 row + batch of " + counts.length;
            }
        });

        check("prepared_select", () -> {
            try (PreparedStatement ps = conn().prepareStatement(
                    "SELECT id, name, price, created, active, note FROM " + table + " WHERE id = ? AND name = ?")) {
                ps.setLong(1, 1L);
                ps.setString(2, "widget");
                try (ResultSet rs = ps.executeQuery()) {
                    expect(rs.next(), "no row for id=1");
                    expect(rs.getInt("id") == 1, "id " + rs.getInt("id"));
                    expect("widget".equals(rs.getString("name")), "name " + rs.getString("name"));
                    expect(new BigDecimal("12.50").equals(rs.getBigDecimal("price")), "price " + rs.getBigDecimal("price"));
                    expect(created.equals(rs.getTimestamp("created")), "created " + rs.getTimestamp("created"));
                    expect(rs.getBoolean("active"), "active false");
                    expect("it's \"quoted\" ünïcødé".equals(rs.getString("note")), "note " + rs.getString("note"));
                    expect(!rs.next(), "more than one row");
                    // What a BI tool sizes its grid columns by: the declared types of the columns
                    ResultSetMetaData md = rs.getMetaData();
                    expect("varchar".equals(md.getColumnTypeName(2)) && md.getPrecision(2) == 20
                            && md.getColumnDisplaySize(2) == 20, "name described as "
                            + md.getColumnTypeName(2) + "(" + md.getPrecision(2) + ")");
                    expect("numeric".equals(md.getColumnTypeName(3)) && md.getPrecision(3) == 10
                            && md.getScale(3) == 2, "price described as " + md.getColumnTypeName(3)
                            + "(" + md.getPrecision(3) + "," + md.getScale(3) + ")");
                    expect("text".equals(md.getColumnTypeName(6)), "note described as "
                            + md.getColumnTypeName(6));
                }
            }
            return "row 1 round-tripped, columns described as declared";
        });

        check("prepared_null_and_compare", () -> {
            try (PreparedStatement ps = conn().prepareStatement(
                    "SELECT count(*) FROM " + table + " WHERE created IS NULL AND price > ? AND active = ?")) {
                ps.setBigDecimal(1, new BigDecimal("2.5"));
                ps.setBoolean(2, true);
                try (ResultSet rs = ps.executeQuery()) {
                    expect(rs.next(), "no count row");
                    long n = rs.getLong(1);
                    expect(n == 1, "count " + n);
                    return "count " + n;
                }
            }
        });

        // pgjdbc switches to a named server-side statement after prepareThreshold (5) executions.
        check("prepared_reuse_named_statement", () -> {
            try (PreparedStatement ps = conn().prepareStatement("SELECT name FROM " + table + " WHERE id = ?")) {
                StringBuilder names = new StringBuilder();
                for (int round = 0; round < 8; round++) {
                    int id = 1 + round % 4;
                    ps.setInt(1, id);
                    try (ResultSet rs = ps.executeQuery()) {
                        expect(rs.next(), "no row for id " + id + " in round " + round);
                        String expected = id == 1 ? "widget" : "item " + id;
                        expect(expected.equals(rs.getString(1)), "round " + round + ": " + rs.getString(1));
                        names.append(rs.getString(1)).append(';');
                    }
                }
                return names.toString();
            }
        });

        // -- fetch size: Execute with a row limit and PortalSuspended inside a transaction --------

        check("fetch_size_paging", () -> {
            conn().setAutoCommit(false);
            try (Statement st = conn().createStatement()) {
                st.setFetchSize(10);
                try (ResultSet rs = st.executeQuery("SELECT n, label FROM " + bigTable + " ORDER BY n")) {
                    expect(rs.next(), "empty result");
                    // pgjdbc keeps only the rows of the current batch: 10 when the server stopped
                    // after 10 rows with PortalSuspended, all 600 when it ignored the row limit.
                    int firstBatch = ((List<?>) field(rs, "rows")).size();
                    expect(firstBatch == 10, "first fetch held " + firstBatch + " rows, expected 10");
                    long sum = rs.getInt(1);
                    int count = 1;
                    while (rs.next()) {
                        count++;
                        sum += rs.getInt(1);
                        expect(("row " + rs.getInt(1)).equals(rs.getString(2)), "label " + rs.getString(2));
                    }
                    expect(count == 600 && sum == 600L * 601 / 2, "count " + count + " sum " + sum);
                    return "600 rows in batches of 10";
                }
            } finally {
                endTransaction();
            }
        });

        check("fetch_size_two_open_portals", () -> {
            conn().setAutoCommit(false);
            try (Statement a = conn().createStatement(); Statement b = conn().createStatement()) {
                a.setFetchSize(7);
                b.setFetchSize(5);
                try (ResultSet ra = a.executeQuery("SELECT n FROM " + bigTable + " ORDER BY n");
                     ResultSet rb = b.executeQuery("SELECT n FROM " + bigTable + " ORDER BY n DESC")) {
                    int count = 0;
                    while (ra.next()) {
                        expect(rb.next(), "second cursor ended early at " + count);
                        expect(ra.getInt(1) + rb.getInt(1) == 601, "rows " + ra.getInt(1) + " and " + rb.getInt(1));
                        count++;
                    }
                    expect(!rb.next() && count == 600, "count " + count);
                    return "interleaved " + count + " rows from two portals";
                }
            } finally {
                endTransaction();
            }
        });

        // -- errors and their SQLSTATEs -----------------------------------------------------------

        check("error_undefined_table", () -> {
            try (Statement st = conn().createStatement()) {
                st.executeQuery("SELECT * FROM no_such_table_for_jdbc");
                throw new AssertionError("no error raised");
            } catch (SQLException e) {
                expect("42P01".equals(e.getSQLState()), "SQLState " + e.getSQLState() + ": " + e.getMessage());
                return e.getSQLState() + " " + e.getMessage();
            }
        });

        check("error_unique_violation", () -> {
            try (PreparedStatement ps = conn().prepareStatement("INSERT INTO " + table + " (id, name) VALUES (?, ?)")) {
                ps.setInt(1, 1);
                ps.setString(2, "duplicate");
                ps.executeUpdate();
                throw new AssertionError("no error raised");
            } catch (SQLException e) {
                expect("23505".equals(e.getSQLState()), "SQLState " + e.getSQLState() + ": " + e.getMessage());
                return e.getSQLState() + " " + e.getMessage();
            }
        });

        check("error_in_failed_transaction", () -> {
            conn().setAutoCommit(false);
            try (Statement st = conn().createStatement()) {
                try {
                    st.executeQuery("SELECT * FROM no_such_table_in_transaction");
                    throw new AssertionError("no error raised");
                } catch (SQLException e) {
                    expect("42P01".equals(e.getSQLState()), "first error's SQLState " + e.getSQLState());
                }
                try {
                    st.executeQuery("SELECT 1");
                    throw new AssertionError("statement ran in an aborted transaction");
                } catch (SQLException e) {
                    expect("25P02".equals(e.getSQLState()), "aborted-transaction SQLState " + e.getSQLState());
                }
                conn().rollback();
                try (ResultSet rs = st.executeQuery("SELECT 41 + 1")) {
                    expect(rs.next() && rs.getInt(1) == 42, "after rollback");
                }
                return "42P01 then 25P02, then usable after rollback";
            } finally {
                endTransaction();
            }
        });

        check("cleanup", () -> {
            try (Statement st = conn().createStatement()) {
                st.execute("DROP TABLE IF EXISTS " + bigTable);
                st.execute("DROP TABLE IF EXISTS " + table);
            }
            return "dropped";
        });

        conn().close();
        System.out.println("DONE failures=" + failures);
    }
}
