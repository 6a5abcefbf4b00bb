package org.openccm.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openccm.support.ApiTestBase;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** What the server logs while it serves logins and letters carries no secret and no personal data. */
@ExtendWith(OutputCaptureExtension.class)
class LogHygieneTest extends ApiTestBase {

    @Test
    void logsNameThingsByIdAndNeverShowCredentialsOrData(CapturedOutput output) {
        String sessionId = connect("oms", "11sp1");
        post(
                "/OMSSessionManagement/connectCabinet",
                Map.of("cabinetName", CABINET),
                json(Map.of("userName", "oms", "userPassword", "Wrong-Secret-42", "connectForcefully", "N")));
        Map<String, String> body = new LinkedHashMap<>();
        body.put("productName", "MAIL");
        body.put("doArchive", "N");
        body.put("skipApproval", "Y");
        body.put("skipEditing", "Y");
        body.put("xmlData", "<SampleData><Field1>Zephyrine</Field1><Field6>Quaestor-Lane 9</Field6></SampleData>");
        Answer generated = post("/OMSCommunicationService/processUsingXML", auth(sessionId), json(body));
        post(
                "/admin/products",
                auth(sessionId),
                json(Map.of("name", "STRICT", "reportType", "LETTER", "dataKind", "XML")));
        post(
                "/admin/products/STRICT/versions",
                auth(sessionId),
                json(Map.of("template", "<html><body><p>${data.R.amount?number}</p></body></html>")));
        post("/admin/products/STRICT/versions/1/baseline", auth(sessionId), null);
        body.put("productName", "STRICT");
        body.put("xmlData", "<R><amount>not-a-number-Quixotic</amount></R>");
        Answer failed = post("/OMSCommunicationService/processUsingXML", auth(sessionId), json(body));

        assertThat(generated.body().get("status").asInt()).isZero();
        assertThat(failed.body().get("status").asInt()).as(failed.raw()).isEqualTo(1029);
        assertThat(failed.raw())
                .doesNotContain("Quixotic")
                .contains("GEN_TEMPLATE_ERROR")
                .contains("line 1");
        assertThat(output.getAll())
                .contains("generated product MAIL")
                .doesNotContain("11sp1")
                .doesNotContain("Wrong-Secret-42")
                .doesNotContain(sessionId)
                .doesNotContain("Zephyrine")
                .doesNotContain("Quaestor")
                .doesNotContain("Quixotic");
    }
}
