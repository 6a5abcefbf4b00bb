package org.openccm.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.openccm.support.ApiTestBase;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The server started as the README says for HTTPS: with a PKCS12 key store (made here by keytool
 * for 127.0.0.1) in the server.ssl settings. A client that trusts only that certificate logs in
 * over TLS.
 *
 * <p>Its context is its own: closed after the class and with a small pool, so that it does not
 * hold database connections the other test contexts need (PostgreSQL allows only so many).
 */
@DirtiesContext
class HttpsTest extends ApiTestBase {
    private static final String STORE_PASSWORD = "store-" + Long.toHexString(System.nanoTime());
    private static final Path KEY_STORE = generateKeyStore();

    @DynamicPropertySource
    static void tls(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.hikari.maximum-pool-size", () -> "4");
        registry.add("server.ssl.enabled", () -> "true");
        registry.add("server.ssl.key-store", KEY_STORE::toString);
        registry.add("server.ssl.key-store-type", () -> "PKCS12");
        registry.add("server.ssl.key-store-password", () -> STORE_PASSWORD);
        registry.add("server.ssl.key-alias", () -> "openccm");
    }

    /** A self-signed certificate for 127.0.0.1 in a fresh PKCS12 key store, by the JDK's keytool. */
    private static Path generateKeyStore() {
        try {
            Path folder = Files.createTempDirectory("openccm-tls");
            Path store = folder.resolve("server.p12");
            Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
            Process process = new ProcessBuilder(
                            keytool.toString(),
                            "-genkeypair",
                            "-alias",
                            "openccm",
                            "-keyalg",
                            "EC",
                            "-groupname",
                            "secp256r1",
                            "-dname",
                            "CN=127.0.0.1",
                            "-ext",
                            "SAN=ip:127.0.0.1",
                            "-validity",
                            "2",
                            "-storetype",
                            "PKCS12",
                            "-keystore",
                            store.toString(),
                            "-storepass",
                            STORE_PASSWORD)
                    .redirectErrorStream(true)
                    .start();
            String printed = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool failed: " + printed);
            }
            return store;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Trusts exactly the server's certificate. */
    private static SSLContext trustingOurCertificate() throws GeneralSecurityException, IOException {
        KeyStore server = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(KEY_STORE)) {
            server.load(in, STORE_PASSWORD.toCharArray());
        }
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("server", server.getCertificate("openccm"));
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    @Test
    void connectCabinetWorksOverTls() throws Exception {
        HttpClient client = HttpClient.newBuilder()
                .sslContext(trustingOurCertificate())
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("https://127.0.0.1:" + port + "/OMSSessionManagement/connectCabinet"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("cabinetName", CABINET)
                .POST(HttpRequest.BodyPublishers.ofString(json(
                        Map.of("userName", "oms", "userPassword", "11sp1", "connectForcefully", "Y", "encrFlag", "N"))))
                .build();

        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());

        JsonNode body = JSON.readTree(response.body());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(body.path("status").asString()).as(response.body()).isEqualTo("0");
        assertThat(body.path("sessionId").asString()).isNotBlank();
        SSLSession tls = response.sslSession().orElseThrow();
        assertThat(tls.getProtocol()).startsWith("TLSv1.");
        assertThat(tls.getPeerCertificates()).hasSize(1);
    }

    @Test
    void plainHttpIsNotServedOnTheTlsPort() {
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/OMSSessionManagement/connectCabinet"))
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build();

        int status;
        try {
            status = client.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (IOException | InterruptedException e) {
            status = -1;
        }

        assertThat(status).isNotEqualTo(200);
    }
}
