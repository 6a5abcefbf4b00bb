package org.openccm.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.openccm.session.Directory;
import org.openccm.session.PurgeExpiredSessions;
import org.openccm.session.Role;
import org.openccm.shared.security.Tokens;
import org.openccm.support.ApiTestBase;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** Each recorded action reaches the trail, the query filters work, and no secret is kept. */
class AuditTrailApiTest extends ApiTestBase {
    private static final String CONNECT = "/OMSSessionManagement/connectCabinet";
    private static final String DISCONNECT = "/OMSSessionManagement/disconnectCabinet";
    private static final AtomicInteger NAMES = new AtomicInteger();

    @Autowired
    JdbcClient jdbc;

    @Autowired
    PurgeExpiredSessions purge;

    @Autowired
    AuditRetention retention;

    /** A cabinet of its own with a supervisor, so that the trail holds only this test's events. */
    private record Scene(String cabinet, String chief, String chiefSession) {
        Map<String, String> auth() {
            return Map.of("cabinetName", cabinet, "sessionId", chiefSession);
        }
    }

    private Scene scene() {
        Directory.Cabinet cabinet = directory.createCabinet("au" + NAMES.incrementAndGet());
        String chief = "chief" + NAMES.incrementAndGet();
        directory.createUser(cabinet.id(), chief, "Pw-" + chief, Role.SUPERVISOR);
        return new Scene(
                cabinet.name(),
                chief,
                login(cabinet.name(), chief, "Pw-" + chief).text("sessionId"));
    }

    private Answer login(String cabinet, String user, String password) {
        return post(
                CONNECT,
                Map.of("cabinetName", cabinet),
                json(Map.of("userName", user, "userPassword", password, "connectForcefully", "Y")));
    }

    private List<JsonNode> trail(Scene scene, String query) {
        Answer answer = get("/admin/audit" + query, scene.auth());
        assertThat(answer.httpStatus()).as(answer.raw()).isEqualTo(200);
        List<JsonNode> entries = new ArrayList<>();
        answer.body().forEach(entries::add);
        return entries;
    }

    private List<String> actions(Scene scene) {
        return trail(scene, "?limit=1000").stream()
                .map(entry -> entry.get("action").asString())
                .toList();
    }

    @Test
    void loginsFailuresAndSessionEndsAreRecorded() {
        Scene scene = scene();
        long cabinetId = directory.findCabinet(scene.cabinet()).orElseThrow().id();
        String clerk = "clerk" + NAMES.incrementAndGet();
        directory.createUser(cabinetId, clerk, "Clerk-pw-1", Role.OPERATOR);

        assertThat(login(scene.cabinet(), clerk, "Wrong-pw-9").status()).isEqualTo("-50127");
        assertThat(login(scene.cabinet(), "Typed-My-Password-42", "x").status()).isEqualTo("-50003");
        String first = login(scene.cabinet(), clerk, "Clerk-pw-1").text("sessionId");
        String second = login(scene.cabinet(), clerk, "Clerk-pw-1").text("sessionId");
        post(DISCONNECT, Map.of("cabinetName", scene.cabinet(), "sessionId", second), null);
        String third = login(scene.cabinet(), clerk, "Clerk-pw-1").text("sessionId");
        jdbc.sql("update oms_session set expires_at = ? where token_hash = ?")
                .params(java.sql.Timestamp.from(Instant.now().minusSeconds(1)), Tokens.sha256Hex(third))
                .update();
        purge.purgeOnce();

        List<JsonNode> clerkEntries = trail(scene, "?actor=" + clerk + "&limit=1000");
        assertThat(clerkEntries.stream().map(entry -> entry.get("action").asString()))
                .containsExactly(
                        "SESSION_EXPIRED", "LOGIN", "LOGOUT", "LOGIN", "SESSION_TAKEN_OVER", "LOGIN", "LOGIN_FAILED");
        assertThat(clerkEntries.get(6).get("detail").asString()).isEqualTo("wrong password");
        List<JsonNode> failures = trail(scene, "?action=LOGIN_FAILED");
        assertThat(failures).hasSize(2);
        assertThat(failures.get(0).get("actor").asString()).isEqualTo("(not authenticated)");
        String everything = get("/admin/audit?limit=1000", scene.auth()).raw();
        assertThat(everything)
                .doesNotContain("Typed-My-Password-42")
                .doesNotContain("Wrong-pw-9")
                .doesNotContain("Clerk-pw-1")
                .doesNotContain(first)
                .doesNotContain(second)
                .doesNotContain(third)
                .doesNotContain(scene.chiefSession());
    }

    @Test
    void configurationChangesAreRecordedWithoutSecretValues() throws Exception {
        Scene scene = scene();
        String product = "AUDITED_" + NAMES.incrementAndGet();
        Map<String, Object> definition = new LinkedHashMap<>();
        definition.put("name", product);
        definition.put("reportType", "LETTER");
        definition.put("dataKind", "XML");
        post("/admin/products", scene.auth(), json(definition));
        post(
                "/admin/products/" + product + "/versions",
                scene.auth(),
                json(Map.of("template", "<html xmlns=\"http://www.w3.org/1999/xhtml\"><body>Hi</body></html>")));
        post("/admin/products/" + product + "/versions/1/baseline", scene.auth(), "{}");
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("transport", "SMTP");
        settings.put("host", "127.0.0.1");
        settings.put("port", "2525");
        settings.put("security", "NONE");
        settings.put("username", "mailer");
        settings.put("password", "Channel-Secret-77");
        settings.put("from", "letters@example.org");
        Answer channel = post(
                "/admin/channels",
                scene.auth(),
                json(Map.of("name", "AUDITMAIL", "type", "MAIL", "settings", settings)));
        assertThat(channel.httpStatus()).as(channel.raw()).isEqualTo(201);
        settings.put("password", "Channel-Secret-88");
        put("/admin/channels/AUDITMAIL", scene.auth(), json(Map.of("settings", settings)));
        HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/admin/channels/AUDITMAIL"))
                                .header("cabinetName", scene.cabinet())
                                .header("sessionId", scene.chiefSession())
                                .DELETE()
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
        String appId = post("/admin/applications", scene.auth(), json(Map.of("name", "Audited app")))
                .text("appId");
        HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/admin/applications/" + appId))
                                .header("cabinetName", scene.cabinet())
                                .header("sessionId", scene.chiefSession())
                                .DELETE()
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
        String clerk = "made" + NAMES.incrementAndGet();
        post(
                "/admin/users",
                scene.auth(),
                json(Map.of("userName", clerk, "password", "Clerk-Secret-55", "role", "OPERATOR")));
        post("/admin/cabinet/lock", scene.auth(), "{}");
        post("/admin/cabinet/unlock", scene.auth(), "{}");

        assertThat(actions(scene))
                .contains(
                        "PRODUCT_CREATED",
                        "VERSION_ADDED",
                        "VERSION_BASELINED",
                        "CHANNEL_CREATED",
                        "CHANNEL_CHANGED",
                        "CHANNEL_DELETED",
                        "APPLICATION_REGISTERED",
                        "APPLICATION_REMOVED",
                        "USER_CHANGED",
                        "CABINET_LOCKED",
                        "CABINET_UNLOCKED");
        JsonNode created = trail(scene, "?action=CHANNEL_CREATED").get(0);
        assertThat(created.get("actor").asString()).isEqualTo(scene.chief());
        assertThat(created.get("target").asString()).isEqualTo("AUDITMAIL");
        assertThat(created.get("detail").asString()).contains("password").contains("MAIL");
        assertThat(get("/admin/audit?limit=1000", scene.auth()).raw())
                .doesNotContain("Channel-Secret-77")
                .doesNotContain("Channel-Secret-88")
                .doesNotContain("Clerk-Secret-55")
                .doesNotContain("mailer")
                .doesNotContain("letters@example.org");
    }

    @Test
    void serviceChangesAreRecorded() {
        String supervisor = connect("oms", "11sp1");
        String marker = "oms";
        Instant before = Instant.now().minusSeconds(1);

        post(
                "/OMSServiceManager/startService",
                auth(supervisor),
                "{\"ServiceIds\":[{\"id\":\"167\"}],\"ServiceCount\":2}");
        post(
                "/OMSServiceManager/UpdateServiceCount",
                auth(supervisor),
                "{\"ServiceIds\":[{\"id\":\"167\",\"ServiceCount\":3}]}");
        post("/OMSServiceManager/stopService", auth(supervisor), "{\"ServiceIds\":[{\"id\":\"167\"}]}");
        // Other test classes share the database and need Batchgen running.
        jdbc.sql("update oms_service set desired_count = 2 where id = 167").update();

        String from = URLEncoder.encode(before.toString(), StandardCharsets.UTF_8);
        Answer answer = get("/admin/audit?actor=" + marker + "&from=" + from + "&limit=1000", auth(supervisor));
        List<String> recorded = new ArrayList<>();
        answer.body().forEach(entry -> {
            if (entry.get("target").asString().equals("service 167")) {
                recorded.add(entry.get("action").asString() + " "
                        + entry.get("detail").asString());
            }
        });
        assertThat(recorded)
                .containsSubsequence("SERVICE_STOPPED ", "SERVICE_SCALED 3 workers", "SERVICE_STARTED 2 workers");
    }

    @Test
    void queryFiltersByTimeAndLimitAndRefusesBadValues() {
        Scene scene = scene();
        Instant afterLogin = Instant.now().plusSeconds(1);
        String future = URLEncoder.encode(afterLogin.plusSeconds(3600).toString(), StandardCharsets.UTF_8);
        String past = URLEncoder.encode(Instant.now().minusSeconds(3600).toString(), StandardCharsets.UTF_8);

        assertThat(trail(scene, "?from=" + future)).isEmpty();
        assertThat(trail(scene, "?from=" + past + "&action=LOGIN")).hasSize(1);
        assertThat(trail(scene, "?to=" + past)).isEmpty();
        post("/admin/applications", scene.auth(), json(Map.of("name", "one")));
        assertThat(trail(scene, "?limit=1")).hasSize(1);
        assertThat(get("/admin/audit?limit=lots", scene.auth()).httpStatus()).isEqualTo(400);
        assertThat(get("/admin/audit?from=yesterday", scene.auth()).httpStatus())
                .isEqualTo(400);
        assertThat(get("/admin/audit?action=drop%20table", scene.auth()).httpStatus())
                .isEqualTo(400);
    }

    @Test
    void entriesOlderThanTheRetentionAreDeletedAndNewerOnesKept() {
        String marker = "retention" + System.nanoTime();
        jdbc.sql("insert into oms_audit (cabinet_name, occurred_at, actor, action, target, detail)"
                        + " values (?, ?, ?, 'LOGIN', 'old', null)")
                .params(
                        CABINET,
                        java.sql.Timestamp.from(java.time.Instant.now().minus(java.time.Duration.ofDays(401))),
                        marker)
                .update();
        jdbc.sql("insert into oms_audit (cabinet_name, occurred_at, actor, action, target, detail)"
                        + " values (?, ?, ?, 'LOGIN', 'recent', null)")
                .params(
                        CABINET,
                        java.sql.Timestamp.from(java.time.Instant.now().minus(java.time.Duration.ofDays(399))),
                        marker)
                .update();

        assertThat(retention.purgeOnce()).isGreaterThanOrEqualTo(1);

        assertThat(jdbc.sql("select target from oms_audit where actor = ?")
                        .param(marker)
                        .query(String.class)
                        .list())
                .containsExactly("recent");
    }

    @Test
    void componentKeepsTextsWithinTheirColumns() {
        AuditTrail trail = new AuditTrail(jdbc, java.time.Clock.systemUTC());
        Scene scene = scene();

        trail.record(scene.cabinet(), "x".repeat(500), "CUSTOM_ACTION", "line\nbreak", "d".repeat(5000));

        JsonNode entry = trail(scene, "?action=CUSTOM_ACTION").get(0);
        assertThat(entry.get("actor").asString()).hasSize(64);
        assertThat(entry.get("target").asString()).isEqualTo("line break");
        assertThat(entry.get("detail").asString()).hasSize(1000);
    }
}
