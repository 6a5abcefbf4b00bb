package org.openccm.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openccm.session.Role;
import org.openccm.support.ApiTestBase;
import org.openccm.support.DeliveryFixtures;

/** Retry (single mode) of a mail that failed because its server was down, against a real SMTP server. */
class RetryApiTest extends ApiTestBase {
    private static final String RETRY = "/OMSCommunicationService/retry";

    @RegisterExtension
    static GreenMailExtension smtp = new GreenMailExtension(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));

    private String channel(String supervisor, int port) {
        return DeliveryFixtures.smtpChannel(this, supervisor, port);
    }

    private String product(String supervisor) {
        return DeliveryFixtures.mailedLetter(this, supervisor, "Your letter");
    }

    private String failedMailRequest(String session, String product, String downChannel) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("productName", product);
        body.put("doArchive", "N");
        body.put("skipApproval", "Y");
        body.put("skipEditing", "Y");
        body.put("sendMail", "S");
        body.put("channelName", downChannel);
        body.put("xmlData", "<Letter><name>Ada</name><email>ada@example.com</email></Letter>");
        Answer answer = post("/OMSCommunicationService/processUsingXML", auth(session), json(body));
        assertThat(answer.body().get("synchronousDelivery").get("mailStatus").asString())
                .isEqualTo("Failed");
        return answer.text("requestId");
    }

    private Answer retry(String session, String requestId, String channelName) {
        return post(RETRY, auth(session), json(Map.of("requestId", requestId, "channelName", channelName)));
    }

    @Test
    void failedMailIsDeliveredOnceByRetry() {
        String supervisor = connect("oms", "11sp1");
        String down = channel(supervisor, 1);
        String up = channel(supervisor, smtp.getSmtp().getPort());
        String operator = sessionOfNewUser(Role.OPERATOR);
        String requestId = failedMailRequest(operator, product(supervisor), down);

        Answer stillDown = retry(operator, requestId, "");
        Answer recovered = retry(operator, requestId, up);
        Answer again = retry(operator, requestId, up);

        assertThat(stillDown.status()).isEqualTo("5001");
        assertThat(stillDown.text("description")).isEqualTo("Communication : Failed , Archival : Not required");
        assertThat(recovered.body().get("status").isString()).isTrue();
        assertThat(recovered.status()).isEqualTo("0");
        assertThat(recovered.text("description")).isEqualTo("Communication : Success , Archival : Not required");
        assertThat(again.status()).isEqualTo("5006");
        assertThat(smtp.getReceivedMessages()).hasSize(1);
    }

    @Test
    void retryCodesForMissingDataChannelsAndInput() {
        String supervisor = connect("oms", "11sp1");
        String operator = sessionOfNewUser(Role.OPERATOR);
        String requestId = failedMailRequest(operator, product(supervisor), channel(supervisor, 1));

        assertThat(retry(operator, "999999999", "").status()).isEqualTo("5006");
        assertThat(retry(operator, requestId, "CON11").status()).isEqualTo("5005");
        assertThat(retry(operator, requestId, "NO_SUCH").status()).isEqualTo("5005");
        assertThat(retry(operator, "12ab", "").status()).isEqualTo("541");
        assertThat(retry(operator, "", "").status()).isEqualTo("541");
        assertThat(post(RETRY, Map.of("cabinetName", CABINET), "{}").status()).isEqualTo("-50146");
        assertThat(post(RETRY, Map.of(), "{}").status()).isEqualTo("-1011");
    }

    @Test
    void parallelRetriesDeliverOnce() throws Exception {
        String supervisor = connect("oms", "11sp1");
        String down = channel(supervisor, 1);
        String up = channel(supervisor, smtp.getSmtp().getPort());
        String operator = sessionOfNewUser(Role.OPERATOR);
        String requestId = failedMailRequest(operator, product(supervisor), down);
        java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(8);
        java.util.List<java.util.concurrent.Future<Answer>> answers = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            answers.add(clients.submit(() -> retry(operator, requestId, up)));
        }
        int successes = 0;
        for (java.util.concurrent.Future<Answer> answer : answers) {
            if (answer.get().status().equals("0")) {
                successes++;
            }
        }
        clients.shutdown();

        assertThat(successes).isEqualTo(1);
        assertThat(smtp.getReceivedMessages()).hasSize(1);
    }
}
