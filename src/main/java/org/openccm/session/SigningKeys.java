package org.openccm.session;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.openccm.shared.security.Tokens;

/**
 * The keys that sign and check OAuth access tokens, each named by its key id ({@code kid}). One
 * key signs new tokens; every listed key still checks the tokens it signed, so a key can be
 * replaced without logging everybody out: add the new key, make it the signing key, and remove
 * the old one once its tokens have expired.
 *
 * <p>Keys are written {@code kid:base64}, separated by commas or new lines, with at least 64
 * random bytes each (HS512 needs a 512-bit key). Without configured keys, the embedded default
 * generates one into an owner-only file that later starts read again.
 */
final class SigningKeys {
    static final int MINIMUM_KEY_BYTES = 64;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, byte[]> keys;
    private final String signingKeyId;

    private SigningKeys(Map<String, byte[]> keys, String signingKeyId) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("oms.session.oauth-keys lists no key");
        }
        String chosen = signingKeyId.isBlank() ? keys.keySet().iterator().next() : signingKeyId.strip();
        if (!keys.containsKey(chosen)) {
            throw new IllegalArgumentException(
                    "oms.session.oauth-signing-key names kid '" + chosen + "', which is not listed");
        }
        this.keys = keys;
        this.signingKeyId = chosen;
    }

    /** Keys from the setting's text, for example {@code new:AbC...,old:XyZ...}. */
    static SigningKeys parse(String listed, String signingKeyId) {
        Map<String, byte[]> keys = new LinkedHashMap<>();
        for (String entry : listed.split("[,\\s]+")) {
            if (entry.isBlank()) {
                continue;
            }
            int colon = entry.indexOf(':');
            String kid = colon < 0 ? "" : entry.substring(0, colon);
            if (!kid.matches("[A-Za-z0-9_.-]{1,32}")) {
                throw new IllegalArgumentException(
                        "Each oms.session.oauth-keys entry reads kid:base64, with a kid of 1-32 letters, digits, '.', '_' or '-'");
            }
            byte[] secret = decode(entry.substring(colon + 1), kid);
            if (keys.put(kid, secret) != null) {
                throw new IllegalArgumentException("oms.session.oauth-keys lists kid '" + kid + "' twice");
            }
        }
        return new SigningKeys(keys, signingKeyId);
    }

    /**
     * The configured keys, or else the key file (generated on the first start): every instance
     * of an installation needs the same keys, so several instances should configure them.
     */
    static SigningKeys configuredOrFromFile(String listed, String signingKeyId, Path keyFile) {
        if (!listed.isBlank()) {
            return parse(listed, signingKeyId);
        }
        try {
            if (!Files.exists(keyFile)) {
                generate(keyFile);
            }
            return parse(Files.readString(keyFile), signingKeyId);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create the OAuth key file " + keyFile, e);
        }
    }

    private static void generate(Path keyFile) throws IOException {
        byte[] secret = new byte[MINIMUM_KEY_BYTES];
        RANDOM.nextBytes(secret);
        String kid = "k" + Tokens.randomUrlSafe(6).replace('-', 'x').replace('_', 'y');
        Files.createDirectories(keyFile.toAbsolutePath().getParent());
        Path temporary = Files.createTempFile(
                keyFile.toAbsolutePath().getParent(),
                ".oauth-",
                ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(temporary, kid + ":" + Base64.getEncoder().encodeToString(secret) + "\n");
        try {
            Files.move(temporary, keyFile);
        } catch (java.nio.file.FileAlreadyExistsException raced) {
            // Another instance on the same data folder wrote it first; its key wins.
            Files.deleteIfExists(temporary);
        }
    }

    private static byte[] decode(String text, String kid) {
        byte[] secret;
        try {
            secret = text.contains("-") || text.contains("_")
                    ? Base64.getUrlDecoder().decode(text)
                    : Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("The OAuth key '" + kid + "' is not valid Base64");
        }
        if (secret.length < MINIMUM_KEY_BYTES) {
            throw new IllegalArgumentException("The OAuth key '" + kid + "' has " + secret.length
                    + " bytes; HS512 needs at least " + MINIMUM_KEY_BYTES);
        }
        return secret;
    }

    String signingKeyId() {
        return signingKeyId;
    }

    byte[] signingKey() {
        return keys.get(signingKeyId).clone();
    }

    Optional<byte[]> find(String kid) {
        return Optional.ofNullable(keys.get(kid)).map(byte[]::clone);
    }

    /** The key ids, never the keys, for the start-up log. */
    Iterable<String> keyIds() {
        return keys.keySet();
    }
}
