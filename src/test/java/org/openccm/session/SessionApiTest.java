package org.openccm.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openccm.support.ApiTestBase;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.simple.JdbcClient;

class SessionApiTest extends ApiTestBase {
    private static final String CONNECT = "/OMSSessionManagement/connectCabinet";
    private static final String DISCONNECT = "/OMSSessionManagement/disconnectCabinet";

    @Autowired
    JdbcClient jdbc;

    private static String sample(String name) throws IOException {
        return new ClassPathResource("guide-samples/" + name).getContentAsString(StandardCharsets.UTF_8);
    }

    private long cabinetId() {
        return directory.findCabinet(CABINET).orElseThrow().id();
    }

    private String newUser(String password, Role role) {
        String name = "s" + Long.toString(System.nanoTime(), 36);
        directory.createUser(cabinetId(), name, password, role);
        return name;
    }

    private Answer login(String cabinet, Map<String, String> body) {
        return post(CONNECT, Map.of("cabinetName", cabinet), json(body));
    }

    private static Map<String, String> credentials(String user, String password) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("userName", user);
        body.put("userPassword", password);
        body.put("connectForcefully", "Y");
        body.put("encrFlag", "N");
        return body;
    }

    private static String hex(String algorithm, String text) throws Exception {
        return HexFormat.of()
                .formatHex(MessageDigest.getInstance(algorithm).digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void guideSampleConnectsAndDisconnects() throws IOException {
        Answer connected = post(CONNECT, Map.of("cabinetName", CABINET), sample("connect-oauth-disabled.json"));

        assertThat(connected.httpStatus()).isEqualTo(200);
        assertThat(connected.body().get("status").isString()).isTrue();
        assertThat(connected.status()).isEqualTo("0");
        assertThat(connected.text("sessionId")).hasSizeGreaterThanOrEqualTo(40);

        Answer disconnected = post(DISCONNECT, auth(connected.text("sessionId")), null);
        assertThat(disconnected.status()).isEqualTo("0");
        assertThat(disconnected.text("description")).isEqualTo("Success");

        Answer again = post(DISCONNECT, auth(connected.text("sessionId")), "{}");
        assertThat(again.status()).isEqualTo("-50146");
    }

    @Test
    void headerNamesAreCaseInsensitive() {
        Answer connected = post(CONNECT, Map.of("CABINETNAME", CABINET), json(credentials("oms", "11sp1")));
        assertThat(connected.status()).isEqualTo("0");

        Answer disconnected =
                post(DISCONNECT, Map.of("cabinetname", CABINET, "SESSIONID", connected.text("sessionId")), null);
        assertThat(disconnected.status()).isEqualTo("0");
    }

    @Test
    void wrongPasswordIsRefused() {
        String user = newUser("Right-password-1", Role.OPERATOR);

        Answer answer = login(CABINET, credentials(user, "wrong"));

        assertThat(answer.status()).isEqualTo("-50127");
        assertThat(answer.text("description")).startsWith("Invalid Password.");
        assertThat(answer.body().has("sessionId")).isFalse();
    }

    @Test
    void unknownUserAndUnknownCabinetHaveTheirCodes() {
        assertThat(login(CABINET, credentials("nobody-here", "x")).status()).isEqualTo("-50003");
        assertThat(login("noSuchCabinet", credentials("oms", "11sp1")).status()).isEqualTo("1");
        assertThat(post(CONNECT, Map.of(), json(credentials("oms", "11sp1"))).status())
                .isEqualTo("1");
    }

    @Test
    void malformedBodyIsAnsweredWithAReadableError() {
        Answer answer = post(CONNECT, Map.of("cabinetName", CABINET), "{not json");

        assertThat(answer.httpStatus()).isEqualTo(200);
        assertThat(answer.status()).isEqualTo("1");
        assertThat(answer.text("description")).contains("not valid JSON");
        assertThat(answer.raw()).doesNotContain("Exception").doesNotContain("at org.");
    }

    @Test
    void accountStatesHaveTheirCodes() {
        String expired = newUser("Pw-expired-1", Role.OPERATOR);
        String disabled = newUser("Pw-disabled-1", Role.OPERATOR);
        String noRights = newUser("Pw-norights-1", Role.NONE);
        long expiredId =
                directory.findAccount(cabinetId(), expired).orElseThrow().id();
        long disabledId =
                directory.findAccount(cabinetId(), disabled).orElseThrow().id();
        directory.setUserState(expiredId, true, Instant.now().minusSeconds(60), Role.OPERATOR);
        directory.setUserState(disabledId, false, null, Role.OPERATOR);

        assertThat(login(CABINET, credentials(expired, "Pw-expired-1")).status())
                .isEqualTo("-50006");
        assertThat(login(CABINET, credentials(disabled, "Pw-disabled-1")).status())
                .isEqualTo("-50010");
        assertThat(login(CABINET, credentials(noRights, "Pw-norights-1")).status())
                .isEqualTo("-50110");
    }

    @Test
    void lockedCabinetTakesNoNewSessions() {
        Directory.Cabinet other = directory.createCabinet("locked" + Long.toString(System.nanoTime(), 36));
        directory.createUser(other.id(), "clerk", "Pw-clerk-1", Role.OPERATOR);
        assertThat(login(other.name(), credentials("clerk", "Pw-clerk-1")).status())
                .isEqualTo("0");

        directory.setCabinetLocked(other.id(), true);

        assertThat(login(other.name(), credentials("clerk", "Pw-clerk-1")).status())
                .isEqualTo("-50125");
    }

    @Test
    void secondLoginWithoutForceIsRefusedAndForceTakesOver() {
        String user = newUser("Pw-force-1", Role.OPERATOR);
        String first = login(CABINET, credentials(user, "Pw-force-1")).text("sessionId");
        Map<String, String> polite = credentials(user, "Pw-force-1");
        polite.put("connectForcefully", "N");

        assertThat(login(CABINET, polite).status()).isEqualTo("-50141");
        Map<String, String> missingFlag = credentials(user, "Pw-force-1");
        missingFlag.remove("connectForcefully");
        assertThat(login(CABINET, missingFlag).status()).isEqualTo("-50141");

        String second = login(CABINET, credentials(user, "Pw-force-1")).text("sessionId");
        assertThat(second).isNotEqualTo(first);
        assertThat(post(DISCONNECT, auth(first), null).status()).isEqualTo("-50146");
        assertThat(post(DISCONNECT, auth(second), null).status()).isEqualTo("0");
    }

    @Test
    void clientSideDigestsAreAcceptedAndMd5IsOffByDefault() throws Exception {
        String user = newUser("Digest-pw-1", Role.OPERATOR);
        Map<String, String> sha256 = credentials(user, hex("SHA-256", "Digest-pw-1"));
        sha256.put("encrFlag", "Y");
        sha256.put("passAlgoType", "2");
        Map<String, String> sha512 =
                credentials(user, hex("SHA-512", "Digest-pw-1").toUpperCase());
        sha512.put("encrFlag", "Y");
        sha512.put("passAlgoType", "3");
        Map<String, String> md5 = credentials(user, hex("MD5", "Digest-pw-1"));
        md5.put("encrFlag", "Y");
        md5.put("passAlgoType", "1");
        Map<String, String> noAlgorithm = credentials(user, hex("SHA-256", "Digest-pw-1"));
        noAlgorithm.put("encrFlag", "Y");
        Map<String, String> wrongDigest = credentials(user, hex("SHA-256", "other"));
        wrongDigest.put("encrFlag", "Y");
        wrongDigest.put("passAlgoType", "2");

        assertThat(login(CABINET, sha256).status()).isEqualTo("0");
        assertThat(login(CABINET, sha512).status()).isEqualTo("0");
        Answer refusedMd5 = login(CABINET, md5);
        assertThat(refusedMd5.status()).isEqualTo("-50127");
        assertThat(refusedMd5.text("description")).contains("MD5");
        assertThat(login(CABINET, noAlgorithm).status()).isEqualTo("-50127");
        assertThat(login(CABINET, wrongDigest).status()).isEqualTo("-50127");
    }

    @Test
    void passwordsAreStoredOnlyAsSlowHashes() {
        String user = newUser("Stored-pw-1", Role.OPERATOR);

        Map<String, Object> row = jdbc.sql(
                        "select hash_sha256, hash_sha512, hash_md5 from oms_user where user_name = ?")
                .param(user)
                .query()
                .singleRow();

        assertThat(row.get("hash_sha256").toString()).startsWith("$argon2id$");
        assertThat(row.get("hash_sha512").toString()).startsWith("$argon2id$");
        assertThat(row.get("hash_md5")).isNull();
        assertThat(row.values().toString()).doesNotContain("Stored-pw-1");
    }

    @Test
    void repeatedWrongPasswordsLockTheAccount() {
        String user = newUser("Lock-pw-1", Role.OPERATOR);
        for (int i = 0; i < 5; i++) {
            assertThat(login(CABINET, credentials(user, "wrong" + i)).status()).isEqualTo("-50127");
        }

        Answer locked = login(CABINET, credentials(user, "Lock-pw-1"));

        assertThat(locked.status()).isEqualTo("-50010");
        assertThat(locked.text("description")).contains("locked");
        jdbc.sql("update oms_user set locked_until = ? where user_name = ?")
                .params(java.sql.Timestamp.from(Instant.now().minusSeconds(1)), user)
                .update();
        assertThat(login(CABINET, credentials(user, "Lock-pw-1")).status()).isEqualTo("0");
    }

    @Test
    void sessionIsNeverValidForAnotherCabinet() {
        Directory.Cabinet other = directory.createCabinet("other" + Long.toString(System.nanoTime(), 36));
        String sessionId = sessionOfNewUser(Role.OPERATOR);

        Answer answer = post(DISCONNECT, Map.of("cabinetName", other.name(), "sessionId", sessionId), null);

        assertThat(answer.status()).isEqualTo("-50146");
        assertThat(post(DISCONNECT, auth(sessionId), null).status()).isEqualTo("0");
    }

    @Test
    void idleSessionExpires() {
        String sessionId = sessionOfNewUser(Role.OPERATOR);
        jdbc.sql("update oms_session set last_used_at = ? where token_hash = ?")
                .params(java.sql.Timestamp.from(Instant.now().minusSeconds(31 * 60)), SessionStore.hash(sessionId))
                .update();

        assertThat(post(DISCONNECT, auth(sessionId), null).status()).isEqualTo("-50146");
    }

    @Test
    void sessionIdsAreStoredOnlyAsHashes() {
        String sessionId = sessionOfNewUser(Role.OPERATOR);

        long clearRows = jdbc.sql("select count(*) from oms_session where token_hash = ?")
                .param(sessionId)
                .query(Long.class)
                .single();
        long hashedRows = jdbc.sql("select count(*) from oms_session where token_hash = ?")
                .param(SessionStore.hash(sessionId))
                .query(Long.class)
                .single();

        assertThat(clearRows).isZero();
        assertThat(hashedRows).isEqualTo(1);
    }

    @Test
    void httpLevelMistakesKeepTheirStatusWithoutInternals() {
        Answer wrongMethod = get(CONNECT, Map.of("cabinetName", CABINET));
        Answer unknownPath = post("/OMSSessionManagement/noSuchOperation", Map.of("cabinetName", CABINET), "{}");

        assertThat(wrongMethod.httpStatus()).isEqualTo(405);
        assertThat(unknownPath.httpStatus()).isEqualTo(404);
        assertThat(wrongMethod.raw() + unknownPath.raw())
                .doesNotContain("Exception")
                .doesNotContain("at org.");
    }

    @Test
    void parallelWrongPasswordsAreAllCounted() throws Exception {
        String user = newUser("Parallel-pw-1", Role.OPERATOR);
        java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(5);
        java.util.List<java.util.concurrent.Future<Answer>> guesses = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String guess = "guess" + i;
            guesses.add(clients.submit(() -> login(CABINET, credentials(user, guess))));
        }
        for (java.util.concurrent.Future<Answer> guess : guesses) {
            guess.get();
        }
        clients.shutdown();

        assertThat(login(CABINET, credentials(user, "Parallel-pw-1")).status()).isEqualTo("-50010");
    }

    @Test
    void disablingAUserEndsTheirSessions() {
        String user = newUser("Disable-pw-1", Role.OPERATOR);
        String sessionId = login(CABINET, credentials(user, "Disable-pw-1")).text("sessionId");
        long userId = directory.findAccount(cabinetId(), user).orElseThrow().id();

        directory.setUserState(userId, false, null, Role.OPERATOR);

        assertThat(post(DISCONNECT, auth(sessionId), null).status()).isEqualTo("-50146");
    }

    @Test
    void sessionEndsAtItsAbsoluteLimitHoweverBusy() {
        String sessionId = sessionOfNewUser(Role.OPERATOR);
        jdbc.sql("update oms_session set expires_at = ? where token_hash = ?")
                .params(java.sql.Timestamp.from(Instant.now().minusSeconds(1)), SessionStore.hash(sessionId))
                .update();

        assertThat(post(DISCONNECT, auth(sessionId), null).status()).isEqualTo("-50146");
    }

    @Test
    void nonTextFieldsAtLoginAreRefusedWithTheLoginCode() {
        Answer answer = post(CONNECT, Map.of("cabinetName", CABINET), "{\"userName\":{},\"userPassword\":\"x\"}");

        assertThat(answer.status()).isEqualTo("1");
        assertThat(answer.text("description")).contains("userName");
    }

    @Test
    void parallelTakeOversLeaveOneLiveSession() throws Exception {
        String user = newUser("Takeover-pw-1", Role.OPERATOR);
        java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(8);
        java.util.List<java.util.concurrent.Future<Answer>> logins = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            logins.add(clients.submit(() -> login(CABINET, credentials(user, "Takeover-pw-1"))));
        }
        java.util.List<String> sessionIds = new java.util.ArrayList<>();
        for (java.util.concurrent.Future<Answer> login : logins) {
            Answer answer = login.get();
            assertThat(answer.status()).isEqualTo("0");
            sessionIds.add(answer.text("sessionId"));
        }
        clients.shutdown();

        long live = jdbc.sql(
                        "select count(*) from oms_session s join oms_user u on u.id = s.user_id where u.user_name = ?")
                .param(user)
                .query(Long.class)
                .single();
        assertThat(live).isEqualTo(1);
        assertThat(sessionIds.stream()
                        .filter(id -> post(DISCONNECT, auth(id), null).status().equals("0")))
                .hasSize(1);
    }
}
