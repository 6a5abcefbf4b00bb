package org.openccm.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.openccm.session.Role;
import org.openccm.support.ApiTestBase;
import org.springframework.core.io.ClassPathResource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** doArchive S through the API, then the archive's metadata and content through the admin API. */
class ArchiveApiTest extends ApiTestBase {

    private static ObjectNode dbSample() throws IOException {
        return (ObjectNode) JSON.readTree(
                new ClassPathResource("guide-samples/process-db.json").getContentAsString(StandardCharsets.UTF_8));
    }

    @Test
    void guideDbSampleArchivesSynchronouslyAndTheArchiveKeepsTheDocument() throws Exception {
        String operator = sessionOfNewUser(Role.OPERATOR);
        ObjectNode body = dbSample();
        body.put("communicationId", "5150");

        Answer answer = post("/OMSCommunicationService/processUsingDB", auth(operator), json(body));

        assertThat(answer.body().get("status").asInt()).as(answer.raw()).isZero();
        assertThat(answer.text("archivalDescription")).isEqualTo("Success");
        JsonNode details = answer.body().get("archivalDetails");
        long requestId = answer.body().get("requestId").asLong();
        assertThat(details.get("documentIndex").asLong()).isPositive();
        assertThat(details.get("volumeIndex").asLong()).isPositive();
        assertThat(details.get("imageIndex").asLong()).isPositive();
        assertThat(details.get("documentName").asString()).isEqualTo("DBgeneration_" + requestId + ".pdf");

        String supervisor = connect("oms", "11sp1");
        Answer found = get("/admin/archive?requestId=" + requestId, auth(supervisor));
        assertThat(found.body().size()).isEqualTo(1);
        JsonNode entry = found.body().get(0);
        assertThat(entry.get("documentIndex").asLong())
                .isEqualTo(details.get("documentIndex").asLong());
        assertThat(entry.get("productName").asString()).isEqualTo("PRINT1");
        assertThat(entry.get("masterKey").asString()).isEqualTo("1");
        assertThat(entry.get("communicationId").asString()).isEqualTo("5150");
        assertThat(get("/admin/archive?communicationId=5150&productName=PRINT1", auth(supervisor))
                        .body()
                        .size())
                .isEqualTo(1);

        byte[] generated = Files.readAllBytes(outputFile(answer.text("filePathName")));
        HttpResponse<byte[]> content =
                getBytes("/admin/archive/" + entry.get("documentIndex").asLong() + "/content", auth(supervisor));
        assertThat(content.statusCode()).isEqualTo(200);
        assertThat(content.body()).isEqualTo(generated);
        String checksum =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(generated));
        assertThat(entry.get("checksumSha256").asString()).isEqualTo(checksum);
        assertThat(content.headers().firstValue("X-Checksum-SHA256")).hasValue(checksum);
    }

    @Test
    void archivedContentIsWrittenOnceAndReadOnly() throws Exception {
        String operator = sessionOfNewUser(Role.OPERATOR);

        Answer answer = post("/OMSCommunicationService/processUsingDB", auth(operator), json(dbSample()));

        long imageIndex = answer.body().get("archivalDetails").get("imageIndex").asLong();
        try (Stream<Path> files = Files.walk(DATA_DIR.resolve("archive"))) {
            Path stored = files.filter(path -> path.getFileName().toString().equals(imageIndex + ".pdf"))
                    .findFirst()
                    .orElseThrow();
            assertThat(Files.getPosixFilePermissions(stored))
                    .doesNotContain(
                            PosixFilePermission.OWNER_WRITE,
                            PosixFilePermission.GROUP_WRITE,
                            PosixFilePermission.OTHERS_WRITE);
        }
    }

    @Test
    void archiveSearchIsForSupervisorsAndChecksItsParameters() {
        String operator = sessionOfNewUser(Role.OPERATOR);
        String supervisor = connect("oms", "11sp1");

        assertThat(get("/admin/archive", auth(operator)).httpStatus()).isEqualTo(403);
        assertThat(get("/admin/archive?requestId=abc", auth(supervisor)).httpStatus())
                .isEqualTo(400);
        assertThat(get("/admin/archive?from=yesterday", auth(supervisor)).httpStatus())
                .isEqualTo(400);
        assertThat(get("/admin/archive/999999/content", auth(supervisor)).httpStatus())
                .isEqualTo(404);
    }
}
