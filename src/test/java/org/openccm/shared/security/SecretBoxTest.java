package org.openccm.shared.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Keys with ids, the legacy form, and rotation from one key to the next. */
class SecretBoxTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    private static String newKey() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    @Test
    void aBareKeyKeepsTheLegacyForm() {
        SecretBox box = new SecretBox(newKey(), null);

        String sealed = box.encrypt("smtp-password");

        assertThat(sealed).startsWith("enc:v1:");
        assertThat(box.decrypt(sealed)).isEqualTo("smtp-password");
        assertThat(box.isSealedWithCurrentKey(sealed)).isTrue();
    }

    @Test
    void theFirstKeySealsAndEveryKeyOpens() {
        String legacyKey = newKey();
        String oldKey = newKey();
        String legacyValue = new SecretBox(legacyKey, null).encrypt("legacy secret");
        String oldValue = new SecretBox("old:" + oldKey, null).encrypt("old secret");
        SecretBox rotated = new SecretBox("new:" + newKey() + ", old:" + oldKey + "," + legacyKey, null);

        String fresh = rotated.encrypt("fresh secret");

        assertThat(fresh).startsWith("enc:v2:new:");
        assertThat(rotated.decrypt(fresh)).isEqualTo("fresh secret");
        assertThat(rotated.decrypt(oldValue)).isEqualTo("old secret");
        assertThat(rotated.decrypt(legacyValue)).isEqualTo("legacy secret");
        assertThat(rotated.isSealedWithCurrentKey(oldValue)).isFalse();
        assertThat(rotated.isSealedWithCurrentKey(legacyValue)).isFalse();
    }

    @Test
    void resealMovesAValueToTheCurrentKeySoTheOldKeyCanBeDropped() {
        String oldKey = newKey();
        String newKey = newKey();
        String oldValue = new SecretBox(oldKey, null).encrypt("gateway token");
        SecretBox rotating = new SecretBox("k2:" + newKey + "," + oldKey, null);

        String resealed = rotating.reseal(oldValue);

        assertThat(resealed).startsWith("enc:v2:k2:");
        assertThat(rotating.reseal(resealed)).isSameAs(resealed);
        assertThat(new SecretBox("k2:" + newKey, null).decrypt(resealed)).isEqualTo("gateway token");
        assertThatThrownBy(() -> new SecretBox("k2:" + newKey, null).decrypt(oldValue))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageNotContaining("gateway token");
    }

    @Test
    void aValueNamesItsKeyAndCannotBeMovedToAnother() {
        String key = newKey();
        SecretBox box = new SecretBox("a:" + key + ",b:" + key, null);
        String sealed = box.encrypt("bound to a");

        String relabelled = sealed.replace("enc:v2:a:", "enc:v2:b:");

        assertThatThrownBy(() -> box.decrypt(relabelled)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new SecretBox("c:" + newKey(), null).decrypt(sealed))
                .hasMessageContaining("key 'a'");
    }

    @Test
    void badKeyListsAreRefusedWithoutShowingKeys() {
        String key = newKey();

        assertThatThrownBy(() -> new SecretBox("a:" + key + ",a:" + newKey(), null))
                .hasMessageContaining("twice");
        assertThatThrownBy(() -> new SecretBox(key + "," + newKey(), null)).hasMessageContaining("legacy");
        assertThatThrownBy(() -> new SecretBox("a:c2hvcnQ=", null))
                .hasMessageContaining("32 random bytes")
                .hasMessageNotContaining("c2hvcnQ");
        assertThatThrownBy(() -> new SecretBox("bad id!:" + key, null)).hasMessageContaining("key id");
        assertThatThrownBy(() -> new SecretBox(" , ", null)).hasMessageContaining("no key");
    }
}
