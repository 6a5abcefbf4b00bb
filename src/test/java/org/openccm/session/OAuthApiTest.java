package org.openccm.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openccm.support.ApiTestBase;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.core.io.ClassPathResource;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The server in OAuth mode, with two listed keys ("new" signs, "old" still checks). */
@Import(OAuthApiTest.MovableClockConfiguration.class)
class OAuthApiTest extends ApiTestBase {
    private static final String CONNECT = "/OMSSessionManagement/connectCabinet";
    private static final String DISCONNECT = "/OMSSessionManagement/disconnectCabinet";
    private static final String PROCESS_XML = "/OMSCommunicationService/processUsingXML";
    private static final byte[] NEW_KEY = randomKey();
    private static final byte[] OLD_KEY = randomKey();
    private static final MovableClock CLOCK = new MovableClock();
    private static final AtomicInteger NAMES = new AtomicInteger();

    @Autowired
    Applications applications;

    @DynamicPropertySource
    static void oauth(DynamicPropertyRegistry registry) {
        registry.add("oms.session.oauth", () -> "true");
        registry.add("oms.session.oauth-keys", () -> "new:" + base64(NEW_KEY) + ", old:" + base64(OLD_KEY));
        registry.add("oms.session.oauth-signing-key", () -> "new");
        registry.add("oms.session.oauth-max-expiry", () -> "2h");
    }

    @TestConfiguration
    static class MovableClockConfiguration {
        @Bean
        @Primary
        Clock movableClock() {
            return CLOCK;
        }
    }

    /** The system clock plus an offset that a test can move forward. */
    static final class MovableClock extends Clock {
        private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

        void advance(Duration by) {
            offset.updateAndGet(current -> current.plus(by));
        }

        void reset() {
            offset.set(Duration.ZERO);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset.get());
        }
    }

    @AfterEach
    void resetClock() {
        CLOCK.reset();
    }

    private static byte[] randomKey() {
        byte[] key = new byte[64];
        new SecureRandom().nextBytes(key);
        return key;
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static String sample(String name) throws IOException {
        return new ClassPathResource("guide-samples/" + name).getContentAsString(StandardCharsets.UTF_8);
    }

    private long cabinetId() {
        return directory.findCabinet(CABINET).orElseThrow().id();
    }

    private String newApplication(long cabinetId) {
        return applications
                .register(cabinetId, "app " + NAMES.incrementAndGet())
                .appId();
    }

    private String newUser(long cabinetId, Role role) {
        String name = "oauth" + NAMES.incrementAndGet();
        directory.createUser(cabinetId, name, "Pw-" + name, role);
        return name;
    }

    private static Map<String, Object> login(String user, String appId, Object minutes) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("userName", user);
        body.put("userPassword", "Pw-" + user);
        body.put("connectForcefully", "Y");
        body.put("encrFlag", "N");
        if (appId != null) {
            body.put("appId", appId);
        }
        if (minutes != null) {
            body.put("sessionExpiryTime", minutes);
        }
        return body;
    }

    /** The three OAuth headers of a successful login, with cabinetName. */
    private record Access(String cabinet, String appId, String accessToken, String sessionValid) {
        Map<String, String> headers() {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("cabinetName", cabinet);
            headers.put("appId", appId);
            headers.put("accessToken", accessToken);
            headers.put("sessionValid", sessionValid);
            return headers;
        }

        Access withToken(String token, String valid) {
            return new Access(cabinet, appId, token, valid);
        }
    }

    private Access connectOAuth(String cabinet, String user, String appId, Object minutes) {
        Answer answer = post(CONNECT, Map.of("cabinetName", cabinet), json(login(user, appId, minutes)));
        assertThat(answer.status()).as(answer.raw()).isEqualTo("0");
        var details = answer.body().get("accessDetails");
        return new Access(
                cabinet,
                details.get("appId").asString(),
                details.get("accessToken").asString(),
                details.get("sessionValid").asString());
    }

    /** A cheap authenticated call: fetchServiceDetails, which answers MainCode 0 or -50146. */
    private int probe(Map<String, String> headers) {
        return post("/OMSServiceManager/fetchServiceDetails", headers, "{}")
                .body()
                .get("MainCode")
                .asInt();
    }

    private static SignedJWT parse(String token) throws Exception {
        return SignedJWT.parse(token);
    }

    /** The same claims signed again with the given key under the given kid. */
    private static String resign(String token, String kid, byte[] key) throws Exception {
        SignedJWT copy = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.HS512).keyID(kid).build(),
                parse(token).getJWTClaimsSet());
        copy.sign(new MACSigner(key));
        return copy.serialize();
    }

    @Test
    void guideSampleSequenceConnectsGeneratesAndDisconnects() throws Exception {
        String appId = newApplication(cabinetId());
        String user = newUser(cabinetId(), Role.OPERATOR);
        Map<String, Object> body = login(user, appId, "1440");

        Answer connected = post(CONNECT, Map.of("cabinetName", CABINET), json(body));

        assertThat(connected.status()).as(connected.raw()).isEqualTo("0");
        assertThat(connected.body().get("status").isString()).isTrue();
        assertThat(connected.body().has("sessionId")).isFalse();
        var details = connected.body().get("accessDetails");
        assertThat(details.get("appId").asString()).isEqualTo(appId);
        String token = details.get("accessToken").asString();
        String sessionValid = details.get("sessionValid").asString();
        assertThat(token).startsWith("eyJ").hasSizeGreaterThan(100);
        SignedJWT jwt = parse(token);
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.HS512);
        assertThat(jwt.getHeader().getKeyID()).isEqualTo("new");
        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        assertThat(claims.getStringClaim("appId")).isEqualTo(appId);
        assertThat(claims.getStringClaim("cabinet")).isEqualTo(CABINET);
        assertThat(claims.getStringClaim("user")).isEqualTo(user);
        assertThat(claims.getJWTID()).isNotBlank();
        assertThat(claims.getExpirationTime()).isNotNull();

        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("CABINETNAME", CABINET);
        headers.put("APPID", appId);
        headers.put("accesstoken", token);
        headers.put("SessionValid", sessionValid);
        Answer generated = post(PROCESS_XML, headers, sample("process-xml.json"));
        assertThat(generated.status()).as(generated.raw()).isEqualTo("0");
        assertThat(extract(generated.text("filePathName")).pages()).isPositive();

        Answer disconnected = post(DISCONNECT, headers, null);
        assertThat(disconnected.status()).isEqualTo("0");
        assertThat(disconnected.text("description")).isEqualTo("Success");

        Answer refused = post(PROCESS_XML, headers, sample("process-xml.json"));
        assertThat(refused.status()).isEqualTo("-50146");
        assertThat(post(DISCONNECT, headers, null).status()).isEqualTo("-50146");
    }

    @Test
    void sessionIdIsIgnoredInOAuthMode() {
        Answer answer = post(DISCONNECT, Map.of("cabinetName", CABINET, "sessionId", "anything-at-all"), null);

        assertThat(answer.status()).isEqualTo("-50146");
        assertThat(answer.text("description")).contains("appId, accessToken and sessionValid");
    }

    @Test
    void appIdCodesFollowTheContract() {
        String user = newUser(cabinetId(), Role.OPERATOR);
        Directory.Cabinet other = directory.createCabinet("oa" + NAMES.incrementAndGet());
        String foreignAppId = newApplication(other.id());

        assertThat(post(
                                CONNECT,
                                Map.of("cabinetName", CABINET),
                                json(login(user, java.util.UUID.randomUUID().toString(), "10")))
                        .status())
                .isEqualTo("-50338");
        Answer foreign = post(CONNECT, Map.of("cabinetName", CABINET), json(login(user, foreignAppId, "10")));
        assertThat(foreign.status()).isEqualTo("-50338");
        assertThat(foreign.text("description")).startsWith("You have provided wrong value of AppId. Please check it");
        Answer missing = post(CONNECT, Map.of("cabinetName", CABINET), json(login(user, null, "10")));
        assertThat(missing.status()).isEqualTo("-1000");
        assertThat(missing.text("description")).startsWith("You have provided wrong value of AppId , please check it.");
        assertThat(post(CONNECT, Map.of("cabinetName", CABINET), json(login(user, "not-a-uuid", "10")))
                        .status())
                .isEqualTo("-1000");
    }

    @Test
    void sessionExpiryTimeIsRequiredInWholeMinutes() {
        String appId = newApplication(cabinetId());
        String user = newUser(cabinetId(), Role.OPERATOR);

        assertThat(post(CONNECT, Map.of("cabinetName", CABINET), json(login(user, appId, null)))
                        .status())
                .isEqualTo("1");
        assertThat(post(CONNECT, Map.of("cabinetName", CABINET), json(login(user, appId, "0")))
                        .status())
                .isEqualTo("1");
        assertThat(post(CONNECT, Map.of("cabinetName", CABINET), json(login(user, appId, "1.5")))
                        .status())
                .isEqualTo("1");
        assertThat(post(CONNECT, Map.of("cabinetName", CABINET), json(login(user, appId, 30)))
                        .status())
                .isEqualTo("0");
    }

    @Test
    void askedLifetimeIsCutToTheServerMaximum() throws Exception {
        String appId = newApplication(cabinetId());
        String user = newUser(cabinetId(), Role.OPERATOR);

        Access access = connectOAuth(CABINET, user, appId, "1440");

        JWTClaimsSet claims = parse(access.accessToken()).getJWTClaimsSet();
        long lifetime = claims.getExpirationTime().toInstant().getEpochSecond()
                - claims.getIssueTime().toInstant().getEpochSecond();
        assertThat(lifetime).isEqualTo(Duration.ofHours(2).toSeconds());
        assertThat(access.sessionValid())
                .startsWith(claims.getExpirationTime().toInstant().getEpochSecond() + ".");
    }

    @Test
    void sessionEndsWhenItsLifetimeHasPassed() {
        String appId = newApplication(cabinetId());
        Access access = connectOAuth(CABINET, newUser(cabinetId(), Role.OPERATOR), appId, "1");
        assertThat(probe(access.headers())).isZero();

        CLOCK.advance(Duration.ofSeconds(50));
        assertThat(probe(access.headers())).isZero();
        CLOCK.advance(Duration.ofSeconds(11));

        assertThat(probe(access.headers())).isEqualTo(-50146);
    }

    @Test
    void tamperedTokensAreRefused() throws Exception {
        Access access = connectOAuth(CABINET, newUser(cabinetId(), Role.OPERATOR), newApplication(cabinetId()), "10");
        String[] parts = access.accessToken().split("\\.");
        String otherUserPayload = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                        .replace("\"oauth", "\"oms\",\"x\":\"")
                        .getBytes(StandardCharsets.UTF_8));
        String unsigned = Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8))
                + "." + parts[1] + ".";

        assertThat(probe(access.withToken(parts[0] + "." + otherUserPayload + "." + parts[2], access.sessionValid())
                        .headers()))
                .isEqualTo(-50146);
        assertThat(probe(access.withToken(unsigned, access.sessionValid()).headers()))
                .isEqualTo(-50146);
        assertThat(probe(access.withToken(access.accessToken() + "x", access.sessionValid())
                        .headers()))
                .isEqualTo(-50146);
        assertThat(probe(access.withToken("not a token", access.sessionValid()).headers()))
                .isEqualTo(-50146);
        assertThat(probe(access.headers())).isZero();
    }

    @Test
    void listedOldKeyStillVerifiesAndUnknownKidIsRefused() throws Exception {
        Access access = connectOAuth(CABINET, newUser(cabinetId(), Role.OPERATOR), newApplication(cabinetId()), "10");
        JWTClaimsSet claims = parse(access.accessToken()).getJWTClaimsSet();
        Instant expiry = claims.getExpirationTime().toInstant();
        String byOldKey = resign(access.accessToken(), "old", OLD_KEY);
        String oldValid = AccessTokens.sessionValid(OLD_KEY, claims.getJWTID(), expiry);
        byte[] strangerKey = randomKey();
        String byUnknownKid = resign(access.accessToken(), "ghost", strangerKey);
        String strangerValid = AccessTokens.sessionValid(strangerKey, claims.getJWTID(), expiry);
        String oldKidWrongKey = resign(access.accessToken(), "old", strangerKey);

        assertThat(probe(access.withToken(byOldKey, oldValid).headers())).isZero();
        assertThat(probe(access.withToken(byUnknownKid, strangerValid).headers()))
                .isEqualTo(-50146);
        assertThat(probe(access.withToken(oldKidWrongKey, strangerValid).headers()))
                .isEqualTo(-50146);
    }

    @Test
    void tokenOfOneCabinetIsRefusedInAnother() {
        Directory.Cabinet other = directory.createCabinet("ob" + NAMES.incrementAndGet());
        String otherUser = newUser(other.id(), Role.OPERATOR);
        Access home = connectOAuth(CABINET, newUser(cabinetId(), Role.OPERATOR), newApplication(cabinetId()), "10");
        Access elsewhere = connectOAuth(other.name(), otherUser, newApplication(other.id()), "10");

        Map<String, String> crossed = home.headers();
        crossed.put("cabinetName", other.name());
        Map<String, String> crossedBack = elsewhere.headers();
        crossedBack.put("cabinetName", CABINET);

        assertThat(probe(crossed)).isEqualTo(-50146);
        assertThat(probe(crossedBack)).isEqualTo(-50146);
        assertThat(probe(home.headers())).isZero();
        assertThat(probe(elsewhere.headers())).isZero();
    }

    @Test
    void sessionValidCannotBeChangedOrSwapped() throws Exception {
        Access first = connectOAuth(CABINET, newUser(cabinetId(), Role.OPERATOR), newApplication(cabinetId()), "10");
        Access second = connectOAuth(CABINET, newUser(cabinetId(), Role.OPERATOR), newApplication(cabinetId()), "10");
        String[] valid = first.sessionValid().split("\\.");
        String extended = (Long.parseLong(valid[0]) + 86_400) + "." + valid[1];

        assertThat(probe(first.withToken(first.accessToken(), extended).headers()))
                .isEqualTo(-50146);
        assertThat(probe(first.withToken(first.accessToken(), second.sessionValid())
                        .headers()))
                .isEqualTo(-50146);
        assertThat(probe(first.withToken(first.accessToken(), "").headers())).isEqualTo(-50146);
        Map<String, String> otherApp = first.headers();
        otherApp.put("appId", second.appId());
        assertThat(probe(otherApp)).isEqualTo(-50146);
        Map<String, String> noAppId = first.headers();
        noAppId.remove("appId");
        assertThat(probe(noAppId)).isEqualTo(-50146);
        assertThat(probe(first.headers())).isZero();
    }

    @Test
    void takeOverDisablingAndRemovingTheApplicationRevokeTokens() {
        String appId = newApplication(cabinetId());
        String user = newUser(cabinetId(), Role.OPERATOR);
        Access first = connectOAuth(CABINET, user, appId, "10");
        Access second = connectOAuth(CABINET, user, appId, "10");
        assertThat(probe(first.headers())).isEqualTo(-50146);
        assertThat(probe(second.headers())).isZero();

        long userId = directory.findAccount(cabinetId(), user).orElseThrow().id();
        directory.setUserState(userId, false, null, Role.OPERATOR);
        assertThat(probe(second.headers())).isEqualTo(-50146);

        String other = newUser(cabinetId(), Role.OPERATOR);
        Access third = connectOAuth(CABINET, other, appId, "10");
        applications.remove(cabinetId(), appId);
        assertThat(probe(third.headers())).isEqualTo(-50146);
    }

    @Test
    void adminApiTakesTheOAuthHeaders() {
        Access supervisor =
                connectOAuth(CABINET, newUser(cabinetId(), Role.SUPERVISOR), newApplication(cabinetId()), "10");

        Answer registered = post("/admin/applications", supervisor.headers(), json(Map.of("name", "Portal")));

        assertThat(registered.httpStatus()).as(registered.raw()).isEqualTo(201);
        String appId = registered.text("appId");
        assertThat(appId).matches("[0-9a-f-]{36}");
        String user = newUser(cabinetId(), Role.OPERATOR);
        assertThat(probe(connectOAuth(CABINET, user, appId, "5").headers())).isZero();
    }
}
