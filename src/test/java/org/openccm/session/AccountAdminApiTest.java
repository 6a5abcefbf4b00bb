package org.openccm.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.openccm.support.ApiTestBase;
import tools.jackson.databind.JsonNode;

/** The admin API for applications, users and the cabinet lock, and who may run services. */
class AccountAdminApiTest extends ApiTestBase {
    private static final String CONNECT = "/OMSSessionManagement/connectCabinet";
    private static final String DISCONNECT = "/OMSSessionManagement/disconnectCabinet";
    private static final AtomicInteger NAMES = new AtomicInteger();

    private long cabinetId() {
        return directory.findCabinet(CABINET).orElseThrow().id();
    }

    private String newUser(long cabinetId, Role role) {
        String name = "acct" + NAMES.incrementAndGet();
        directory.createUser(cabinetId, name, "Pw-" + name, role);
        return name;
    }

    private Answer login(String cabinet, String user) {
        return post(
                CONNECT,
                Map.of("cabinetName", cabinet),
                json(Map.of("userName", user, "userPassword", "Pw-" + user, "connectForcefully", "Y")));
    }

    private static Map<String, String> auth(String cabinet, String sessionId) {
        return Map.of("cabinetName", cabinet, "sessionId", sessionId);
    }

    /** PATCH, which the test base has no helper for: HTTP status and parsed body. */
    private record Patched(int httpStatus, JsonNode body) {}

    private Patched patch(String path, Map<String, String> headers, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        HttpResponse<String> response =
                HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Patched(response.statusCode(), JSON.readTree(response.body()));
    }

    @Test
    void supervisorRegistersListsAndRemovesApplications() throws Exception {
        String supervisor = connect("oms", "11sp1");

        Answer registered = post("/admin/applications", auth(supervisor), json(Map.of("name", "Billing portal")));
        String appId = registered.text("appId");

        assertThat(registered.httpStatus()).isEqualTo(201);
        assertThat(appId).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        assertThat(get("/admin/applications", auth(supervisor)).raw()).contains(appId, "Billing portal");
        assertThat(delete("/admin/applications/" + appId, auth(supervisor)).httpStatus())
                .isEqualTo(204);
        assertThat(get("/admin/applications", auth(supervisor)).raw()).doesNotContain(appId);
        assertThat(delete("/admin/applications/" + appId, auth(supervisor)).httpStatus())
                .isEqualTo(404);
        assertThat(post("/admin/applications", auth(supervisor), json(Map.of("name", "")))
                        .httpStatus())
                .isEqualTo(400);
    }

    @Test
    void onlySupervisorsManageAccounts() throws Exception {
        String operator = sessionOfNewUser(Role.OPERATOR);
        String viewer = sessionOfNewUser(Role.VIEWER);

        assertThat(get("/admin/applications", auth(operator)).httpStatus()).isEqualTo(403);
        assertThat(post("/admin/applications", auth(viewer), json(Map.of("name", "x")))
                        .httpStatus())
                .isEqualTo(403);
        assertThat(get("/admin/users", auth(operator)).httpStatus()).isEqualTo(403);
        assertThat(patch("/admin/users/oms", auth(operator), "{\"alive\":false}")
                        .httpStatus())
                .isEqualTo(403);
        assertThat(post("/admin/cabinet/lock", auth(operator), "{}").httpStatus())
                .isEqualTo(403);
        assertThat(get("/admin/audit", auth(operator)).httpStatus()).isEqualTo(403);
        assertThat(get("/admin/users", Map.of("cabinetName", CABINET)).httpStatus())
                .isEqualTo(401);
    }

    @Test
    void accountStatesSetThroughTheApiHaveTheirLoginCodes() throws Exception {
        String supervisor = connect("oms", "11sp1");
        String user = newUser(cabinetId(), Role.OPERATOR);
        String live = login(CABINET, user).text("sessionId");

        Patched disabled = patch("/admin/users/" + user, auth(supervisor), "{\"alive\":false}");
        assertThat(disabled.httpStatus()).isEqualTo(200);
        assertThat(disabled.body().get("alive").asBoolean()).isFalse();
        assertThat(post(DISCONNECT, auth(CABINET, live), null).status()).isEqualTo("-50146");
        assertThat(login(CABINET, user).status()).isEqualTo("-50010");

        patch("/admin/users/" + user, auth(supervisor), "{\"alive\":true,\"expiresAt\":\"2001-01-01T00:00:00Z\"}");
        assertThat(login(CABINET, user).status()).isEqualTo("-50006");

        patch("/admin/users/" + user, auth(supervisor), "{\"expiresAt\":\"\",\"role\":\"NONE\"}");
        assertThat(login(CABINET, user).status()).isEqualTo("-50110");

        patch("/admin/users/" + user, auth(supervisor), "{\"role\":\"VIEWER\"}");
        assertThat(login(CABINET, user).status()).isEqualTo("0");

        Patched future = patch(
                "/admin/users/" + user,
                auth(supervisor),
                "{\"role\":\"OPERATOR\",\"expiresAt\":\"" + Instant.now().plusSeconds(3600) + "\"}");
        assertThat(future.body().get("role").asString()).isEqualTo("OPERATOR");
        assertThat(login(CABINET, user).status()).isEqualTo("0");
    }

    @Test
    void badUserChangesAreRefused() throws Exception {
        String supervisor = connect("oms", "11sp1");
        String user = newUser(cabinetId(), Role.OPERATOR);

        assertThat(patch("/admin/users/" + user, auth(supervisor), "{\"role\":\"KING\"}")
                        .httpStatus())
                .isEqualTo(400);
        assertThat(patch("/admin/users/" + user, auth(supervisor), "{\"alive\":\"no\"}")
                        .httpStatus())
                .isEqualTo(400);
        assertThat(patch("/admin/users/" + user, auth(supervisor), "{\"expiresAt\":\"tomorrow\"}")
                        .httpStatus())
                .isEqualTo(400);
        assertThat(patch("/admin/users/nobody-here", auth(supervisor), "{\"alive\":false}")
                        .httpStatus())
                .isEqualTo(404);
        Patched self = patch("/admin/users/oms", auth(supervisor), "{\"alive\":false}");
        assertThat(self.httpStatus()).isEqualTo(400);
        assertThat(self.body().get("description").asString()).contains("own account");
    }

    @Test
    void supervisorCreatesUsersWhoCanLogIn() {
        String supervisor = connect("oms", "11sp1");
        String name = "made" + NAMES.incrementAndGet();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("userName", name);
        body.put("password", "Pw-" + name);
        body.put("role", "OPERATOR");

        Answer created = post("/admin/users", auth(supervisor), json(body));

        assertThat(created.httpStatus()).isEqualTo(201);
        assertThat(created.raw()).doesNotContain("Pw-" + name);
        assertThat(login(CABINET, name).status()).isEqualTo("0");
        assertThat(get("/admin/users", auth(supervisor)).raw()).contains(name).doesNotContain("argon2");
        body.put("password", "short");
        body.put("userName", name + "b");
        assertThat(post("/admin/users", auth(supervisor), json(body)).httpStatus())
                .isEqualTo(400);
    }

    @Test
    void lockingEndsOtherSessionsAndRefusesLoginsUntilUnlocked() {
        Directory.Cabinet cabinet = directory.createCabinet("lk" + NAMES.incrementAndGet());
        String chief = newUser(cabinet.id(), Role.SUPERVISOR);
        String clerk = newUser(cabinet.id(), Role.OPERATOR);
        String chiefSession = login(cabinet.name(), chief).text("sessionId");
        String clerkSession = login(cabinet.name(), clerk).text("sessionId");

        Answer locked = post("/admin/cabinet/lock", auth(cabinet.name(), chiefSession), "{}");

        assertThat(locked.httpStatus()).isEqualTo(200);
        assertThat(locked.body().get("locked").asBoolean()).isTrue();
        assertThat(post(DISCONNECT, auth(cabinet.name(), clerkSession), null).status())
                .isEqualTo("-50146");
        assertThat(login(cabinet.name(), clerk).status()).isEqualTo("-50125");
        assertThat(get("/admin/cabinet", auth(cabinet.name(), chiefSession))
                        .body()
                        .get("locked")
                        .asBoolean())
                .isTrue();

        post("/admin/cabinet/unlock", auth(cabinet.name(), chiefSession), "{}");

        assertThat(login(cabinet.name(), clerk).status()).isEqualTo("0");
    }

    @Test
    void onlySupervisorsStartStopOrRescaleServices() {
        String operator = sessionOfNewUser(Role.OPERATOR);
        String viewer = sessionOfNewUser(Role.VIEWER);
        String supervisor = sessionOfNewUser(Role.SUPERVISOR);
        String ids = "{\"ServiceIds\":[{\"id\":\"167\",\"ServiceCount\":1}],\"ServiceCount\":1}";

        for (String session : new String[] {operator, viewer}) {
            for (String operation : new String[] {"startService", "stopService", "UpdateServiceCount"}) {
                Answer refused = post("/OMSServiceManager/" + operation, auth(session), ids);
                assertThat(refused.body().get("MainCode").asInt()).as(operation).isEqualTo(400);
                assertThat(refused.text("Error")).isEqualTo("true");
                assertThat(refused.text("Descr")).contains("supervisors");
            }
            assertThat(post("/OMSServiceManager/fetchServiceDetails", auth(session), "{}")
                            .body()
                            .get("MainCode")
                            .asInt())
                    .isZero();
        }
        assertThat(post("/OMSServiceManager/stopService", auth(supervisor), ids)
                        .body()
                        .get("MainCode")
                        .asInt())
                .isZero();
        // Other test classes share the database and need Batchgen running.
        post("/OMSServiceManager/startService", auth(supervisor), ids);
    }

    @Test
    void oauthHeadersAreIgnoredInPlainMode() {
        String session = sessionOfNewUser(Role.OPERATOR);
        Map<String, String> headers = new LinkedHashMap<>(auth(session));
        headers.put("appId", "2b67b8a0-c784-4989-a474-8967861e4761");
        headers.put("accessToken", "eyJhbGciOiJIUzUxMiJ9.e30.x");
        headers.put("sessionValid", "nonsense");

        assertThat(post(DISCONNECT, headers, null).status()).isEqualTo("0");
        assertThat(post(
                                DISCONNECT,
                                Map.of("cabinetName", CABINET, "accessToken", "x", "appId", "y", "sessionValid", "z"),
                                null)
                        .status())
                .isEqualTo("-50146");
    }
}
