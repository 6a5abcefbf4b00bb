package org.openccm.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.openccm.OpenCcmApplication;
import org.openccm.session.Directory;
import org.openccm.session.Role;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.io.ClassPathResource;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Starts the whole server on a random port (once for all tests that share this configuration)
 * with the guide's sample user oms / 11sp1 as the bootstrap supervisor, and talks to it over
 * real HTTP.
 */
@SpringBootTest(classes = OpenCcmApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class ApiTestBase {
    protected static final String CABINET = "omsCabinetName";
    protected static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final AtomicInteger USER_NUMBERS = new AtomicInteger();
    protected static final Path DATA_DIR = createDataDir();

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    protected int port;

    @Autowired
    protected Directory directory;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("oms.storage.data-dir", DATA_DIR::toString);
        registry.add("oms.bootstrap.cabinet", () -> CABINET);
        registry.add("oms.bootstrap.username", () -> "oms");
        registry.add("oms.bootstrap.password", () -> "11sp1");
        registry.add("oms.queue.poll-interval", () -> "200ms");
        registry.add("oms.queue.first-retry-delay", () -> "500ms");
        registry.add("oms.queue.max-attempts", () -> "3");
        registry.add("oms.batch.poll-interval", () -> "200ms");
        // Cached test contexts keep their pools: small idle pools keep a PostgreSQL run within max_connections.
        registry.add("spring.datasource.hikari.minimum-idle", () -> "1");
        registry.add("spring.datasource.hikari.maximum-pool-size", () -> "10");
        registry.add("oms.batch.timetable-interval", () -> "1s");
        registry.add("oms.callbacks.allow-http", () -> "true");
        registry.add("oms.callbacks.allow-loopback", () -> "true");
        TestDatabase.register(registry);
    }

    private static Path createDataDir() {
        try {
            return Files.createTempDirectory("openccm-test");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An answer: the HTTP status and the parsed JSON body. */
    protected record Answer(int httpStatus, JsonNode body, String raw) {
        public String text(String field) {
            JsonNode value = body.path(field);
            return value.isMissingNode() || value.isNull() ? null : value.asString();
        }

        /** The status (or MainCode) as text, whatever its JSON type. */
        public String status() {
            return text("status");
        }
    }

    protected Answer post(String path, Map<String, String> headers, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body == null ? "" : body));
        headers.forEach(request::header);
        return send(request.build());
    }

    protected Answer get(String path, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .GET();
        headers.forEach(request::header);
        return send(request.build());
    }

    protected Answer put(String path, Map<String, String> headers, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return send(request.build());
    }

    protected Answer delete(String path, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .DELETE();
        headers.forEach(request::header);
        return send(request.build());
    }

    /** A GET whose answer is bytes (archived content), not JSON. */
    protected HttpResponse<byte[]> getBytes(String path, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .GET();
        headers.forEach(request::header);
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Answer send(HttpRequest request) {
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode body = response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
            return new Answer(response.statusCode(), body, response.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    protected static String json(Object value) {
        return JSON.writeValueAsString(value);
    }

    /** Logs in and returns the session id, failing the test if the login is refused. */
    protected String connect(String userName, String password) {
        Answer answer = post(
                "/OMSSessionManagement/connectCabinet",
                Map.of("cabinetName", CABINET),
                json(Map.of(
                        "userName", userName, "userPassword", password, "connectForcefully", "Y", "encrFlag", "N")));
        assertThat(answer.status()).as(answer.raw()).isEqualTo("0");
        return answer.text("sessionId");
    }

    /** A session of a fresh user with the given role, so that tests do not share sessions. */
    protected String sessionOfNewUser(Role role) {
        return freshUser(role).sessionId();
    }

    /** A fresh user of the first cabinet, logged in: its id finds the rows its requests leave. */
    protected record TestUser(long id, String name, String sessionId) {}

    protected TestUser freshUser(Role role) {
        String name =
                "user" + USER_NUMBERS.incrementAndGet() + "_" + role.name().toLowerCase();
        long cabinetId = directory.findCabinet(CABINET).orElseThrow().id();
        long id = directory.createUser(cabinetId, name, "Secret-" + name, role);
        return new TestUser(id, name, connect(name, "Secret-" + name));
    }

    /** A request body from src/test/resources/guide-samples, as the guide prints it. */
    protected static ObjectNode guideSample(String name) {
        try {
            return (ObjectNode) JSON.readTree(
                    new ClassPathResource("guide-samples/" + name).getContentAsString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The body with archival and every delivery switched off, so that only the document is made. */
    protected static ObjectNode generationOnly(ObjectNode body) {
        body.put("doArchive", "N");
        for (String flag : new String[] {"sendMail", "sendMessage", "sendWhatsapp", "sendFacebook", "sendTwitter"}) {
            if (body.has(flag)) {
                body.put(flag, "N");
            }
        }
        return body;
    }

    protected Map<String, String> auth(String sessionId) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("cabinetName", CABINET);
        headers.put("sessionId", sessionId);
        return headers;
    }

    /** The file a storage path names, under the cabinet's output folder of the embedded default. */
    protected Path outputFile(String storagePath) {
        long cabinetId = directory.findCabinet(CABINET).orElseThrow().id();
        return DATA_DIR.resolve("cabinets")
                .resolve(Long.toString(cabinetId))
                .resolve("output")
                .resolve(storagePath);
    }

    /** The text PDFBox extracts from a PDF, and its page count. */
    protected record PdfText(String text, int pages) {}

    protected static PdfText extract(byte[] pdf) {
        try (PDDocument document = Loader.loadPDF(pdf)) {
            return new PdfText(new PDFTextStripper().getText(document), document.getNumberOfPages());
        } catch (IOException e) {
            throw new IllegalStateException("Not a readable PDF", e);
        }
    }

    protected PdfText extract(String storagePath) {
        try {
            return extract(Files.readAllBytes(outputFile(storagePath)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
