package org.openccm.communication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openccm.communication.GenerationApiTest.JSON_PATH;
import static org.openccm.communication.GenerationApiTest.XML;
import static org.openccm.communication.GenerationApiTest.sample;
import static org.openccm.communication.GenerationApiTest.withoutDeliveryOrArchival;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.openccm.session.Role;
import org.openccm.support.ApiTestBase;
import tools.jackson.databind.node.ObjectNode;

/** Requests built to read files, exhaust the server or escape the output folder. */
class HostileInputTest extends ApiTestBase {

    private Answer generateXml(String session, String xml) {
        ObjectNode body = withoutDeliveryOrArchival(sample("process-xml.json"));
        body.put("xmlData", xml);
        return post(XML, auth(session), json(body));
    }

    @Test
    void externalEntitiesAreNotResolved() {
        String session = sessionOfNewUser(Role.OPERATOR);

        Answer general = generateXml(
                session,
                "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                        + "<SampleData><Field1>&x;</Field1></SampleData>");
        Answer parameter = generateXml(
                session,
                "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p;]>"
                        + "<SampleData><Field1>a</Field1></SampleData>");

        for (Answer answer : List.of(general, parameter)) {
            assertThat(answer.body().get("status").asInt()).as(answer.raw()).isEqualTo(541);
            assertThat(answer.text("description")).contains("xmlData");
            assertThat(answer.raw()).doesNotContain("root:");
        }
    }

    @Test
    void entityExpansionBombIsRefusedQuickly() {
        String session = sessionOfNewUser(Role.OPERATOR);
        StringBuilder bomb = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">");
        for (int level = 1; level <= 9; level++) {
            bomb.append("<!ENTITY lol").append(level).append(" \"");
            for (int i = 0; i < 10; i++) {
                bomb.append("&lol")
                        .append(level == 1 ? "" : Integer.toString(level - 1))
                        .append(';');
            }
            bomb.append("\">");
        }
        bomb.append("]><SampleData><Field1>&lol9;</Field1></SampleData>");
        long started = System.nanoTime();

        Answer answer = generateXml(session, bomb.toString());

        assertThat(answer.body().get("status").asInt()).isEqualTo(541);
        assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(5_000);
    }

    @Test
    void undeclaredEntityReferencesAreRefused() {
        String session = sessionOfNewUser(Role.OPERATOR);

        Answer answer = generateXml(session, "<SampleData><Field1>&secret;</Field1></SampleData>");

        assertThat(answer.body().get("status").asInt()).isEqualTo(541);
    }

    @Test
    void xincludeIsNotProcessed() {
        String session = sessionOfNewUser(Role.OPERATOR);

        Answer answer = generateXml(
                session,
                "<SampleData xmlns:xi=\"http://www.w3.org/2001/XInclude\"><Field1>Hi</Field1>"
                        + "<Extra><xi:include href=\"file:///etc/passwd\" parse=\"text\"/></Extra></SampleData>");

        assertThat(answer.body().get("status").asInt()).as(answer.raw()).isZero();
        assertThat(extract(answer.text("filePathName")).text()).doesNotContain("root:");
    }

    @Test
    void deeplyNestedDataIsRefused() {
        String session = sessionOfNewUser(Role.OPERATOR);
        String deepXml = "<a>".repeat(200) + "x" + "</a>".repeat(200);
        String deepJson = "{\"a\":".repeat(200) + "1" + "}".repeat(200);
        ObjectNode jsonBody = withoutDeliveryOrArchival(sample("process-json.json"));
        jsonBody.put("jsonData", deepJson);

        Answer xml = generateXml(session, deepXml);
        Answer json = post(JSON_PATH, auth(session), json(jsonBody));
        Answer deepBody = post(XML, auth(session), "[".repeat(5000) + "]".repeat(5000));

        assertThat(xml.body().get("status").asInt()).isEqualTo(541);
        assertThat(xml.text("description")).contains("nested deeper");
        assertThat(json.body().get("status").asInt()).isEqualTo(541);
        assertThat(deepBody.body().get("status").asInt()).isEqualTo(541);
    }

    @Test
    void oversizedBodyIsRefusedAndTheServerCarriesOn() {
        String session = sessionOfNewUser(Role.OPERATOR);
        ObjectNode body = withoutDeliveryOrArchival(sample("process-xml.json"));
        body.put("xmlData", "<SampleData><Field1>" + "x".repeat(11 * 1024 * 1024) + "</Field1></SampleData>");

        Answer answer = post(XML, auth(session), json(body));

        assertThat(answer.body().get("status").asInt()).isEqualTo(541);
        assertThat(answer.text("description")).contains("exceeds the limit");
        assertThat(generateXml(session, "<SampleData><Field1>ok</Field1></SampleData>")
                        .body()
                        .get("status")
                        .asInt())
                .isZero();
    }

    @Test
    void storagePathsCannotEscapeTheCabinetFolder() throws IOException {
        String session = sessionOfNewUser(Role.OPERATOR);
        List<String[]> attempts = List.of(
                new String[] {"filePath", "../../escape"},
                new String[] {"filePath", "a/../../escape"},
                new String[] {"filePath", "/tmp/escape"},
                new String[] {"filePath", "C:\\escape"},
                new String[] {"filePath", "a\\..\\..\\escape"},
                new String[] {"filePath", "a//b"},
                new String[] {"filePath", "ok/\u0000/x"},
                new String[] {"fileName", "../escape"},
                new String[] {"fileName", "dir/escape"},
                new String[] {"fileName", ".."},
                new String[] {"fileName", "a:b"},
                new String[] {"fileName", "a\u0085b"},
                new String[] {"fileName", "invoice\u202Efdp.exe"},
                new String[] {"fileName", "\u00e9".repeat(150)},
                new String[] {"filePath", "a\u009bb"},
                new String[] {"filePath", "a/" + "y".repeat(300)},
                new String[] {"attachmentsLocation", "../../../etc/passwd"},
                new String[] {"attachmentsLocation", "/etc/passwd"});

        for (String[] attempt : attempts) {
            ObjectNode body = withoutDeliveryOrArchival(sample("process-xml.json"));
            body.put(attempt[0], attempt[1]);

            Answer answer = post(XML, auth(session), json(body));

            assertThat(answer.body().get("status").asInt())
                    .as(attempt[0] + "=" + attempt[1])
                    .isEqualTo(541);
            assertThat(answer.text("description")).contains(attempt[0]);
        }
        try (Stream<Path> files = Files.walk(DATA_DIR)) {
            assertThat(files.map(Path::toString).filter(name -> name.contains("escape")))
                    .isEmpty();
        }
    }

    @Test
    void dataValuesAreNeverEvaluatedAsTemplates() {
        String session = sessionOfNewUser(Role.OPERATOR);

        Answer answer = generateXml(
                session,
                "<SampleData><Field1>${7*7}</Field1><Field6>"
                        + "&lt;#assign x=\"freemarker.template.utility.Execute\"?new()&gt;"
                        + "${x(\"id\")}</Field6></SampleData>");

        assertThat(answer.body().get("status").asInt()).as(answer.raw()).isZero();
        String text = extract(answer.text("filePathName")).text();
        assertThat(text).contains("${7*7}").doesNotContain("uid=");
    }

    @Test
    void oneHugeValueIsRefusedBeforeLayout() {
        String session = sessionOfNewUser(Role.OPERATOR);

        Answer answer =
                generateXml(session, "<SampleData><Field1>" + "lorem ipsum ".repeat(10_000) + "</Field1></SampleData>");

        assertThat(answer.body().get("status").asInt()).isEqualTo(541);
        assertThat(answer.text("description")).contains("longer than");
    }

    @Test
    void controlCharactersInDataDoNotBreakTheLayout() {
        String session = sessionOfNewUser(Role.OPERATOR);
        ObjectNode body = withoutDeliveryOrArchival(sample("process-json.json"));
        body.put("jsonData", "{\"SampleData\":{\"Field1\":\"Ja\\u0001ne\",\"Field6\":\"Do\\ud800e\"}}");

        Answer answer = post(JSON_PATH, auth(session), json(body));

        assertThat(answer.body().get("status").asInt()).as(answer.raw()).isZero();
        assertThat(extract(answer.text("filePathName")).text()).contains("Jane").contains("Doe");
    }

    @Test
    void operationsAnswerJsonWhateverTheAcceptHeader() {
        String session = sessionOfNewUser(Role.OPERATOR);
        java.util.Map<String, String> headers = new java.util.LinkedHashMap<>(auth(session));
        headers.put("Accept", "text/plain");

        Answer answer = post(XML, headers, json(withoutDeliveryOrArchival(sample("process-xml.json"))));

        assertThat(answer.httpStatus()).isEqualTo(200);
        assertThat(answer.body().get("status").asInt()).isZero();
    }
}
