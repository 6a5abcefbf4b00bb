package org.openccm.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.openccm.session.Role;
import org.openccm.support.ApiTestBase;
import org.openccm.support.DeliveryFixtures;
import org.openccm.support.ServerProcesses;
import org.openccm.support.TestDatabase;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A mail batch of 10,000 records read from PostgreSQL, spooled, approved and mailed to a real
 * SMTP server by two server processes that share the database; one of them is killed (SIGKILL)
 * in the middle of the spool and a third takes over. Nothing is lost and no record is generated
 * twice; only mails in flight at the kill could repeat. The batch service is also stopped and
 * started through one instance while the others work, and every instance follows. Runs in the
 * suite's PostgreSQL pass (-Dtest.db=postgres).
 */
class BatchCrashTest extends ApiTestBase {
    private static final int RECORDS = 10_000;
    private static final GreenMail SMTP = ServerProcesses.startSmtp();
    private static ServerProcesses instances;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Autowired
    JdbcClient jdbc;

    @DynamicPropertySource
    static void noWorkHere(DynamicPropertyRegistry registry) {
        registry.add("oms.queue.enabled", () -> "false");
        registry.add("oms.batch.enabled", () -> "false");
    }

    @AfterAll
    static void stopEverything() {
        if (instances != null) {
            instances.close();
        }
        SMTP.stop();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Another server instance on the same database and data folder, on its own port. */
    private Process startInstance(int port) throws IOException {
        if (instances == null) {
            instances = new ServerProcesses(
                    jdbc.sql("select current_schema()").query(String.class).single(), DATA_DIR);
        }
        return instances.start(
                "512m",
                List.of(
                        "--server.port=" + port,
                        "--oms.queue.poll-interval=100ms",
                        "--oms.queue.lease=5s",
                        "--oms.queue.first-retry-delay=500ms",
                        "--oms.batch.poll-interval=200ms",
                        "--oms.batch.lease=5s",
                        "--oms.batch.chunk-size=50",
                        "--logging.level.org.openccm=WARN"));
    }

    private JsonNode fetchServicesOn(int port, String session) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/OMSServiceManager/fetchServiceDetails"))
                .header("Content-Type", "application/json")
                .header("cabinetName", CABINET)
                .header("sessionId", session)
                .POST(HttpRequest.BodyPublishers.ofString("{\"ServiceType\":\"Generation Service\"}"))
                .build();
        String body = HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
        return JSON.readTree(body).get("ServiceList").get(0);
    }

    private boolean answers(int port) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/admin/cycles"))
                    .timeout(Duration.ofSeconds(2))
                    .build();
            HTTP.send(request, HttpResponse.BodyHandlers.discarding());
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private long count(String sql, Object... params) {
        return jdbc.sql(sql).params(params).query(Long.class).single();
    }

    private String logs() throws IOException {
        return instances == null ? "" : instances.logTails(20);
    }

    @Test
    void tenThousandLettersSurviveAKilledInstanceAndAreMailedOnceEach() throws Exception {
        Assumptions.assumeTrue(TestDatabase.isPostgres(), "needs a database that several processes share");
        jdbc.sql("create table batch_customer (customer_no varchar(20) primary key, name varchar(64),"
                        + " email varchar(128), city varchar(32))")
                .update();
        jdbc.sql("insert into batch_customer select 'C' || lpad(g::text, 6, '0'), 'Customer ' || g,"
                        + " 'customer' || g || '@example.com', case when g % 2 = 0 then 'Lyon' else 'Pune' end"
                        + " from generate_series(1, ?) g")
                .param(RECORDS)
                .update();
        jdbc.sql("update oms_service set desired_count = 2 where work_kind = 'BATCH'")
                .update();
        String supervisor = connect("oms", "11sp1");
        Map<String, Object> product = new LinkedHashMap<>();
        product.put("name", "BATCH_LETTER");
        product.put("reportType", "LETTER");
        product.put("dataKind", "XML");
        product.put("recipientPath", "Record.email");
        product.put("mailSubject", "Your annual statement");
        post("/admin/products", auth(supervisor), json(product));
        post(
                "/admin/products/BATCH_LETTER/versions",
                auth(supervisor),
                json(Map.of(
                        "template",
                        "<html><body><h1>Annual statement</h1><p>Dear ${data.Record.name},</p>"
                                + "<p>Your customer number is ${data.Record.customer_no}.</p></body></html>")));
        post("/admin/products/BATCH_LETTER/versions/1/baseline", auth(supervisor), null);
        String channel =
                DeliveryFixtures.smtpChannel(this, supervisor, SMTP.getSmtp().getPort());
        String schema = jdbc.sql("select current_schema()").query(String.class).single();
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("name", "CUSTOMERS");
        source.put("url", "jdbc:postgresql://127.0.0.1:5432/test?currentSchema=" + schema);
        source.put("username", System.getProperty("test.postgres.user", "postgres"));
        source.put("password", "unused-with-trust");
        Answer registered = post("/admin/datasources", auth(supervisor), json(source));
        assertThat(registered.httpStatus()).as(registered.raw()).isEqualTo(201);
        Map<String, Object> job = new LinkedHashMap<>();
        job.put("name", "statements");
        job.put("dataSource", "CUSTOMERS");
        job.put("type", "M");
        job.put("productName", "BATCH_LETTER");
        job.put("channelName", channel);
        job.put("dataQuery", "select customer_no, name, email, city from batch_customer order by customer_no");
        job.put("filePath", "batch/statements");
        Answer cycle = post("/admin/cycles", auth(supervisor), json(Map.of("name", "yearly", "jobs", List.of(job))));
        assertThat(cycle.httpStatus()).as(cycle.raw()).isEqualTo(201);
        Answer started = post(
                "/admin/cycles/yearly/jobs/statements/instances",
                auth(supervisor),
                json(Map.of("instanceDate", "2026-12-31 00:00:00")));
        long spoolId = Long.parseLong(started.text("jobSpoolId"));
        String checker = sessionOfNewUser(Role.OPERATOR);
        Map<String, Object> approval = new LinkedHashMap<>();
        approval.put("communicationId", "7001");
        approval.put("cycleName", "yearly");
        approval.put("jobName", "statements");
        approval.put("jobType", "M");
        approval.put("instanceId", "2026-12-31 00:00:00.000");
        approval.put("filterCondition", "");
        Answer approved = post("/OMSJobAutoApproval/approveJob", auth(checker), json(approval));
        assertThat(approved.status()).as(approved.raw()).isEqualTo("0");
        assertThat(approved.text("jobSpoolId")).isEqualTo(Long.toString(spoolId));

        int portA = freePort();
        int portB = freePort();
        Process first = startInstance(portA);
        startInstance(portB);
        await().atMost(Duration.ofSeconds(120)).until(() -> answers(portA) && answers(portB));
        String generated = "select count(*) from batch_record where spool_id = ? and state = 'GENERATED'";
        await().atMost(Duration.ofSeconds(180)).until(() -> count(generated, spoolId) >= 1_500 || !first.isAlive());
        assertThat(first.isAlive()).as(logs()).isTrue();

        Answer stopped = post(
                "/OMSServiceManager/stopService",
                auth(supervisor),
                "{\"ServiceIds\":[{\"id\":\"167\"}],\"ServiceCount\":1}");
        assertThat(stopped.body().get("MainCode").asInt()).isZero();
        assertThat(fetchServicesOn(portB, supervisor).get("ApplicationStatus").asString())
                .isEqualTo("Stopped");
        Thread.sleep(3_000);
        long whileStopped = count(generated, spoolId);
        Thread.sleep(2_000);
        assertThat(count(generated, spoolId))
                .as("no instance generates while Batchgen is stopped")
                .isEqualTo(whileStopped);
        post(
                "/OMSServiceManager/startService",
                auth(supervisor),
                "{\"ServiceIds\":[{\"id\":\"167\"}],\"ServiceCount\":2}");
        JsonNode onA = fetchServicesOn(portA, supervisor);
        assertThat(onA.get("ApplicationStatus").asString()).isEqualTo("Running");
        assertThat(onA.get("ServiceCount").asInt()).isEqualTo(2);

        await().atMost(Duration.ofSeconds(60)).until(() -> count(generated, spoolId) >= whileStopped + 500);
        first.destroyForcibly().waitFor();
        long atKill = count(generated, spoolId);
        assertThat(atKill).isLessThan(RECORDS);
        startInstance(freePort());

        await().atMost(Duration.ofSeconds(600))
                .pollInterval(Duration.ofSeconds(2))
                .until(() -> count(
                                "select count(*) from work_item w join omsJobQueueItems q on q.request_id = w.request_id"
                                        + " where q.spool_id = ? and w.kind = 'MAIL' and w.state = 'DONE'",
                                spoolId)
                        == RECORDS);

        assertThat(count("select count(*) from omsJobQueueItems where spool_id = ?", spoolId))
                .as("one ledger row per record, none generated twice")
                .isEqualTo(RECORDS);
        assertThat(count("select count(distinct record_seq) from omsJobQueueItems where spool_id = ?", spoolId))
                .isEqualTo(RECORDS);
        assertThat(count("select count(distinct worked_by) from batch_chunk where spool_id = ?", spoolId))
                .as("chunks generated by more than one instance")
                .isGreaterThanOrEqualTo(2);
        Map<String, Integer> perMessageId = new HashMap<>();
        for (MimeMessage message : SMTP.getReceivedMessages()) {
            perMessageId.merge(message.getMessageID(), 1, Integer::sum);
        }
        assertThat(perMessageId).as(logs()).hasSize(RECORDS);
        long repeated =
                perMessageId.values().stream().filter(times -> times > 1).count();
        assertThat(repeated).as("mails repeated after the kill").isLessThanOrEqualTo(20);
    }
}
