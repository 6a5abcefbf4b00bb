package org.openccm.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.openccm.OpenCcmApplication;
import org.openccm.batch.CycleDefinitions;
import org.openccm.generation.Product;
import org.openccm.generation.ProductCatalog;
import org.openccm.session.Directory;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * Batch generation throughput on PostgreSQL: a print job over N customer rows, spooled by one
 * server instance (this JVM) or by two (this JVM and a second process), for one-page and
 * five-page letters. Reports letters per second and per hour until every record is generated,
 * the time including the merged print volumes, and this JVM's peak heap.
 *
 * <p>Run with bench/batch.sh; PostgreSQL on 127.0.0.1:5432 (trust auth, database test).
 */
public final class BatchBenchmark {
    private static final String URL = System.getProperty("bench.postgres.url", "jdbc:postgresql://127.0.0.1:5432/test");

    private BatchBenchmark() {}

    record Run(String letter, int instances, int records, double generateSeconds, double totalSeconds, long peakHeap) {}

    public static void main(String[] args) throws Exception {
        int records = Integer.getInteger("bench.records", 20_000);
        int workers = Integer.getInteger("bench.workers", 4);
        List<Run> runs = new ArrayList<>();
        for (String plan :
                System.getProperty("bench.plan", "1p:1,1p:2,5p:1,5p:2").split(",")) {
            String letter = plan.substring(0, plan.indexOf(':'));
            int instances = Integer.parseInt(plan.substring(plan.indexOf(':') + 1));
            int count = letter.equals("5p") ? Math.max(1, records / 5) : records;
            runs.add(run(letter, instances, count, workers));
            System.gc();
        }
        System.out.printf(
                "%n%-7s %9s %8s %12s %14s %15s %12s%n",
                "letter", "instances", "records", "letters/s", "letters/hour", "with merge s", "peak heap MB");
        for (Run run : runs) {
            double perSecond = run.records() / run.generateSeconds();
            System.out.printf(
                    Locale.ROOT,
                    "%-7s %9d %8d %12.1f %14.0f %15.1f %12.1f%n",
                    run.letter(),
                    run.instances(),
                    run.records(),
                    perSecond,
                    perSecond * 3600,
                    run.totalSeconds(),
                    run.peakHeap() / 1024.0 / 1024.0);
        }
    }

    private static Run run(String letter, int instances, int records, int workers) throws Exception {
        String schema = "bench_" + System.nanoTime();
        try (Connection connection = DriverManager.getConnection(URL, "postgres", "");
                Statement statement = connection.createStatement()) {
            statement.execute("create schema " + schema);
        }
        Path dataDir = Files.createTempDirectory("openccm-batch-bench");
        String url = URL + "?currentSchema=" + schema;
        List<String> common = List.of(
                "--oms.storage.data-dir=" + dataDir,
                "--spring.datasource.url=" + url,
                "--spring.datasource.username=postgres",
                "--spring.datasource.password=",
                "--oms.batch.poll-interval=100ms",
                "--oms.batch.max-workers=" + workers,
                "--oms.batch.print-volume-size=" + Integer.getInteger("bench.volume", 1000),
                "--logging.level.root=WARN");
        List<String> here = new ArrayList<>(common);
        here.add("--server.port=0");
        here.add("--oms.bootstrap.username=bench");
        String password = "bench-" + System.nanoTime();
        here.add("--oms.bootstrap.password=" + password);
        ConfigurableApplicationContext context =
                SpringApplication.run(OpenCcmApplication.class, here.toArray(String[]::new));
        Process second = null;
        try {
            JdbcClient jdbc = context.getBean(JdbcClient.class);
            jdbc.sql("create table bench_customer (customer_no varchar(20) primary key, name varchar(64),"
                            + " city varchar(32), balance numeric(12,2))")
                    .update();
            jdbc.sql("insert into bench_customer select 'C' || lpad(g::text, 7, '0'), 'Customer ' || g,"
                            + " case when g % 2 = 0 then 'Lyon' else 'Pune' end, g * 1.5 from generate_series(1, ?) g")
                    .param(records)
                    .update();
            registerDataSource(context, password, schema);
            Directory.Cabinet cabinet = context.getBean(Directory.class)
                    .findCabinet("omsCabinetName")
                    .orElseThrow();
            ProductCatalog catalog = context.getBean(ProductCatalog.class);
            Product product = catalog.create(
                    cabinet.id(),
                    "BENCH_" + letter,
                    "LETTER",
                    Product.DataKind.XML,
                    false,
                    null,
                    null,
                    null,
                    null,
                    null);
            catalog.baseline(
                    product,
                    catalog.addVersion(product, template(letter), null, null).version());
            jdbc.sql("update oms_service set desired_count = ? where work_kind = 'BATCH'")
                    .param(workers)
                    .update();
            if (instances > 1) {
                List<String> command = new ArrayList<>(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx1g",
                        "-cp",
                        System.getProperty("java.class.path"),
                        OpenCcmApplication.class.getName(),
                        "--server.port=0",
                        "--spring.flyway.enabled=false"));
                command.addAll(common);
                second = new ProcessBuilder(command).inheritIO().start();
                Thread.sleep(15_000);
            }
            String spec = "{\"name\":\"bench\",\"jobs\":[{\"name\":\"letters\",\"type\":\"P\",\"productName\":\"BENCH_"
                    + letter
                    + "\",\"dataSource\":\"BENCHDB\",\"dataQuery\":\"select * from bench_customer order by customer_no\","
                    + "\"filePath\":\"bench\",\"skipApproval\":true}]}";
            long owner =
                    jdbc.sql("select min(id) from oms_user").query(Long.class).single();
            CycleDefinitions definitions = context.getBean(CycleDefinitions.class);
            long cycleId = definitions.define(
                    cabinet.id(), owner, JsonMapper.builder().build().readTree(spec));
            long jobId = jdbc.sql("select id from batch_job where cycle_id = ?")
                    .param(cycleId)
                    .query(Long.class)
                    .single();
            long instanceId = definitions.addInstance(
                    cabinet.id(), cycleId, jobId, java.time.LocalDateTime.of(2026, 12, 31, 0, 0), null);
            HeapMeter.reset();
            long started = System.nanoTime();
            jdbc.sql("insert into batch_spool (instance_id, cabinet_id, state, created_at, updated_at)"
                            + " values (?, ?, 'ENUMERATING', now(), now())")
                    .params(instanceId, cabinet.id())
                    .update();
            double generated = 0;
            while (true) {
                String state = jdbc.sql("select state from batch_spool where instance_id = ?")
                        .param(instanceId)
                        .query(String.class)
                        .single();
                long done = jdbc.sql("select count(*) from batch_record r join batch_spool s on s.id = r.spool_id"
                                + " where s.instance_id = ? and r.state <> 'PENDING'")
                        .param(instanceId)
                        .query(Long.class)
                        .single();
                if (generated == 0 && done == records) {
                    generated = (System.nanoTime() - started) / 1e9;
                }
                if (state.equals("RELEASED") || state.equals("FAILED")) {
                    if (state.equals("FAILED")) {
                        throw new IllegalStateException("The benchmark spool failed");
                    }
                    break;
                }
                Thread.sleep(100);
            }
            double total = (System.nanoTime() - started) / 1e9;
            long failed = jdbc.sql("select count(*) from batch_record where state = 'FAILED'")
                    .query(Long.class)
                    .single();
            if (failed > 0) {
                throw new IllegalStateException(failed + " records failed");
            }
            return new Run(letter, instances, records, generated, total, HeapMeter.peak());
        } finally {
            if (second != null) {
                second.destroy();
                second.waitFor();
            }
            context.close();
            try (Connection connection = DriverManager.getConnection(URL, "postgres", "");
                    Statement statement = connection.createStatement()) {
                statement.execute("drop schema " + schema + " cascade");
            }
        }
    }

    /** The benchmark's table is read through a cabinet data source, as a customer's database would be. */
    private static void registerDataSource(ConfigurableApplicationContext context, String password, String schema)
            throws Exception {
        int port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        String login = "{\"userName\":\"bench\",\"userPassword\":\"" + password + "\",\"connectForcefully\":\"Y\"}";
        java.net.http.HttpResponse<String> connected = http.send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                                "http://127.0.0.1:" + port + "/OMSSessionManagement/connectCabinet"))
                        .header("cabinetName", "omsCabinetName")
                        .header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(login))
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        String session = JsonMapper.builder()
                .build()
                .readTree(connected.body())
                .get("sessionId")
                .asString();
        String source = "{\"name\":\"BENCHDB\",\"url\":\"" + URL + "?currentSchema=" + schema
                + "\",\"username\":\"postgres\",\"password\":\"trust\",\"poolSize\":4}";
        java.net.http.HttpResponse<String> created = http.send(
                java.net.http.HttpRequest.newBuilder(
                                java.net.URI.create("http://127.0.0.1:" + port + "/admin/datasources"))
                        .header("cabinetName", "omsCabinetName")
                        .header("sessionId", session)
                        .header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(source))
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("Data source not created: " + created.body());
        }
    }

    /** A one-page letter, or a five-page statement (a long table that repeats its header). */
    private static String template(String letter) {
        StringBuilder rows = new StringBuilder();
        int lines = letter.equals("5p") ? 180 : 0;
        for (int i = 1; i <= lines; i++) {
            rows.append("<tr><td>2026-01-")
                    .append(1 + i % 28)
                    .append("</td><td>Movement ")
                    .append(i)
                    .append("</td><td style=\"text-align:right\">")
                    .append(i * 3)
                    .append(".50</td></tr>");
        }
        return "<html><head><style>body{font-family:'Noto Sans';font-size:11pt} td{padding:2pt 6pt}</style></head><body>"
                + "<p>${data.Record.name}<br/>${data.Record.city}</p><h1>Your statement</h1>"
                + "<p>Dear ${data.Record.name}, your balance on customer number ${data.Record.customer_no} is"
                + " ${data.Record.balance} EUR.</p><p>Thank you for banking with us.</p>"
                + (lines == 0
                        ? ""
                        : "<table><thead><tr><th>Date</th><th>Text</th><th>Amount</th></tr></thead><tbody>" + rows
                                + "</tbody></table>")
                + "</body></html>";
    }
}
