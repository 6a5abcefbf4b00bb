package org.openccm.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openccm.session.Role;
import org.openccm.support.ApiTestBase;
import org.openccm.support.DeliveryFixtures;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Queued archival and mail (flags Y): workers, leases taken over after a crash, backoff, final failure. */
class QueuedDeliveryTest extends ApiTestBase {

    @RegisterExtension
    static GreenMailExtension smtp = new GreenMailExtension(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));

    @Autowired
    JdbcClient jdbc;

    private String channel(String supervisor, int port) {
        return DeliveryFixtures.smtpChannel(this, supervisor, port);
    }

    private String product(String supervisor) {
        return DeliveryFixtures.mailedLetter(this, supervisor, "Your letter");
    }

    private long queue(String session, String product, String channel, int number) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("productName", product);
        body.put("doArchive", "Y");
        body.put("skipApproval", "Y");
        body.put("skipEditing", "Y");
        body.put("sendMail", "Y");
        body.put("channelName", channel);
        body.put(
                "xmlData",
                "<Letter><name>Reader " + number + "</name><email>reader" + number + "@example.com</email></Letter>");
        Answer answer = post("/OMSCommunicationService/processUsingXML", auth(session), json(body));
        assertThat(answer.body().get("status").asInt()).as(answer.raw()).isZero();
        assertThat(answer.body().get("synchronousDelivery").get("mailStatus").asString())
                .isEmpty();
        return Long.parseLong(answer.text("requestId"));
    }

    private String state(long requestId, String kind) {
        return jdbc.sql("select state from work_item where request_id = ? and kind = ?")
                .params(requestId, kind)
                .query(String.class)
                .single();
    }

    private int receivedFor(long requestId) {
        int count = 0;
        for (var message : smtp.getReceivedMessages()) {
            try {
                if (message.getMessageID().equals("<" + requestId + ".mail@openccm>")) {
                    count++;
                }
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        }
        return count;
    }

    @Test
    void queuedItemsAreArchivedAndMailedExactlyOnce() {
        String supervisor = connect("oms", "11sp1");
        String channel = channel(supervisor, smtp.getSmtp().getPort());
        String product = product(supervisor);
        String operator = sessionOfNewUser(Role.OPERATOR);
        long[] requests = new long[10];
        for (int i = 0; i < requests.length; i++) {
            requests[i] = queue(operator, product, channel, i);
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> {
            for (long request : requests) {
                if (!"DONE".equals(state(request, "MAIL")) || !"DONE".equals(state(request, "ARCHIVE"))) {
                    return false;
                }
            }
            return true;
        });

        for (long request : requests) {
            assertThat(receivedFor(request)).as("mails for request " + request).isEqualTo(1);
            assertThat(jdbc.sql("select count(*) from archived_document where request_id = ?")
                            .param(request)
                            .query(Long.class)
                            .single())
                    .isEqualTo(1);
        }
    }

    @Test
    void itemsOfAWorkerThatDiedAreTakenOverAndNotRepeated() {
        String supervisor = connect("oms", "11sp1");
        String channel = channel(supervisor, smtp.getSmtp().getPort());
        String product = product(supervisor);
        String operator = sessionOfNewUser(Role.OPERATOR);
        long untouched = queue(operator, product, channel, 100);
        long alreadySent = queue(operator, product, channel, 101);
        Timestamp expired = Timestamp.from(Instant.now().minusSeconds(5));
        Timestamp later = Timestamp.from(Instant.now().plusSeconds(3600));
        // A worker claimed both and died: one before sending, one after it had sent and recorded the mail.
        jdbc.sql("update work_item set state = 'RUNNING', attempts = 1, lease_until = ?, next_attempt_at = ?"
                        + " where request_id in (?, ?)")
                .params(expired, later, untouched, alreadySent)
                .update();
        jdbc.sql("update omsJobQueueItems set mail_status = 'DELIVERED' where request_id = ?")
                .param(alreadySent)
                .update();

        await().atMost(Duration.ofSeconds(30))
                .until(() -> "DONE".equals(state(untouched, "MAIL")) && "DONE".equals(state(alreadySent, "MAIL")));

        assertThat(receivedFor(untouched)).isEqualTo(1);
        assertThat(receivedFor(alreadySent)).isZero();
    }

    @Test
    void aServerThatStaysDownEndsInFailedWithTheReasonAndRetryThenDelivers() {
        String supervisor = connect("oms", "11sp1");
        String down = channel(supervisor, 1);
        String up = channel(supervisor, smtp.getSmtp().getPort());
        String product = product(supervisor);
        String operator = sessionOfNewUser(Role.OPERATOR);
        long request = queue(operator, product, down, 200);

        await().atMost(Duration.ofSeconds(30)).until(() -> "FAILED".equals(state(request, "MAIL")));

        Map<String, Object> item = jdbc.sql(
                        "select attempts, last_error from work_item where request_id = ? and kind = 'MAIL'")
                .param(request)
                .query()
                .singleRow();
        assertThat(((Number) item.get("attempts")).intValue()).isEqualTo(3);
        assertThat(item.get("last_error").toString()).contains("mail server");
        Answer retried = post(
                "/OMSCommunicationService/retry",
                auth(operator),
                json(Map.of("requestId", Long.toString(request), "channelName", up)));
        assertThat(retried.status()).isEqualTo("0");
        assertThat(receivedFor(request)).isEqualTo(1);
        Answer status = get("/admin/requests?requestId=" + request, auth(operator));
        assertThat(status.body().get(0).get("mailStatus").asString()).isEqualTo("DELIVERED");
        assertThat(status.body().get(0).get("archiveStatus").asString()).isEqualTo("ARCHIVED");
        assertThat(get("/admin/requests?status=FAILED&productName=" + product, auth(operator))
                        .body()
                        .size())
                .isZero();
        assertThat(get("/admin/requests?status=bogus", auth(operator)).httpStatus())
                .isEqualTo(400);
    }
}
