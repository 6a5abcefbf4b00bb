package org.openccm.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openccm.delivery.Channels;
import org.openccm.session.Role;
import org.openccm.shared.security.SecretBox;
import org.openccm.support.ApiTestBase;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A second instance of the installation whose key list puts a new key first: it reads what the
 * old key sealed, and the reseal endpoint moves a cabinet's channel and data source secrets to the
 * new key, after which the old key is no longer needed for them.
 *
 * <p>Its context is its own: closed after the class and with a small pool, so that it does not
 * hold database connections the other test contexts need (PostgreSQL allows only so many).
 */
@DirtiesContext
class SecretRotationTest extends ApiTestBase {
    private static final String NEW_KEY = randomKey();

    @Autowired
    JdbcClient jdbc;

    @DynamicPropertySource
    static void rotatedKeys(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.hikari.maximum-pool-size", () -> "4");
        registry.add("oms.secrets.key", () -> "k2:" + NEW_KEY + "," + legacyKey());
    }

    private static String randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /** The key the other test contexts use: the data folder's key file, created here if none did yet. */
    private static synchronized String legacyKey() {
        Path file = DATA_DIR.resolve("secrets.key");
        try {
            if (!Files.exists(file)) {
                Files.writeString(file, randomKey());
            }
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void resealMovesACabinetsSecretsToTheNewKey() {
        SecretBox legacy = new SecretBox(legacyKey(), null);
        SecretBox newOnly = new SecretBox("k2:" + NEW_KEY, null);
        long cabinetId = directory.createCabinet("rotation").id();
        directory.createUser(cabinetId, "keeper", "Keeper-Pass-1", Role.SUPERVISOR);
        new Channels(jdbc, Clock.systemUTC(), legacy)
                .create(
                        cabinetId,
                        "OLDMAIL",
                        "MAIL",
                        Map.of("transport", "SMTP", "host", "127.0.0.1", "password", "Old-Channel-Secret"));
        jdbc.sql("""
                        insert into data_source (cabinet_id, name, jdbc_url, username, password_sealed, pool_size,
                                                 revision, created_at, updated_at)
                        values (?, 'olddb', 'jdbc:postgresql://127.0.0.1:5432/test', 'reader', ?, 2, 1, ?, ?)""")
                .params(
                        cabinetId,
                        legacy.encrypt("Old-DataSource-Secret"),
                        Timestamp.from(Instant.now()),
                        Timestamp.from(Instant.now()))
                .update();
        String otherCabinetsBefore = sealedChannelPasswords(
                directory.findCabinet(CABINET).orElseThrow().id());
        String session = login("rotation", "keeper", "Keeper-Pass-1");

        Answer first = post("/admin/secrets/reseal", Map.of("cabinetName", "rotation", "sessionId", session), null);
        Answer second = post("/admin/secrets/reseal", Map.of("cabinetName", "rotation", "sessionId", session), null);

        assertThat(first.httpStatus()).as(first.raw()).isEqualTo(200);
        assertThat(first.body().get("channels").asInt()).isEqualTo(1);
        assertThat(first.body().get("dataSources").asInt()).isEqualTo(1);
        assertThat(second.body().get("channels").asInt()).isZero();
        assertThat(second.body().get("dataSources").asInt()).isZero();
        String channelPassword = sealedChannelPasswords(cabinetId);
        String dataSourcePassword = jdbc.sql("select password_sealed from data_source where cabinet_id = ?")
                .param(cabinetId)
                .query(String.class)
                .single();
        assertThat(channelPassword).startsWith("enc:v2:k2:");
        assertThat(newOnly.decrypt(channelPassword)).isEqualTo("Old-Channel-Secret");
        assertThat(dataSourcePassword).startsWith("enc:v2:k2:");
        assertThat(newOnly.decrypt(dataSourcePassword)).isEqualTo("Old-DataSource-Secret");
        assertThat(sealedChannelPasswords(
                        directory.findCabinet(CABINET).orElseThrow().id()))
                .isEqualTo(otherCabinetsBefore);
        assertThat(first.raw()).doesNotContain("Old-Channel-Secret").doesNotContain("Old-DataSource-Secret");
    }

    private String sealedChannelPasswords(long cabinetId) {
        return String.join(
                ",",
                jdbc.sql("select settings from channel where cabinet_id = ? order by name")
                        .param(cabinetId)
                        .query((rs, n) -> {
                            String settings = rs.getString(1);
                            int at = settings == null ? -1 : settings.indexOf("\"password\":\"");
                            return at < 0 ? "" : settings.substring(at + 12, settings.indexOf('"', at + 12));
                        })
                        .list());
    }

    private String login(String cabinet, String user, String password) {
        Answer answer = post(
                "/OMSSessionManagement/connectCabinet",
                Map.of("cabinetName", cabinet),
                json(Map.of("userName", user, "userPassword", password, "connectForcefully", "Y", "encrFlag", "N")));
        assertThat(answer.status()).as(answer.raw()).isEqualTo("0");
        return answer.text("sessionId");
    }
}
