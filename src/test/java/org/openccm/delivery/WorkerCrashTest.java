package org.openccm.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
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
import org.openccm.support.ServerProcesses;
import org.openccm.support.TestDatabase;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A worker process is killed (SIGKILL) in the middle of a batch of queued mails and a second
 * worker process takes over its leased items: every mail arrives, and only mails in flight at the
 * moment of the kill may arrive twice (with the same Message-ID). Runs on PostgreSQL, which
 * several processes share (the suite's PostgreSQL pass, -Dtest.db=postgres).
 */
class WorkerCrashTest extends ApiTestBase {
    private static final GreenMail SMTP = ServerProcesses.startSmtp();
    private static ServerProcesses instances;

    @Autowired
    JdbcClient jdbc;

    @DynamicPropertySource
    static void noWorkersHere(DynamicPropertyRegistry registry) {
        registry.add("oms.queue.enabled", () -> "false");
    }

    @AfterAll
    static void stopEverything() {
        if (instances != null) {
            instances.close();
        }
        SMTP.stop();
    }

    /** A second server process that works the queue, on the same database and data folder. */
    private Process startWorker() throws IOException {
        if (instances == null) {
            instances = new ServerProcesses(
                    jdbc.sql("select current_schema()").query(String.class).single(), DATA_DIR);
        }
        return instances.start(
                "384m",
                List.of(
                        "--server.port=0",
                        "--oms.queue.poll-interval=100ms",
                        "--oms.queue.lease=3s",
                        "--oms.queue.first-retry-delay=500ms",
                        "--logging.level.org.openccm=INFO"));
    }

    private static int distinctDelivered(Map<String, Integer> perMessageId) throws MessagingException {
        perMessageId.clear();
        for (MimeMessage message : SMTP.getReceivedMessages()) {
            perMessageId.merge(message.getMessageID(), 1, Integer::sum);
        }
        return perMessageId.size();
    }

    private String logs() throws IOException {
        return instances == null ? "" : instances.logTails(15);
    }

    @Test
    void aKilledWorkerLosesNothingAndRepeatsAtMostWhatWasInFlight() throws Exception {
        Assumptions.assumeTrue(TestDatabase.isPostgres(), "needs a database that several processes share");
        String supervisor = connect("oms", "11sp1");
        post(
                "/admin/channels",
                auth(supervisor),
                json(Map.of(
                        "name", "CRASH",
                        "type", "MAIL",
                        "settings",
                                Map.of(
                                        "transport",
                                        "SMTP",
                                        "host",
                                        "127.0.0.1",
                                        "port",
                                        Integer.toString(SMTP.getSmtp().getPort()),
                                        "security",
                                        "NONE",
                                        "fallbackRecipient",
                                        "reader@example.com"))));
        String operator = sessionOfNewUser(Role.OPERATOR);
        int mails = 60;
        for (int i = 0; i < mails; i++) {
            Map<String, String> body = new LinkedHashMap<>();
            body.put("productName", "PDF_MAIL");
            body.put("doArchive", "N");
            body.put("skipApproval", "Y");
            body.put("skipEditing", "Y");
            body.put("sendMail", "Y");
            body.put("channelName", "CRASH");
            body.put("fileName", "crash");
            body.put("xmlData", "<Root><Message1>Item " + i + "</Message1></Root>");
            Answer answer = post("/OMSCommunicationService/processUsingXML", auth(operator), json(body));
            assertThat(answer.body().get("status").asInt()).as(answer.raw()).isZero();
        }
        Map<String, Integer> perMessageId = new HashMap<>();

        Process first = startWorker();
        await().atMost(Duration.ofSeconds(60)).until(() -> distinctDelivered(perMessageId) >= 10 || !first.isAlive());
        assertThat(first.isAlive()).as(logs()).isTrue();
        first.destroyForcibly().waitFor();
        int beforeTakeOver = distinctDelivered(perMessageId);
        startWorker();
        await().atMost(Duration.ofSeconds(90))
                .until(() -> jdbc.sql("select count(*) from work_item where kind = 'MAIL' and state <> 'DONE'")
                                .query(Long.class)
                                .single()
                        == 0);

        assertThat(beforeTakeOver).isLessThan(mails);
        assertThat(distinctDelivered(perMessageId)).as(logs()).isEqualTo(mails);
        long repeated =
                perMessageId.values().stream().filter(count -> count > 1).count();
        assertThat(repeated).as("mails repeated after the kill").isLessThanOrEqualTo(4);
        assertThat(perMessageId.values()).allMatch(count -> count <= 2);
    }
}
