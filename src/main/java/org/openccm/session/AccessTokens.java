package org.openccm.session;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.text.ParseException;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.openccm.shared.security.Tokens;

/**
 * OAuth access tokens: HS512-signed JWTs whose claims name the application, cabinet, user,
 * session (jti) and expiry, and the {@code sessionValid} value that goes with each token.
 *
 * <p>sessionValid reads {@code <expiry epoch seconds>.<MAC>}, where the MAC covers the token's
 * jti and that expiry under a key derived from the token's signing key: a client that changes
 * the expiry, or pairs the value with another token, is refused. Thread-safe.
 */
final class AccessTokens {
    static final String ISSUER = "openccm";
    private static final int MAX_TOKEN_LENGTH = 4096;
    private static final byte[] SESSION_VALID_LABEL = "openccm sessionValid v1".getBytes(StandardCharsets.UTF_8);

    private final SigningKeys keys;

    AccessTokens(SigningKeys keys) {
        this.keys = keys;
    }

    /** A freshly issued token with its sessionValid; the jti names the server-side session row. */
    record Issued(String accessToken, String sessionValid, String jti, Instant expiresAt) {
        @Override
        public String toString() {
            return "Issued[jti hidden, expiresAt=" + expiresAt + "]";
        }
    }

    /** What a token that passed every check says. */
    record Claims(String appId, String cabinetName, String userName, String jti, Instant expiresAt) {}

    Issued issue(String appId, String cabinetName, String userName, Instant now, Instant expiresAt) {
        Instant expiry = Instant.ofEpochSecond(expiresAt.getEpochSecond());
        String jti = Tokens.randomUrlSafe(24);
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject(userName)
                .jwtID(jti)
                .issueTime(Date.from(Instant.ofEpochSecond(now.getEpochSecond())))
                .expirationTime(Date.from(expiry))
                .claim("appId", appId)
                .claim("cabinet", cabinetName)
                .claim("user", userName)
                .build();
        String kid = keys.signingKeyId();
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.HS512)
                .type(JOSEObjectType.JWT)
                .keyID(kid)
                .build();
        SignedJWT token = new SignedJWT(header, claims);
        try {
            token.sign(new MACSigner(keys.signingKey()));
        } catch (JOSEException e) {
            throw new IllegalStateException("Cannot sign an access token with key " + kid, e);
        }
        return new Issued(token.serialize(), sessionValid(keys.signingKey(), jti, expiry), jti, expiry);
    }

    /**
     * The claims of a token that is well-formed, signed by a listed key with HS512, unexpired at
     * {@code now}, and whose sessionValid matches it; empty for anything else, so that every
     * failure looks the same to the caller.
     */
    Optional<Claims> verify(String accessToken, String sessionValid, Instant now) {
        if (accessToken == null || sessionValid == null || accessToken.length() > MAX_TOKEN_LENGTH) {
            return Optional.empty();
        }
        try {
            SignedJWT token = SignedJWT.parse(accessToken.strip());
            JWSHeader header = token.getHeader();
            if (!JWSAlgorithm.HS512.equals(header.getAlgorithm()) || header.getKeyID() == null) {
                return Optional.empty();
            }
            Optional<byte[]> key = keys.find(header.getKeyID());
            if (key.isEmpty() || !token.verify(new MACVerifier(key.get()))) {
                return Optional.empty();
            }
            JWTClaimsSet claims = token.getJWTClaimsSet();
            Date expiry = claims.getExpirationTime();
            String jti = claims.getJWTID();
            String appId = claims.getStringClaim("appId");
            String cabinet = claims.getStringClaim("cabinet");
            String user = claims.getStringClaim("user");
            if (expiry == null || jti == null || appId == null || cabinet == null || user == null) {
                return Optional.empty();
            }
            Instant expiresAt = expiry.toInstant();
            if (!now.isBefore(expiresAt)) {
                return Optional.empty();
            }
            byte[] expected = sessionValid(key.get(), jti, expiresAt).getBytes(StandardCharsets.US_ASCII);
            if (!MessageDigest.isEqual(expected, sessionValid.strip().getBytes(StandardCharsets.US_ASCII))) {
                return Optional.empty();
            }
            return Optional.of(new Claims(appId, cabinet, user, jti, expiresAt));
        } catch (ParseException | JOSEException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The sessionValid that goes with a token of this jti and expiry signed with this key. */
    static String sessionValid(byte[] signingKey, String jti, Instant expiry) {
        String expirySeconds = Long.toString(expiry.getEpochSecond());
        byte[] mac = hmac(
                hmac(signingKey, SESSION_VALID_LABEL), (jti + "." + expirySeconds).getBytes(StandardCharsets.UTF_8));
        return expirySeconds + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(mac);
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The JDK lacks HmacSHA256", e);
        }
    }
}
