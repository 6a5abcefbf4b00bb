package org.openccm.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.ServerSocket;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openccm.session.Role;
import org.openccm.support.DeliveryFixtures;
import tools.jackson.databind.JsonNode;

/** Batch jobs that deliver: mail to a real SMTP server, retries, the timetable and the service switch. */
class BatchDeliveryTest extends BatchTestBase {
    @RegisterExtension
    static GreenMailExtension smtp = new GreenMailExtension(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private String mailCycle(String supervisor, String channel, String product) {
        String name = "mailcycle" + System.nanoTime();
        Map<String, Object> job = new LinkedHashMap<>();
        job.put("name", "mailjob");
        job.put("type", "M");
        job.put("productName", product);
        job.put("channelName", channel);
        job.put("filePath", "batch/" + name);
        job.put("dataFile", "");
        Answer created = post("/admin/cycles", auth(supervisor), json(Map.of("name", name, "jobs", List.of(job))));
        assertThat(created.httpStatus()).as(created.raw()).isEqualTo(201);
        return name;
    }

    @Test
    void mailJobFromAnUploadedFileFailsWhileSmtpIsDownAndAsyncJobRetryDeliversEachMailOnce() throws Exception {
        String supervisor = connect("oms", "11sp1");
        String product = DeliveryFixtures.mailedLetter(this, supervisor, "Your statement");
        String channel = DeliveryFixtures.smtpChannel(this, supervisor, closedPort());
        String cycle = mailCycle(supervisor, channel, product);
        List<Map<String, Object>> records = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            records.add(Map.of("Letter", Map.of("name", "Reader " + i, "email", "reader" + i + "@example.com")));
        }
        Answer uploaded = put("/admin/cycles/" + cycle + "/jobs/mailjob/data", auth(supervisor), json(records));
        assertThat(uploaded.httpStatus()).as(uploaded.raw()).isEqualTo(200);
        assertThat(uploaded.body().get("records").asInt()).isEqualTo(12);
        for (String bad : List.of("hello world", "{\"Letter\":{}}", "[1,2,3]", "[{\"Letter\":{}}", "", "42")) {
            Answer refused = put("/admin/cycles/" + cycle + "/jobs/mailjob/data", auth(supervisor), bad);
            assertThat(refused.httpStatus()).as(bad + " -> " + refused.raw()).isEqualTo(400);
            assertThat(refused.text("description")).contains("keeps its previous data");
        }

        String maker = sessionOfNewUser(Role.OPERATOR);
        Answer started = post(
                "/admin/cycles/" + cycle + "/jobs/mailjob/instances",
                auth(maker),
                json(Map.of("instanceDate", "2026-03-01 00:00:00")));
        String spoolId = started.text("jobSpoolId");
        JsonNode waiting = awaitSpool(maker, spoolId, "AWAITING_APPROVAL");
        assertThat(waiting.get("generated").asInt()).isEqualTo(12);
        assertThat(smtp.getReceivedMessages()).isEmpty();

        String checker = sessionOfNewUser(Role.OPERATOR);
        Answer approved = post("/admin/spools/" + spoolId + "/approve", auth(checker), null);
        assertThat(approved.httpStatus()).as(approved.raw()).isEqualTo(200);
        awaitSpool(checker, spoolId, "RELEASED");
        await().atMost(Duration.ofSeconds(60))
                .until(() -> jdbc.sql("select count(*) from work_item w join omsJobQueueItems q"
                                        + " on q.request_id = w.request_id where q.spool_id = ? and w.state = 'FAILED'")
                                .param(Long.parseLong(spoolId))
                                .query(Long.class)
                                .single()
                        == 12);

        Map<String, Object> fixed = new LinkedHashMap<>();
        fixed.put("transport", "SMTP");
        fixed.put("host", "127.0.0.1");
        fixed.put("port", Integer.toString(smtp.getSmtp().getPort()));
        fixed.put("security", "NONE");
        assertThat(put("/admin/channels/" + channel, auth(supervisor), json(Map.of("settings", fixed)))
                        .httpStatus())
                .isEqualTo(200);
        Answer retried = post(
                "/OMSCommunicationService/asyncJobRetry",
                auth(checker),
                json(Map.of("ScheduleName", cycle, "InstanceDate", "2026-03-01", "JobName", "mailjob")));
        assertThat(retried.status()).as(retried.raw()).isEqualTo("0");
        assertThat(retried.body().get("retriedCount").asInt()).isEqualTo(12);

        await().atMost(Duration.ofSeconds(60)).until(() -> smtp.getReceivedMessages().length >= 12);
        sleep(1_000);
        Set<String> recipients = new HashSet<>();
        for (MimeMessage message : smtp.getReceivedMessages()) {
            recipients.add(message.getAllRecipients()[0].toString());
            assertThat(message.getSubject()).isEqualTo("Your statement");
        }
        assertThat(smtp.getReceivedMessages()).hasSize(12);
        assertThat(recipients).hasSize(12).contains("reader1@example.com", "reader12@example.com");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> get("/admin/spools/" + spoolId, auth(checker))
                                .body()
                                .get("deliveries")
                                .path("DONE")
                                .asInt()
                        == 12);
    }

    @Test
    void theTimetableFiresADueCycleOnceAndMovesItsNextRunOn() {
        String supervisor = connect("oms", "11sp1");
        String name = "timed" + System.nanoTime();
        Map<String, Object> job = sampleCustomerJob("letters", name);
        job.put("skipApproval", true);
        Answer created = post(
                "/admin/cycles",
                auth(supervisor),
                json(Map.of("name", name, "cron", "30 2 * * *", "jobs", List.of(job))));
        assertThat(created.httpStatus()).as(created.raw()).isEqualTo(201);
        Instant due = Instant.parse("2026-06-01T02:30:00Z");
        jdbc.sql("update batch_cycle set next_run_at = ? where name = ?")
                .params(Timestamp.from(due), name)
                .update();

        await().atMost(Duration.ofSeconds(30))
                .until(() -> get("/admin/cycles/" + name, auth(supervisor))
                                .body()
                                .get("jobs")
                                .get(0)
                                .get("instances")
                                .size()
                        == 1);
        JsonNode cycle = get("/admin/cycles/" + name, auth(supervisor)).body();
        java.time.ZonedDateTime latest = java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC)
                .withHour(2)
                .withMinute(30)
                .withSecond(0)
                .withNano(0);
        if (latest.isAfter(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC))) {
            latest = latest.minusDays(1);
        }
        assertThat(cycle.get("jobs").get(0).get("instances").get(0).asString())
                .as("the latest missed time fires, once")
                .isEqualTo(java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss")
                        .format(latest));
        assertThat(Instant.parse(cycle.get("nextRunAt").asString())).isAfter(Instant.now());
        long spoolId = jdbc.sql(
                        "select s.id from batch_spool s join batch_instance i on i.id = s.instance_id"
                                + " join batch_job j on j.id = i.job_id join batch_cycle c on c.id = j.cycle_id where c.name = ?")
                .param(name)
                .query(Long.class)
                .single();
        JsonNode spool = awaitSpool(supervisor, Long.toString(spoolId), "RELEASED");
        assertThat(spool.get("generated").asInt()).isEqualTo(3);
    }

    @Test
    void aStoppedBatchServiceHoldsSpoolsUntilItStartsAgain() {
        String supervisor = connect("oms", "11sp1");
        String name = "held" + System.nanoTime();
        Map<String, Object> job = sampleCustomerJob("letters", name);
        job.put("skipApproval", true);
        post("/admin/cycles", auth(supervisor), json(Map.of("name", name, "jobs", List.of(job))));
        Answer stopped = post(
                "/OMSServiceManager/stopService",
                auth(supervisor),
                "{\"ServiceIds\":[{\"id\":\"167\"}],\"ServiceCount\":1}");
        assertThat(stopped.body().get("MainCode").asInt()).isZero();
        try {
            Answer started = post(
                    "/admin/cycles/" + name + "/jobs/letters/instances",
                    auth(supervisor),
                    json(Map.of("instanceDate", "2026-04-01 00:00:00")));
            String spoolId = started.text("jobSpoolId");
            sleep(2_000);
            assertThat(get("/admin/spools/" + spoolId, auth(supervisor))
                            .body()
                            .get("state")
                            .asString())
                    .isEqualTo("ENUMERATING");

            post(
                    "/OMSServiceManager/startService",
                    auth(supervisor),
                    "{\"ServiceIds\":[{\"id\":\"167\"}],\"ServiceCount\":2}");
            assertThat(awaitSpool(supervisor, spoolId, "RELEASED")
                            .get("generated")
                            .asInt())
                    .isEqualTo(3);
        } finally {
            post(
                    "/OMSServiceManager/startService",
                    auth(supervisor),
                    "{\"ServiceIds\":[{\"id\":\"167\"}],\"ServiceCount\":2}");
        }
    }
}
