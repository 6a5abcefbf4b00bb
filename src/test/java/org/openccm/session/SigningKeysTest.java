package org.openccm.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Key rotation and the key file, without a server. */
class SigningKeysTest {
    private static final String OLD = "old:" + key(64);
    private static final String NEW = "new:" + key(64);

    private static String key(int bytes) {
        byte[] key = new byte[bytes];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    private static AccessTokens.Issued issueWith(SigningKeys keys, Instant now) {
        return new AccessTokens(keys).issue("app", "cab", "user", now, now.plus(Duration.ofMinutes(10)));
    }

    @Test
    void tokenOfTheOldKeyVerifiesWhileListedAndNotAfterRemoval() {
        Instant now = Instant.now();
        AccessTokens.Issued byOld = issueWith(SigningKeys.parse(OLD, ""), now);

        AccessTokens rotated = new AccessTokens(SigningKeys.parse(NEW + "," + OLD, "new"));
        AccessTokens oldRemoved = new AccessTokens(SigningKeys.parse(NEW, ""));

        assertThat(rotated.verify(byOld.accessToken(), byOld.sessionValid(), now))
                .hasValueSatisfying(claims -> assertThat(claims.jti()).isEqualTo(byOld.jti()));
        assertThat(oldRemoved.verify(byOld.accessToken(), byOld.sessionValid(), now))
                .isEmpty();
    }

    @Test
    void signingKeyIsTheNamedOneOrTheFirstListed() throws Exception {
        Instant now = Instant.now();

        String byDefault =
                issueWith(SigningKeys.parse(NEW + "\n" + OLD, ""), now).accessToken();
        String byChoice =
                issueWith(SigningKeys.parse(NEW + "\n" + OLD, "old"), now).accessToken();

        assertThat(com.nimbusds.jwt.SignedJWT.parse(byDefault).getHeader().getKeyID())
                .isEqualTo("new");
        assertThat(com.nimbusds.jwt.SignedJWT.parse(byChoice).getHeader().getKeyID())
                .isEqualTo("old");
    }

    @Test
    void expiredTokenIsRefused() {
        Instant now = Instant.now();
        SigningKeys keys = SigningKeys.parse(NEW, "");
        AccessTokens.Issued issued = issueWith(keys, now);

        assertThat(new AccessTokens(keys).verify(issued.accessToken(), issued.sessionValid(), now.plusSeconds(601)))
                .isEmpty();
    }

    @Test
    void badKeySettingsStopTheStart() {
        assertThatThrownBy(() -> SigningKeys.parse("short:" + key(32), "")).hasMessageContaining("at least 64");
        assertThatThrownBy(() -> SigningKeys.parse(NEW, "missing")).hasMessageContaining("not listed");
        assertThatThrownBy(() -> SigningKeys.parse(NEW + "," + NEW, "")).hasMessageContaining("twice");
        assertThatThrownBy(() -> SigningKeys.parse("no-colon", "")).hasMessageContaining("kid:base64");
        assertThatThrownBy(() -> SigningKeys.parse("", "")).hasMessageContaining("no key");
    }

    @Test
    void generatedKeyFileIsOwnerOnlyAndReusedOnTheNextStart(@TempDir Path folder) throws Exception {
        Path file = folder.resolve("oauth-keys");
        Instant now = Instant.now();

        AccessTokens.Issued issued = issueWith(SigningKeys.configuredOrFromFile("", "", file), now);
        SigningKeys again = SigningKeys.configuredOrFromFile("", "", file);

        assertThat(Files.getPosixFilePermissions(file))
                .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
        assertThat(new AccessTokens(again).verify(issued.accessToken(), issued.sessionValid(), now))
                .isPresent();
    }
}
