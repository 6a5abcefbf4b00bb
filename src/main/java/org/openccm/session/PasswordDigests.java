package org.openccm.session;

import java.util.Locale;
import org.openccm.shared.security.Tokens;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Stores and checks passwords so that both clear-text logins and the contract's client-side
 * digests (encrFlag=Y) work, without ever keeping a password or a bare digest.
 *
 * <p>For each supported digest algorithm we keep an Argon2id hash of the lower-case hex digest of
 * the password. A clear-text login computes the SHA-256 digest and checks it against the SHA-256
 * entry; a digest login checks the digest it was sent against the entry for its algorithm. The
 * MD5 entry exists only for users whose password was set while MD5 logins were enabled.
 */
final class PasswordDigests {
    private final PasswordEncoder slowHash = Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8();

    /** The stored form of a new password. */
    public StoredPassword protect(String password, boolean withMd5) {
        return new StoredPassword(
                slowHash.encode(hex("SHA-256", password)),
                slowHash.encode(hex("SHA-512", password)),
                withMd5 ? slowHash.encode(hex("MD5", password)) : null);
    }

    public boolean matchesClearText(String password, StoredPassword stored) {
        return slowHash.matches(hex("SHA-256", password), stored.sha256());
    }

    public boolean matchesDigest(DigestAlgorithm algorithm, String hexDigest, StoredPassword stored) {
        String expected = stored.entryFor(algorithm);
        return expected != null && slowHash.matches(hexDigest.toLowerCase(Locale.ROOT), expected);
    }

    /** Spends the same effort as a real check, so that unknown users are not told apart by timing. */
    public void burnEquivalentTime() {
        slowHash.matches("x", DUMMY);
    }

    private static final String DUMMY =
            Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8().encode("dummy");

    static String hex(String algorithm, String text) {
        return Tokens.hexDigest(algorithm, text);
    }

    /** The digest algorithms of passAlgoType. */
    enum DigestAlgorithm {
        MD5("1", 32),
        SHA_256("2", 64),
        SHA_512("3", 128);

        private final String passAlgoType;
        private final int hexLength;

        DigestAlgorithm(String passAlgoType, int hexLength) {
            this.passAlgoType = passAlgoType;
            this.hexLength = hexLength;
        }

        public int hexLength() {
            return hexLength;
        }

        public static DigestAlgorithm ofPassAlgoType(String value) {
            for (DigestAlgorithm algorithm : values()) {
                if (algorithm.passAlgoType.equals(value)) {
                    return algorithm;
                }
            }
            return null;
        }
    }

    /** The three stored hashes of one password; md5 may be null. */
    record StoredPassword(String sha256, String sha512, String md5) {
        String entryFor(DigestAlgorithm algorithm) {
            return switch (algorithm) {
                case MD5 -> md5;
                case SHA_256 -> sha256;
                case SHA_512 -> sha512;
            };
        }

        @Override
        public String toString() {
            return "StoredPassword[hidden]";
        }
    }
}
