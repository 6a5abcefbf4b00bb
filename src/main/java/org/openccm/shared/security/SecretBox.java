package org.openccm.shared.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openccm.storage.StorageProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Encrypts configuration secrets (SMTP passwords, gateway tokens, data source passwords) before
 * they are stored, with AES-256-GCM.
 *
 * <p>The keys come from {@code OMS_SECRETS_KEY}, which every instance of an installation must
 * share; without it, the embedded default keeps them in an owner-only file in the data folder.
 * Either holds a comma-separated list of keys, each {@code id:base64} or a bare {@code base64}
 * (the legacy key, from before keys had ids). The first key seals, every listed key opens, so a
 * key is rotated by putting a new one first, sealing the stored secrets again (see {@link
 * #reseal(String)}) and then dropping the old one.
 *
 * <p>Stored values read {@code enc:v2:<key id>:<base64 iv+ciphertext>}, the key id bound to the
 * ciphertext as associated data; values sealed with the legacy key keep the earlier form {@code
 * enc:v1:<base64 iv+ciphertext>}, so that instances of an older version still read them.
 */
@Component
public class SecretBox {
    private static final Logger log = LoggerFactory.getLogger(SecretBox.class);
    private static final String LEGACY_PREFIX = "enc:v1:";
    private static final String PREFIX = "enc:v2:";
    private static final String LEGACY_ID = "legacy";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final List<Key> keys;

    private record Key(String id, SecretKeySpec spec) {
        boolean isLegacy() {
            return LEGACY_ID.equals(id);
        }
    }

    public SecretBox(@Value("${oms.secrets.key:}") String configuredKeys, StorageProperties storage) {
        this.keys = parseKeys(
                configuredKeys.isBlank() ? keyFile(storage.dataDir().resolve("secrets.key")) : configuredKeys,
                configuredKeys.isBlank() ? "the secrets key file" : "OMS_SECRETS_KEY");
        log.info(
                "Secrets are sealed with key '{}'; {} key(s) can open them",
                keys.get(0).id(),
                keys.size());
    }

    public String encrypt(String plain) {
        Key current = keys.get(0);
        try {
            byte[] iv = new byte[12];
            RANDOM.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, current.spec(), new GCMParameterSpec(128, iv));
            if (!current.isLegacy()) {
                cipher.updateAAD(current.id().getBytes(StandardCharsets.US_ASCII));
            }
            byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            byte[] stored = new byte[iv.length + sealed.length];
            System.arraycopy(iv, 0, stored, 0, iv.length);
            System.arraycopy(sealed, 0, stored, iv.length, sealed.length);
            String body = Base64.getEncoder().encodeToString(stored);
            return current.isLegacy() ? LEGACY_PREFIX + body : PREFIX + current.id() + ":" + body;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot encrypt a secret", e);
        }
    }

    public String decrypt(String stored) {
        if (!isEncrypted(stored)) {
            throw new IllegalArgumentException("Not an encrypted secret");
        }
        if (stored.startsWith(LEGACY_PREFIX)) {
            return openLegacy(stored.substring(LEGACY_PREFIX.length()));
        }
        String rest = stored.substring(PREFIX.length());
        int colon = rest.indexOf(':');
        String id = colon < 0 ? "" : rest.substring(0, colon);
        Key key = keys.stream()
                .filter(candidate -> candidate.id().equals(id))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(
                        "A stored secret was sealed with key '" + printableId(id) + "', which is not configured"));
        try {
            return open(key, Base64.getDecoder().decode(rest.substring(colon + 1)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("A stored secret cannot be decrypted with key '" + key.id() + "'", e);
        }
    }

    /** The legacy form names no key: the legacy key first, then every other (GCM tells a wrong key). */
    private String openLegacy(String body) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("A stored secret is not valid Base64", e);
        }
        List<Key> order = new ArrayList<>(keys);
        order.sort((a, b) -> Boolean.compare(b.isLegacy(), a.isLegacy()));
        for (Key key : order) {
            try {
                return open(key, bytes);
            } catch (GeneralSecurityException | IllegalArgumentException wrongKey) {
                // try the next one
            }
        }
        throw new IllegalStateException("A stored secret cannot be decrypted with any configured key");
    }

    private static String open(Key key, byte[] bytes) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, key.spec(), new GCMParameterSpec(128, bytes, 0, 12));
        if (!key.isLegacy()) {
            cipher.updateAAD(key.id().getBytes(StandardCharsets.US_ASCII));
        }
        return new String(cipher.doFinal(bytes, 12, bytes.length - 12), StandardCharsets.UTF_8);
    }

    /** Whether a stored value is sealed with the key that seals new values. */
    public boolean isSealedWithCurrentKey(String stored) {
        Key current = keys.get(0);
        return current.isLegacy() ? stored.startsWith(LEGACY_PREFIX) : stored.startsWith(PREFIX + current.id() + ":");
    }

    /** The stored value sealed again with the current key (the same value if it already is). */
    public String reseal(String stored) {
        return isSealedWithCurrentKey(stored) ? stored : encrypt(decrypt(stored));
    }

    public static boolean isEncrypted(String value) {
        return value != null && (value.startsWith(LEGACY_PREFIX) || value.startsWith(PREFIX));
    }

    private static List<Key> parseKeys(String list, String source) {
        List<Key> parsed = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (String entry : list.split(",")) {
            String trimmed = entry.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            int colon = trimmed.indexOf(':');
            String id = colon < 0 ? LEGACY_ID : trimmed.substring(0, colon);
            if (!id.matches("[A-Za-z0-9_-]{1,32}")) {
                throw new IllegalArgumentException(
                        source + " holds a key id that is not 1-32 letters, digits, '_' or '-'");
            }
            if (!ids.add(id)) {
                throw new IllegalArgumentException(source + " lists the key id '" + id + "' twice"
                        + (colon < 0 ? " (a bare key is the legacy key; list at most one)" : ""));
            }
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(trimmed.substring(colon + 1));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(source + ": key '" + id + "' is not valid Base64");
            }
            if (bytes.length != 32) {
                throw new IllegalArgumentException(source + ": key '" + id + "' must be the Base64 of 32 random bytes");
            }
            parsed.add(new Key(id, new SecretKeySpec(bytes, "AES")));
        }
        if (parsed.isEmpty()) {
            throw new IllegalArgumentException(source + " holds no key");
        }
        return List.copyOf(parsed);
    }

    private static String keyFile(Path keyFile) {
        try {
            if (Files.exists(keyFile)) {
                return Files.readString(keyFile).strip();
            }
            byte[] generated = new byte[32];
            RANDOM.nextBytes(generated);
            Files.createDirectories(keyFile.getParent());
            Path temporary = Files.createTempFile(
                    keyFile.getParent(),
                    ".key-",
                    ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            String encoded = Base64.getEncoder().encodeToString(generated);
            Files.writeString(temporary, encoded);
            Files.move(temporary, keyFile);
            return encoded;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create the secrets key " + keyFile, e);
        }
    }

    private static String printableId(String id) {
        return id.matches("[A-Za-z0-9_-]{1,32}") ? id : "?";
    }
}
