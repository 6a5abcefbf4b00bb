package org.openccm.datasource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.h2.tools.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openccm.session.Role;
import org.openccm.shared.security.SecretBox;
import org.openccm.support.ApiTestBase;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Per-cabinet data sources through the admin API and processUsingDB, against the real PostgreSQL
 * and MariaDB servers on 127.0.0.1 (skipped when one is down) and the embedded default.
 */
@ExtendWith(OutputCaptureExtension.class)
class DataSourceApiTest extends ApiTestBase {
    private static final String DB = "/OMSCommunicationService/processUsingDB";
    private static final String TEMPLATE =
            "<html><body><p>Dear ${data.Record.full_name}, key ${data.Record.customer_key}</p></body></html>";

    @Autowired
    DataSources dataSources;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    SecretBox secrets;

    private Answer createDataSource(String session, String name, String url, String username, String password) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("url", url);
        body.put("username", username);
        body.put("password", password);
        body.put("poolSize", 2);
        return post("/admin/datasources", auth(session), json(body));
    }

    /** A DB product on the data source, with one baselined version. */
    private void createProduct(String session, String product, String dataSource, String table) {
        Answer created = post(
                "/admin/products",
                auth(session),
                json(Map.of(
                        "name",
                        product,
                        "reportType",
                        "LETTER",
                        "dataKind",
                        "DB",
                        "dataSource",
                        dataSource,
                        "dataQuery",
                        "select customer_key, full_name from " + table + " where customer_key = :masterKey")));
        assertThat(created.httpStatus()).as(created.raw()).isEqualTo(201);
        assertThat(created.text("dataSource")).isEqualTo(dataSource);
        post("/admin/products/" + product + "/versions", auth(session), json(Map.of("template", TEMPLATE)));
        Answer baselined = post("/admin/products/" + product + "/versions/1/baseline", auth(session), null);
        assertThat(baselined.httpStatus()).as(baselined.raw()).isEqualTo(200);
    }

    private Answer generate(String session, String product, String masterKey) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("productName", product);
        body.put("masterKey", masterKey);
        body.put("doArchive", "N");
        body.put("skipApproval", "Y");
        body.put("skipEditing", "Y");
        body.put("sendMail", "N");
        return post(DB, auth(session), json(body));
    }

    @Test
    void processUsingDbReadsThroughAPostgresDataSource(CapturedOutput output) throws SQLException {
        assumeTrue(ExternalDatabases.postgresReachable(), "PostgreSQL on 127.0.0.1:5432 is not reachable");
        String table = ExternalDatabases.uniqueTable();
        try (Connection connection = ExternalDatabases.postgres()) {
            ExternalDatabases.execute(
                    connection,
                    "create table " + table + " (customer_key varchar(50) primary key, full_name varchar(100))",
                    "insert into " + table + " values ('C-1', 'Ottoline Brandywine'), ('C-2', 'Second Person')");
            String session = connect("oms", "11sp1");
            String password = "Pg-Pass-" + table;
            Answer created = createDataSource(
                    session, "pg_" + table, ExternalDatabases.POSTGRES_URL, ExternalDatabases.POSTGRES_USER, password);
            assertThat(created.httpStatus()).as(created.raw()).isEqualTo(201);
            createProduct(session, "PG_" + table, "pg_" + table, table);

            Answer answer = generate(session, "PG_" + table, "C-1");

            assertThat(answer.body().get("status").asInt()).as(answer.raw()).isZero();
            assertThat(extract(answer.text("filePathName")).text()).contains("Ottoline Brandywine");
            assertInjectionFinds(session, "PG_" + table);
            assertThat(countRows(connection, table)).isEqualTo(2);
            assertThat(output.getAll()).doesNotContain(password);
        } finally {
            dropTable(ExternalDatabases::postgres, table);
        }
    }

    @Test
    void processUsingDbReadsThroughAMariaDbDataSource(CapturedOutput output) throws SQLException {
        assumeTrue(ExternalDatabases.mariadbReachable(), "MariaDB on 127.0.0.1:3306 is not reachable");
        String table = ExternalDatabases.uniqueTable();
        try (Connection connection = ExternalDatabases.mariadb()) {
            ExternalDatabases.execute(
                    connection,
                    "create table " + table + " (customer_key varchar(50) primary key, full_name varchar(100))",
                    "insert into " + table + " values ('C-1', 'Marigold Featherstone'), ('C-2', 'Second Person')");
            String session = connect("oms", "11sp1");
            String password = "Maria-Pass-" + table;
            Answer created = createDataSource(
                    session, "my_" + table, ExternalDatabases.MARIADB_URL, ExternalDatabases.MARIADB_USER, "");
            assertThat(created.httpStatus()).as(created.raw()).isEqualTo(201);
            createProduct(session, "MY_" + table, "my_" + table, table);

            Answer answer = generate(session, "MY_" + table, "C-1");

            assertThat(answer.body().get("status").asInt()).as(answer.raw()).isZero();
            assertThat(extract(answer.text("filePathName")).text()).contains("Marigold Featherstone");
            assertInjectionFinds(session, "MY_" + table);
            assertThat(countRows(connection, table)).isEqualTo(2);
            // A wrong password is refused by MariaDB: the answer says the query failed, and neither
            // the answer nor the log shows the password.
            Answer replaced = put(
                    "/admin/datasources/my_" + table,
                    auth(session),
                    json(Map.of("url", ExternalDatabases.MARIADB_URL, "username", "root", "password", password)));
            assertThat(replaced.httpStatus()).as(replaced.raw()).isEqualTo(200);
            Answer refused = generate(session, "MY_" + table, "C-1");
            assertThat(refused.body().get("status").asInt()).as(refused.raw()).isEqualTo(1029);
            assertThat(refused.raw()).doesNotContain(password);
            assertThat(output.getAll()).doesNotContain(password);
        } finally {
            dropTable(ExternalDatabases::mariadb, table);
        }
    }

    /** masterKey is bound, never spliced: SQL in it finds nothing and changes nothing. */
    private void assertInjectionFinds(String session, String product) {
        for (String hostile : List.of(
                "C-1' or '1'='1",
                "x' or 1=1 --",
                "' union select 'C-1', 'Injected' --",
                "C-1'; drop table x; --",
                "C-1\\' or 1=1 #")) {
            Answer answer = generate(session, product, hostile);
            assertThat(answer.body().get("status").asInt()).as(answer.raw()).isEqualTo(1029);
            assertThat(answer.text("description")).contains("No record found");
        }
    }

    @Test
    void processUsingDbReadsThroughAnH2Server(CapturedOutput output) throws Exception {
        Path baseDir = Files.createTempDirectory("openccm-h2-server");
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Server server = Server.createTcpServer(
                        "-tcpPort", Integer.toString(port), "-ifNotExists", "-baseDir", baseDir.toString())
                .start();
        try {
            String url = "jdbc:h2:tcp://127.0.0.1:" + port + "/records;MODE=PostgreSQL";
            String password = "H2-Server-Pass-" + port;
            try (Connection connection = DriverManager.getConnection(url, "owner", password)) {
                ExternalDatabases.execute(
                        connection,
                        "create table customer (customer_key varchar(50) primary key, full_name varchar(100))",
                        "insert into customer values ('C-1', 'Hyacinth Quartermaine')");
            }
            String session = connect("oms", "11sp1");
            Answer created = createDataSource(session, "h2server", url, "owner", password);
            assertThat(created.httpStatus()).as(created.raw()).isEqualTo(201);
            createProduct(session, "H2_SERVER", "h2server", "customer");

            Answer answer = generate(session, "H2_SERVER", "C-1");

            assertThat(answer.body().get("status").asInt()).as(answer.raw()).isZero();
            assertThat(extract(answer.text("filePathName")).text()).contains("Hyacinth Quartermaine");
            assertInjectionFinds(session, "H2_SERVER");
            assertThat(output.getAll()).doesNotContain(password);
        } finally {
            server.stop();
        }
    }

    @Test
    void streamsFiftyThousandPostgresRowsWithBoundedMemory() throws SQLException {
        assumeTrue(ExternalDatabases.postgresReachable(), "PostgreSQL on 127.0.0.1:5432 is not reachable");
        String table = ExternalDatabases.uniqueTable();
        try (Connection connection = ExternalDatabases.postgres()) {
            ExternalDatabases.execute(
                    connection,
                    "create table " + table + " (customer_key varchar(50), full_name varchar(100), filler text)",
                    "insert into " + table + " select 'k' || g, 'Name ' || g, repeat('x', 2000)"
                            + " from generate_series(1, 50000) g");
            assertStreamsWithBoundedMemory("pg_stream_" + table, ExternalDatabases.POSTGRES_URL, "postgres", table);
        } finally {
            dropTable(ExternalDatabases::postgres, table);
        }
    }

    @Test
    void streamsFiftyThousandMariaDbRowsWithBoundedMemory() throws SQLException {
        assumeTrue(ExternalDatabases.mariadbReachable(), "MariaDB on 127.0.0.1:3306 is not reachable");
        String table = ExternalDatabases.uniqueTable();
        try (Connection connection = ExternalDatabases.mariadb()) {
            ExternalDatabases.execute(
                    connection,
                    "create table " + table + " (customer_key varchar(50), full_name varchar(100), filler text)",
                    "insert into " + table + " select concat('k', seq), concat('Name ', seq), repeat('x', 2000)"
                            + " from seq_1_to_50000");
            assertStreamsWithBoundedMemory("my_stream_" + table, ExternalDatabases.MARIADB_URL, "root", table);
        } finally {
            dropTable(ExternalDatabases::mariadb, table);
        }
    }

    /**
     * 50,000 rows of about 2 kB are 100 MB: if the driver held them all, the live heap would grow
     * by that much. Measured after a full collection every 10,000 rows, it must stay far below.
     */
    private void assertStreamsWithBoundedMemory(String name, String url, String user, String table) {
        String session = connect("oms", "11sp1");
        Answer created = createDataSource(session, name, url, user, "");
        assertThat(created.httpStatus()).as(created.raw()).isEqualTo(201);
        long cabinetId = directory.findCabinet(CABINET).orElseThrow().id();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long baseline = memory.getHeapMemoryUsage().getUsed();
        AtomicLong peak = new AtomicLong();
        AtomicLong fillerChars = new AtomicLong();

        long count = dataSources.stream(
                cabinetId,
                name,
                "select customer_key, full_name, filler from " + table + " where full_name like :prefix",
                Map.of("prefix", "Name %"),
                500,
                row -> {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> record = (Map<String, Object>) row.get("Record");
                    fillerChars.addAndGet(((String) record.get("filler")).length());
                    if (fillerChars.get() % (10_000L * 2000) == 0) {
                        System.gc();
                        peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed() - baseline, Math::max);
                    }
                });

        assertThat(count).isEqualTo(50_000);
        assertThat(fillerChars.get()).isEqualTo(50_000L * 2000);
        assertThat(peak.get()).as("live heap growth while streaming").isLessThan(40L * 1024 * 1024);
    }

    @Test
    void streamsFromTheEmbeddedDefaultWhenNoDataSourceIsNamed() {
        long cabinetId = directory.findCabinet(CABINET).orElseThrow().id();
        List<Object> names = new java.util.ArrayList<>();

        long count = dataSources.stream(
                cabinetId,
                null,
                "select * from sample_customer where customer_no = :key",
                Map.of("key", "1"),
                10,
                row -> names.add(((Map<?, ?>) row.get("Record")).get("customer_no")));

        assertThat(count).isEqualTo(1);
        assertThat(names).containsExactly("1");
    }

    @Test
    void hostileJdbcUrlsAreRefusedWithAReason() {
        String session = connect("oms", "11sp1");
        Map<String, String> hostile = new LinkedHashMap<>();
        hostile.put("jdbc:h2:mem:x;INIT=RUNSCRIPT", "embedded H2");
        hostile.put("jdbc:h2:tcp://127.0.0.1/test;INIT=RUNSCRIPT FROM 'x.sql'", "spaces");
        hostile.put("jdbc:h2:tcp://127.0.0.1/test;INIT=CREATE_ALIAS", "'INIT' is refused");
        hostile.put("jdbc:h2:file:/etc/passwd", "embedded H2");
        hostile.put("jdbc:h2:./data/db/openccm", "embedded H2");
        hostile.put("jdbc:h2:tcp://127.0.0.1/../../etc/x", "'..'");
        hostile.put("jdbc:h2:tcp://127.0.0.1/x;TRACE_LEVEL_FILE=3", "writes a trace file");
        hostile.put(
                "jdbc:postgresql://127.0.0.1/test?socketFactory=org.springframework.context.support"
                        + ".ClassPathXmlApplicationContext&socketFactoryArg=http://127.0.0.1/x.xml",
                "'socketFactory' is refused");
        hostile.put("jdbc:postgresql://127.0.0.1/test?sslfactory=x.Y", "load a class");
        hostile.put("jdbc:postgresql://127.0.0.1/test?loggerFile=/tmp/x.jsp&loggerLevel=DEBUG", "log file");
        hostile.put("jdbc:postgresql://127.0.0.1/test?options=-c%20default_transaction_read_only=off", "read-only");
        hostile.put("jdbc:postgresql://127.0.0.1/test?password=x", "'password' field");
        hostile.put("jdbc:postgresql://127.0.0.1/test?authenticationPluginClassName=x.Y", "load a class");
        hostile.put("jdbc:mariadb://127.0.0.1/test?allowLocalInfile=true", "read files");
        hostile.put("jdbc:mariadb://127.0.0.1/test?autoDeserialize=true", "deserialize");
        hostile.put("jdbc:mariadb://127.0.0.1/test?allowMultiQueries=true", "several statements");
        hostile.put("jdbc:mariadb://127.0.0.1/test?AllowLocalInfile=true", "refused");
        hostile.put("jdbc:mariadb://127.0.0.1/test?initSql=delete%20from%20t", "runs statements");
        hostile.put("jdbc:mariadb://address=(host=127.0.0.1)(port=3306)/test", "plain host");
        hostile.put("jdbc:mariadb:replication://127.0.0.1/test", "plain host");
        hostile.put("jdbc:mysql://127.0.0.1/test?autoDeserialize=true", "other drivers are refused");
        hostile.put("jdbc:sqlite:/etc/passwd", "other drivers are refused");
        hostile.put("jdbc:postgresql://127.0.0.1/test?currentSchema=a\nb", "printable");
        hostile.put("jdbc:postgresql://127.0.0.1/test?unknownSetting=1", "not allowed");

        hostile.forEach((url, reason) -> {
            Answer answer = createDataSource(session, "hostile", url, "u", "p");

            assertThat(answer.httpStatus()).as(url).isEqualTo(400);
            assertThat(answer.body().get("code").asInt()).as(url).isEqualTo(541);
            assertThat(answer.text("description")).as(url).contains(reason);
        });
        assertThat(get("/admin/datasources/hostile", auth(session)).httpStatus())
                .isEqualTo(404);
    }

    @Test
    void passwordIsSealedAndNeverReturned(CapturedOutput output) {
        String session = connect("oms", "11sp1");
        String password = "Never-Shown-Secret-77";

        Answer created = createDataSource(
                session, "sealed_ds", "jdbc:postgresql://127.0.0.1:5432/test?connectTimeout=3", "reader", password);
        Answer listed = get("/admin/datasources", auth(session));
        Answer shown = get("/admin/datasources/sealed_ds", auth(session));
        String stored = jdbc.sql("select password_sealed from data_source where name = 'sealed_ds'")
                .query(String.class)
                .single();

        assertThat(created.httpStatus()).as(created.raw()).isEqualTo(201);
        assertThat(shown.text("password")).isEqualTo("****");
        assertThat(shown.text("username")).isEqualTo("reader");
        for (Answer answer : List.of(created, listed, shown)) {
            assertThat(answer.raw()).doesNotContain(password);
        }
        assertThat(stored).startsWith("enc:").doesNotContain(password);
        assertThat(secrets.decrypt(stored)).isEqualTo(password);
        assertThat(output.getAll()).doesNotContain(password);
    }

    @Test
    void aKeptPasswordNeedsTheSameUrl() {
        String session = connect("oms", "11sp1");
        createDataSource(session, "kept_ds", "jdbc:postgresql://127.0.0.1:5432/test", "reader", "Kept-Secret");
        String before = jdbc.sql("select password_sealed from data_source where name = 'kept_ds'")
                .query(String.class)
                .single();

        Answer sameUrl = put(
                "/admin/datasources/kept_ds",
                auth(session),
                json(Map.of(
                        "url",
                        "jdbc:postgresql://127.0.0.1:5432/test",
                        "username",
                        "reader",
                        "password",
                        "****",
                        "poolSize",
                        "3")));
        Answer otherUrl = put(
                "/admin/datasources/kept_ds",
                auth(session),
                json(Map.of("url", "jdbc:postgresql://127.0.0.2:5432/test", "username", "reader", "password", "****")));

        assertThat(sameUrl.httpStatus()).as(sameUrl.raw()).isEqualTo(200);
        assertThat(sameUrl.body().get("poolSize").asInt()).isEqualTo(3);
        assertThat(jdbc.sql("select password_sealed from data_source where name = 'kept_ds'")
                        .query(String.class)
                        .single())
                .isEqualTo(before);
        assertThat(otherUrl.httpStatus()).isEqualTo(400);
        assertThat(otherUrl.text("description")).contains("must be sent again");
    }

    @Test
    void aPoolIsRebuiltAfterAChangeAndGoneAfterADelete() throws SQLException {
        assumeTrue(ExternalDatabases.postgresReachable(), "PostgreSQL on 127.0.0.1:5432 is not reachable");
        String table = ExternalDatabases.uniqueTable();
        try (Connection connection = ExternalDatabases.postgres()) {
            ExternalDatabases.execute(
                    connection,
                    "create table " + table + " (customer_key varchar(50) primary key, full_name varchar(100))",
                    "insert into " + table + " values ('C-1', 'Rebuilt Pool')");
            String session = connect("oms", "11sp1");
            String name = "re_" + table;
            createDataSource(session, name, ExternalDatabases.POSTGRES_URL, "postgres", "");
            createProduct(session, "RE_" + table, name, table);
            assertThat(generate(session, "RE_" + table, "C-1")
                            .body()
                            .get("status")
                            .asInt())
                    .isZero();

            put(
                    "/admin/datasources/" + name,
                    auth(session),
                    json(Map.of("url", "jdbc:postgresql://127.0.0.1:1/test", "username", "postgres")));
            Answer unreachable = generate(session, "RE_" + table, "C-1");
            put(
                    "/admin/datasources/" + name,
                    auth(session),
                    json(Map.of("url", ExternalDatabases.POSTGRES_URL, "username", "postgres")));
            Answer back = generate(session, "RE_" + table, "C-1");
            Answer deleteInUse = delete("/admin/datasources/" + name, auth(session));

            assertThat(unreachable.body().get("status").asInt())
                    .as(unreachable.raw())
                    .isEqualTo(1029);
            assertThat(unreachable.text("description")).contains("could not be reached");
            assertThat(back.body().get("status").asInt()).as(back.raw()).isZero();
            assertThat(deleteInUse.httpStatus()).isEqualTo(400);
            assertThat(deleteInUse.text("description")).contains("RE_" + table);
        } finally {
            dropTable(ExternalDatabases::postgres, table);
        }
    }

    @Test
    void aDataSourceNobodyUsesIsDeleted() {
        String session = connect("oms", "11sp1");
        createDataSource(session, "gone_ds", "jdbc:mariadb://127.0.0.1:3306/test", "root", "");

        Answer deleted = delete("/admin/datasources/gone_ds", auth(session));
        Answer again = delete("/admin/datasources/gone_ds", auth(session));

        assertThat(deleted.httpStatus()).isEqualTo(204);
        assertThat(again.httpStatus()).isEqualTo(404);
        assertThat(dataSources.exists(
                        directory.findCabinet(CABINET).orElseThrow().id(), "gone_ds"))
                .isFalse();
    }

    @Test
    void productsNameOnlyExistingDataSourcesAndOperatorsCannotManageThem() {
        String session = connect("oms", "11sp1");
        String operator = sessionOfNewUser(Role.OPERATOR);

        Answer unknown = post(
                "/admin/products",
                auth(session),
                json(Map.of(
                        "name",
                        "NO_DS",
                        "reportType",
                        "LETTER",
                        "dataKind",
                        "DB",
                        "dataSource",
                        "missing",
                        "dataQuery",
                        "select 1 from sample_customer where customer_no = :masterKey")));
        Answer byOperator = get("/admin/datasources", auth(operator));

        assertThat(unknown.httpStatus()).isEqualTo(400);
        assertThat(unknown.text("description")).contains("No data source named 'missing'");
        assertThat(byOperator.httpStatus()).isEqualTo(403);
    }

    private static long countRows(Connection connection, String table) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("select count(*) from " + table)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private interface ConnectionOpener {
        Connection open() throws SQLException;
    }

    private static void dropTable(ConnectionOpener opener, String table) throws SQLException {
        try (Connection connection = opener.open()) {
            ExternalDatabases.execute(connection, "drop table if exists " + table);
        }
    }
}
