package org.openccm.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.openccm.session.Role;
import org.openccm.support.ApiTestBase;
import org.springframework.core.io.ClassPathResource;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.S3Object;
import tools.jackson.databind.JsonNode;

/** The archive on a real S3-compatible server (S3Mock), started by the test in a process of its own. */
class S3ArchiveTest extends ApiTestBase {
    private static final String BUCKET = "oms-archive";
    private static final String OUTPUT_BUCKET = "oms-output";
    private static Process s3mock;
    private static int s3Port;

    @DynamicPropertySource
    static void s3(DynamicPropertyRegistry registry) throws Exception {
        startS3Mock();
        registry.add("oms.archive.s3.bucket", () -> BUCKET);
        registry.add("oms.archive.s3.endpoint", () -> "http://127.0.0.1:" + s3Port);
        registry.add("oms.archive.s3.access-key", () -> "test-access");
        registry.add("oms.archive.s3.secret-key", () -> "test-secret");
        registry.add("oms.storage.s3.bucket", () -> OUTPUT_BUCKET);
        registry.add("oms.storage.s3.endpoint", () -> "http://127.0.0.1:" + s3Port);
        registry.add("oms.storage.s3.access-key", () -> "test-access");
        registry.add("oms.storage.s3.secret-key", () -> "test-secret");
    }

    private static void startS3Mock() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            s3Port = socket.getLocalPort();
        }
        Path jar = Path.of(System.getProperty("test.s3mock.jar", "target/s3mock/s3mock-exec.jar"));
        Path log = Files.createTempFile("s3mock", ".log");
        s3mock = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx256m",
                        "-jar",
                        jar.toString(),
                        "--server.port=0",
                        "--server.address=127.0.0.1",
                        "--com.adobe.testing.s3mock.http-port=" + s3Port,
                        "--com.adobe.testing.s3mock.store.initial-buckets=" + BUCKET + "," + OUTPUT_BUCKET)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plusSeconds(90);
        while (Instant.now().isBefore(deadline)) {
            try {
                http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s3Port + "/"))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                return;
            } catch (IOException notYet) {
                if (!s3mock.isAlive()) {
                    throw new IllegalStateException("S3Mock stopped: " + Files.readString(log));
                }
                s3mock.waitFor(250, TimeUnit.MILLISECONDS);
            }
        }
        throw new IllegalStateException("S3Mock did not start in time: " + Files.readString(log));
    }

    @AfterAll
    static void stopS3Mock() {
        if (s3mock != null) {
            s3mock.destroy();
        }
    }

    private static S3Client client() {
        return S3Client.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .region(Region.US_EAST_1)
                .endpointOverride(URI.create("http://127.0.0.1:" + s3Port))
                .serviceConfiguration(
                        S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
                .build();
    }

    @Test
    void synchronousArchivalStoresTheDocumentInTheBucket() throws Exception {
        String operator = sessionOfNewUser(Role.OPERATOR);
        String body = new ClassPathResource("guide-samples/process-db.json").getContentAsString(StandardCharsets.UTF_8);

        Answer answer = post("/OMSCommunicationService/processUsingDB", auth(operator), body);

        assertThat(answer.body().get("status").asInt()).as(answer.raw()).isZero();
        assertThat(answer.text("archivalDescription")).isEqualTo("Success");
        JsonNode details = answer.body().get("archivalDetails");
        byte[] generated;
        long imageIndex = details.get("imageIndex").asLong();
        try (S3Client s3 = client()) {
            List<S3Object> objects =
                    s3.listObjectsV2(request -> request.bucket(BUCKET)).contents();
            assertThat(objects).anyMatch(object -> object.key().endsWith("/" + imageIndex + ".pdf"));
            String key = objects.stream()
                    .filter(object -> object.key().endsWith("/" + imageIndex + ".pdf"))
                    .findFirst()
                    .orElseThrow()
                    .key();
            byte[] stored = s3.getObjectAsBytes(
                            request -> request.bucket(BUCKET).key(key))
                    .asByteArray();
            long cabinetId = directory.findCabinet(CABINET).orElseThrow().id();
            generated = s3.getObjectAsBytes(request -> request.bucket(OUTPUT_BUCKET)
                            .key("output/" + cabinetId + "/" + answer.text("filePathName")))
                    .asByteArray();
            assertThat(stored).isEqualTo(generated);
            assertThat(Files.exists(outputFile(answer.text("filePathName"))))
                    .as("the output is in the bucket, not in the data folder")
                    .isFalse();
        }
        String supervisor = connect("oms", "11sp1");
        HttpResponse<byte[]> content =
                getBytes("/admin/archive/" + details.get("documentIndex").asLong() + "/content", auth(supervisor));
        assertThat(content.statusCode()).isEqualTo(200);
        assertThat(content.body()).isEqualTo(generated);
    }
}
