package org.openccm.servicemanager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openccm.session.Role;
import org.openccm.support.ApiTestBase;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

class ServiceManagerApiTest extends ApiTestBase {
    private static final String BASE = "/OMSServiceManager/";

    @Autowired
    JdbcClient jdbc;

    private JsonNode service(String session, String id) {
        JsonNode list = post(BASE + "fetchServiceDetails", auth(session), "{\"ServiceType\": \"\"}")
                .body()
                .get("ServiceList");
        for (JsonNode entry : list) {
            if (entry.get("ServiceId").asString().equals(id)) {
                return entry;
            }
        }
        throw new AssertionError("no service " + id);
    }

    @Test
    void guideSamplesStartListRescaleAndStop() {
        String supervisor = connect("oms", "11sp1");

        Answer fetched =
                post(BASE + "fetchServiceDetails", auth(supervisor), "{\"ServiceType\": \"Generation Service\"}");
        assertThat(fetched.body().get("MainCode").asInt()).isZero();
        assertThat(fetched.text("Error")).isEqualTo("false");
        assertThat(fetched.text("TotalCount")).isEqualTo("1");
        JsonNode batchgen = fetched.body().get("ServiceList").get(0);
        assertThat(batchgen.get("ServiceId").asString()).isEqualTo("167");
        assertThat(batchgen.get("ServiceName").asString()).isEqualTo("Batchgen");
        assertThat(batchgen.get("ApplicationStatus").asString()).isEqualTo("Running");
        assertThat(batchgen.get("ServiceCount").asInt()).isEqualTo(2);
        assertThat(batchgen.get("ContainerHostName").asString()).isNotEmpty();

        Answer started =
                post(BASE + "startService", auth(supervisor), "{\"ServiceIds\":[{\"id\":\"167\"}],\"ServiceCount\":1}");
        assertThat(started.body().get("MainCode").asInt()).isZero();
        assertThat(started.text("Error")).isEqualTo("false");
        assertThat(started.body().get("FailedServiceID").size()).isZero();
        assertThat(service(supervisor, "167").get("ApplicationStatus").asString())
                .isEqualTo("Running");

        Answer rescaled = post(
                BASE + "UpdateServiceCount",
                auth(supervisor),
                "{\"ServiceIds\":[{\"id\":\"167\",\"ServiceCount\":5}]}");
        assertThat(rescaled.body().get("MainCode").asInt()).isZero();
        assertThat(service(supervisor, "167").get("ServiceCount").asInt()).isEqualTo(5);

        Answer stopped =
                post(BASE + "stopService", auth(supervisor), "{\"ServiceIds\":[{\"id\":\"167\"}],\"ServiceCount\":1}");
        assertThat(stopped.body().get("MainCode").asInt()).isZero();
        Answer notRunning = post(
                BASE + "UpdateServiceCount",
                auth(supervisor),
                "{\"ServiceIds\":[{\"id\":\"167\",\"ServiceCount\":2}]}");
        assertThat(notRunning.body().get("MainCode").asInt()).isEqualTo(400);
        assertThat(notRunning.text("Error")).isEqualTo("true");
        assertThat(notRunning.text("Descr")).isEqualTo("The failed service is currently not running.");
        assertThat(notRunning.body().get("FailedServiceID").get(0).asString()).isEqualTo("167");

        // The batch tests share this database and need Batchgen running.
        post(BASE + "startService", auth(supervisor), "{\"ServiceIds\":[{\"id\":\"167\"}],\"ServiceCount\":2}");
    }

    @Test
    void stoppingTheMailServiceHoldsQueuedMailUntilItStartsAgain() {
        String supervisor = connect("oms", "11sp1");
        String operator = sessionOfNewUser(Role.OPERATOR);
        post(BASE + "stopService", auth(supervisor), "{\"ServiceIds\":[{\"id\":\"34\"}]}");
        try {
            Map<String, String> body = new LinkedHashMap<>();
            body.put("productName", "PDF_MAIL");
            body.put("doArchive", "N");
            body.put("skipApproval", "Y");
            body.put("skipEditing", "Y");
            body.put("sendMail", "Y");
            body.put("channelName", "mailChannelName");
            body.put("xmlData", "<Root><Message1>held</Message1></Root>");
            long requestId = Long.parseLong(post("/OMSCommunicationService/processUsingXML", auth(operator), json(body))
                    .text("requestId"));
            long processedBefore = Long.parseLong(
                    service(supervisor, "34").get("ProcessedRecordCount").asString());

            await().during(Duration.ofMillis(1500))
                    .atMost(Duration.ofSeconds(3))
                    .until(() -> "PENDING".equals(state(requestId)));

            post(BASE + "startService", auth(supervisor), "{\"ServiceIds\":[{\"id\":\"34\"}],\"ServiceCount\":2}");
            await().atMost(Duration.ofSeconds(20)).until(() -> "DONE".equals(state(requestId)));
            assertThat(Long.parseLong(service(supervisor, "34")
                            .get("ProcessedRecordCount")
                            .asString()))
                    .isGreaterThan(processedBefore);
        } finally {
            post(BASE + "startService", auth(supervisor), "{\"ServiceIds\":[{\"id\":\"34\"}],\"ServiceCount\":1}");
        }
    }

    private String state(long requestId) {
        return jdbc.sql("select state from work_item where request_id = ? and kind = 'MAIL'")
                .param(requestId)
                .query(String.class)
                .single();
    }

    @Test
    void badRequestsHaveTheirCodes() {
        String supervisor = connect("oms", "11sp1");
        Map<String, Integer> cases = new LinkedHashMap<>();
        cases.put("not json", 105);
        cases.put("{\"ServiceIds\": \"34\"}", 105);
        cases.put("{}", 105);
        cases.put("{\"ServiceIds\": []}", 541);
        cases.put("{\"ServiceIds\": [{\"id\": \"abc\"}]}", 541);
        cases.put("{\"ServiceIds\": [{\"id\": \"34\"}], \"ServiceCount\": 100}", 541);
        cases.forEach((body, code) -> {
            Answer answer = post(BASE + "startService", auth(supervisor), body);
            assertThat(answer.body().get("MainCode").asInt()).as(body).isEqualTo(code);
            assertThat(answer.text("Error")).as(body).isEqualTo("true");
        });
        Answer unknown = post(BASE + "startService", auth(supervisor), "{\"ServiceIds\":[{\"id\":\"999\"}]}");
        assertThat(unknown.body().get("MainCode").asInt()).isEqualTo(400);
        assertThat(unknown.body().get("FailedServiceID").get(0).asString()).isEqualTo("999");
        Answer otherCabinet = post(
                BASE + "UpdateServiceCount",
                auth(supervisor),
                "{\"cabinetName\":\"elsewhere\",\"ServiceIds\":[{\"id\":\"34\",\"ServiceCount\":1}]}");
        assertThat(otherCabinet.body().get("MainCode").asInt()).isEqualTo(541);

        assertThat(post(BASE + "fetchServiceDetails", Map.of(), "{}")
                        .body()
                        .get("MainCode")
                        .asInt())
                .isEqualTo(-1011);
        assertThat(post(BASE + "fetchServiceDetails", Map.of("cabinetName", CABINET), "{}")
                        .body()
                        .get("MainCode")
                        .asInt())
                .isEqualTo(-50146);
        String operator = sessionOfNewUser(Role.OPERATOR);
        Answer refused = post(BASE + "stopService", auth(operator), "{\"ServiceIds\":[{\"id\":\"34\"}]}");
        assertThat(refused.body().get("MainCode").asInt()).isEqualTo(400);
        assertThat(refused.text("Descr")).contains("supervisors");
        assertThat(List.of(post(BASE + "fetchServiceDetails", auth(operator), "{}")
                        .body()
                        .get("MainCode")
                        .asInt()))
                .containsExactly(0);
    }
}
