package org.openccm.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openccm.session.Role;
import org.springframework.core.io.ClassPathResource;
import tools.jackson.databind.JsonNode;

class BatchApiTest extends BatchTestBase {
    private static final String APPROVE = "/OMSJobAutoApproval/approveJob";
    private static final String ASYNC_RETRY = "/OMSCommunicationService/asyncJobRetry";

    private static String sample(String name) {
        try {
            return new ClassPathResource("guide-samples/" + name).getContentAsString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void guideApproveJobSampleSpoolsPrintsOneMergedFileAndRefusesTheSameCommunicationIdTwice() {
        String operator = sessionOfNewUser(Role.OPERATOR);

        Answer approved = post(APPROVE, auth(operator), sample("approve-job.json"));

        assertThat(approved.status()).as(approved.raw()).isEqualTo("0");
        assertThat(approved.text("description")).isEqualTo("Success");
        assertThat(approved.text("communicationId")).isEqualTo("20");
        String spoolId = approved.text("jobSpoolId");
        assertThat(spoolId).matches("[1-9][0-9]*");

        JsonNode spool = awaitSpool(operator, spoolId, "RELEASED");
        assertThat(spool.get("total").asInt()).isEqualTo(3);
        assertThat(spool.get("generated").asInt()).isEqualTo(3);
        assertThat(spool.get("failed").asInt()).isZero();
        assertThat(spool.get("approved").asBoolean()).isTrue();
        JsonNode printFiles = spool.get("printFiles");
        assertThat(printFiles.size()).isEqualTo(1);
        PdfText merged = extract(printFiles.get(0).asString());
        assertThat(merged.text()).contains("Jensen", "Okafor", "Raman");
        assertThat(merged.text().indexOf("Jensen")).isLessThan(merged.text().indexOf("Okafor"));
        assertThat(merged.pages()).isGreaterThanOrEqualTo(3);
        assertThat(jdbc.sql("select count(*) from omsJobQueueItems where spool_id = ?")
                        .param(Long.parseLong(spoolId))
                        .query(Long.class)
                        .single())
                .isEqualTo(3);

        Answer again = post(APPROVE, auth(operator), sample("approve-job.json"));
        assertThat(again.status()).isEqualTo("400");
        assertThat(again.text("description")).startsWith("Duplicate Communication Id");
    }

    private Map<String, Object> approveBody(String cycle, String job, String type, String instance, String filter) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("communicationId", "");
        body.put("cycleName", cycle);
        body.put("jobName", job);
        body.put("jobType", type);
        body.put("instanceId", instance);
        body.put("filterCondition", filter);
        return body;
    }

    @Test
    void approveJobAnswersTheContractCodesForUnknownCyclesInstancesAndBadFields() {
        String operator = sessionOfNewUser(Role.OPERATOR);

        Answer noCycle = post(
                APPROVE,
                auth(operator),
                json(approveBody("nosuchcycle", "letbatchjob", "P", "2024-10-02 00:00:00", "")));
        assertThat(noCycle.status()).isEqualTo("804");
        assertThat(noCycle.text("description")).startsWith("Cycle Name provided does not exists.");

        Answer noInstance = post(
                APPROVE,
                auth(operator),
                json(approveBody("schedule10july", "letbatchjob", "P", "2023-01-01 00:00:00", "")));
        assertThat(noInstance.status()).isEqualTo("804");
        assertThat(noInstance.text("description"))
                .startsWith("InstanceId provided corresponding to cycle name does not exists.");

        for (Map<String, Object> bad : List.of(
                approveBody("schedule10july", "letbatchjob", "X", "2024-10-02 00:00:00", ""),
                approveBody("schedule10july", "letbatchjob", "M", "2024-10-02 00:00:00", ""),
                approveBody("schedule10july", "letbatchjob", "P", "2024-13-02 00:00:00", ""),
                approveBody("schedule10july", "letbatchjob", "P", "02/10/2024", ""),
                approveBody("schedule10july", "nosuchjob", "P", "2024-10-02 00:00:00", ""),
                approveBody("", "letbatchjob", "P", "2024-10-02 00:00:00", ""))) {
            Answer answer = post(APPROVE, auth(operator), json(bad));
            assertThat(answer.status()).as(bad.toString()).isEqualTo("541");
        }

        Map<String, String> noSession = new LinkedHashMap<>(auth(operator));
        noSession.put("sessionId", "not-a-session");
        assertThat(post(APPROVE, noSession, sample("approve-job.json")).status())
                .isEqualTo("-50146");

        String viewer = sessionOfNewUser(Role.VIEWER);
        Answer refused = post(APPROVE, auth(viewer), json(approveBody("sc1", "pjob", "P", "2024-09-10 00:00:00", "")));
        assertThat(refused.status()).isEqualTo("541");
        assertThat(refused.text("description")).contains("role");
    }

    /** A fresh cycle over the sample customers, so tests do not share instances. */
    private String newCycle(String supervisor, String type, Map<String, Object> jobExtras) {
        String name = "cycle" + System.nanoTime();
        Map<String, Object> job = sampleCustomerJob("job1", name);
        job.put("type", type);
        job.putAll(jobExtras);
        Answer created = post(
                "/admin/cycles",
                auth(supervisor),
                json(Map.of("name", name, "cron", "0 0 2 * * *", "jobs", List.of(job))));
        assertThat(created.httpStatus()).as(created.raw()).isEqualTo(201);
        return name;
    }

    @Test
    void makerMayNotApproveTheirOwnInstanceAndAnotherUserMay() {
        String supervisor = connect("oms", "11sp1");
        String cycle = newCycle(supervisor, "P", Map.of());
        String maker = sessionOfNewUser(Role.OPERATOR);
        String checker = sessionOfNewUser(Role.OPERATOR);

        Answer started = post(
                "/admin/cycles/" + cycle + "/jobs/job1/instances",
                auth(maker),
                json(Map.of("instanceDate", "2026-01-05 00:00:00")));
        assertThat(started.httpStatus()).as(started.raw()).isEqualTo(201);
        String spoolId = started.text("jobSpoolId");
        awaitSpool(maker, spoolId, "AWAITING_APPROVAL");

        Answer own = post(APPROVE, auth(maker), json(approveBody(cycle, "job1", "P", "2026-01-05 00:00:00", "")));
        assertThat(own.status()).isEqualTo("541");
        assertThat(own.text("description")).contains("maker");
        Answer ownAdmin = post("/admin/spools/" + spoolId + "/approve", auth(maker), null);
        assertThat(ownAdmin.httpStatus()).isEqualTo(400);

        Answer other = post(APPROVE, auth(checker), json(approveBody(cycle, "job1", "P", "2026-01-05 00:00:00", "")));
        assertThat(other.status()).as(other.raw()).isEqualTo("0");
        assertThat(other.text("jobSpoolId")).isEqualTo(spoolId);
        awaitSpool(checker, spoolId, "RELEASED");

        JsonNode trail =
                get("/admin/audit?action=SPOOL_APPROVED", auth(supervisor)).body();
        boolean recorded = false;
        for (JsonNode entry : trail) {
            recorded |= ("jobSpoolId " + spoolId).equals(entry.get("target").asString());
        }
        assertThat(recorded).as(trail.toString()).isTrue();
        JsonNode started2 = get("/admin/audit?action=BATCH_INSTANCE_STARTED", auth(supervisor))
                .body();
        assertThat(started2.toString()).contains(cycle);
    }

    @Test
    void filterConditionSelectsRecordsAndRefusesAnythingButItsGrammar() {
        String supervisor = connect("oms", "11sp1");
        String cycle = newCycle(supervisor, "P", Map.of());
        String maker = sessionOfNewUser(Role.OPERATOR);
        post(
                "/admin/cycles/" + cycle + "/jobs/job1/instances",
                auth(maker),
                json(Map.of("instanceDate", "2026-02-01 00:00:00")));
        long customersBefore = jdbc.sql("select count(*) from sample_customer")
                .query(Long.class)
                .single();

        for (String attack : List.of(
                "1=1",
                "Record.city = 'x'; drop table sample_customer",
                "Record.city = 'Lyon' -- comment",
                "Record.city = 'Lyon' OR 1 = 1",
                "Record.city = (select 1)",
                "Record.nosuchfield = 'x'",
                "Record.city = 'unterminated",
                "Record.city === 'Lyon'",
                "Record.city = \"Lyon\"",
                "((((((((((((((((((Record.city = 'a'))))))))))))))))))",
                "Record.city LIKE Record.country",
                "Record.city = 'Lyon' /* c */")) {
            Answer refused = post(
                    APPROVE, auth(supervisor), json(approveBody(cycle, "job1", "P", "2026-02-01 00:00:00", attack)));
            assertThat(refused.status()).as(attack + " -> " + refused.raw()).isEqualTo("541");
        }
        assertThat(jdbc.sql("select count(*) from sample_customer")
                        .query(Long.class)
                        .single())
                .isEqualTo(customersBefore);

        Answer filtered = post(
                APPROVE,
                auth(supervisor),
                json(
                        approveBody(
                                cycle,
                                "job1",
                                "P",
                                "2026-02-01 00:00:00",
                                "(Record.city = 'Lyon' OR Record.premium_amount > 2000) AND NOT Record.country LIKE 'United%'")));
        assertThat(filtered.status()).as(filtered.raw()).isEqualTo("0");
        JsonNode spool = awaitSpool(supervisor, filtered.text("jobSpoolId"), "RELEASED");
        assertThat(spool.get("total").asInt()).isEqualTo(2);
        String text = extract(spool.get("printFiles").get(0).asString()).text();
        assertThat(text).contains("Okafor", "Raman").doesNotContain("Jensen");
    }

    @Test
    void cycleDefinitionsThatCouldNotRunAreRefused() {
        String supervisor = connect("oms", "11sp1");
        List<Map<String, Object>> refused = new java.util.ArrayList<>();
        Map<String, Object> unknownProduct = sampleCustomerJob("j", "x");
        unknownProduct.put("productName", "NOPE");
        Map<String, Object> unknownChannel = sampleCustomerJob("j", "x");
        unknownChannel.put("channelName", "nope");
        Map<String, Object> twoStatements = sampleCustomerJob("j", "x");
        twoStatements.put("dataQuery", "select * from sample_customer; delete from sample_customer");
        Map<String, Object> notABoolean = sampleCustomerJob("j", "x");
        notABoolean.put("doArchive", "yes");
        Map<String, Object> traversal = sampleCustomerJob("j", "x");
        traversal.put("filePath", "../../etc");
        for (Map<String, Object> job : List.of(unknownProduct, unknownChannel, twoStatements, notABoolean, traversal)) {
            refused.add(Map.of("name", "bad" + System.nanoTime(), "jobs", List.of(job)));
        }
        refused.add(Map.of("name", "../x", "jobs", List.of(sampleCustomerJob("j", "x"))));
        for (Map.Entry<String, String> setting : List.of(
                Map.entry("cron", "* * * * * *"),
                Map.entry("cron", "0 0 30 2 *"),
                Map.entry("timeZone", "Mars/Olympus"))) {
            refused.add(Map.of(
                    "name",
                    "bad" + System.nanoTime(),
                    setting.getKey(),
                    setting.getValue(),
                    "jobs",
                    List.of(sampleCustomerJob("j", "x"))));
        }
        for (Map<String, Object> cycle : refused) {
            Answer answer = post("/admin/cycles", auth(supervisor), json(cycle));
            assertThat(answer.httpStatus()).as(cycle + " -> " + answer.raw()).isEqualTo(400);
        }
        assertThat(get("/admin/cycles/nosuchcycle", auth(supervisor)).httpStatus())
                .isEqualTo(404);
        assertThat(get("/admin/spools/999999", auth(supervisor)).httpStatus()).isEqualTo(404);
    }

    @Test
    void aSpoolThatFailedRunsAgainThroughAsyncJobRetry() {
        String supervisor = connect("oms", "11sp1");
        String cycle = newCycle(supervisor, "P", Map.of());
        jdbc.sql("update batch_job set data_query = 'select * from no_such_table' where cycle_id ="
                        + " (select id from batch_cycle where name = ?)")
                .param(cycle)
                .update();
        String maker = sessionOfNewUser(Role.OPERATOR);
        Answer started = post(
                "/admin/cycles/" + cycle + "/jobs/job1/instances",
                auth(maker),
                json(Map.of("instanceDate", "2026-05-01 00:00:00")));
        String spoolId = started.text("jobSpoolId");
        assertThat(awaitSpool(maker, spoolId, "FAILED").get("failure").asString())
                .contains("data query failed");

        jdbc.sql("update batch_job set data_query = 'select * from sample_customer order by customer_no' where"
                        + " cycle_id = (select id from batch_cycle where name = ?)")
                .param(cycle)
                .update();
        Answer retried = post(
                ASYNC_RETRY,
                auth(maker),
                json(Map.of("ScheduleName", cycle, "InstanceDate", "2026-05-01", "JobName", "job1")));
        assertThat(retried.status()).as(retried.raw()).isEqualTo("0");
        assertThat(awaitSpool(maker, spoolId, "AWAITING_APPROVAL")
                        .get("generated")
                        .asInt())
                .isEqualTo(3);
    }

    @Test
    void guideAsyncJobRetrySamplesAnswerSuccessWithBothTextFields() {
        String operator = sessionOfNewUser(Role.OPERATOR);

        for (String name : List.of("async-retry-batch.json", "async-retry-ondemand.json")) {
            Answer answer = post(ASYNC_RETRY, auth(operator), sample(name));
            assertThat(answer.status()).as(name + " " + answer.raw()).isEqualTo("0");
            assertThat(answer.text("Descr")).isEqualTo("Success");
            assertThat(answer.text("description")).isEqualTo("Success");
        }
    }

    @Test
    void asyncJobRetryUsesItsOwnWordingsAndRefusesMissingSelectors() {
        String operator = sessionOfNewUser(Role.OPERATOR);

        Map<String, String> unknownCabinet = new LinkedHashMap<>(auth(operator));
        unknownCabinet.put("cabinetName", "nosuchcabinet");
        Answer cabinet = post(ASYNC_RETRY, unknownCabinet, sample("async-retry-batch.json"));
        assertThat(cabinet.status()).isEqualTo("-1011");
        assertThat(cabinet.text("Descr")).startsWith("Cabinet Not Found");

        Map<String, String> badSession = new LinkedHashMap<>(auth(operator));
        badSession.put("sessionId", "expired-or-forged");
        Answer session = post(ASYNC_RETRY, badSession, sample("async-retry-batch.json"));
        assertThat(session.status()).isEqualTo("-50146");
        assertThat(session.text("Descr")).startsWith("Invalid session.");
        assertThat(session.text("description")).startsWith("Invalid session.");

        for (String body : List.of(
                "{\"ScheduleName\":\"sc1\",\"JobName\":\"pjob\"}",
                "{\"ScheduleName\":\"sc1\",\"InstanceDate\":\"2024-09-10\"}",
                "{\"ScheduleName\":\"sc1\",\"InstanceDate\":\"10-09-2024\",\"JobName\":\"pjob\"}",
                "{\"ScheduleName\":\"sc1\",\"InstanceDate\":\"2024-09-11\",\"JobName\":\"pjob\"}",
                "{\"ScheduleName\":\"nosuch\",\"InstanceDate\":\"2024-09-10\",\"JobName\":\"pjob\"}",
                "{\"ScheduleName\":\"OnDemandSchedule\",\"DateFrom\":\"2024-09-15\",\"DateTo\":\"2024-09-10\"}",
                "{\"ScheduleName\":\"OnDemandSchedule\",\"DateFrom\":\"2024-09-15\"}",
                "{\"ScheduleName\":\"\"}",
                "[]")) {
            Answer answer = post(ASYNC_RETRY, auth(operator), body);
            assertThat(answer.status()).as(body + " -> " + answer.raw()).isEqualTo("541");
            assertThat(answer.text("Descr")).startsWith("Invalid input parameters");
        }
    }
}
