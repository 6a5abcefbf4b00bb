package org.openccm.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.openccm.session.Role;
import org.openccm.support.ApiTestBase;

class AdminApiTest extends ApiTestBase {
    private static final AtomicInteger NAMES = new AtomicInteger();

    static final String LETTER = """
            <html xmlns="http://www.w3.org/1999/xhtml"><head><style>
            @page { size: A4; margin: 2cm; }
            body { font-family: 'Noto Sans'; }
            </style></head>
            <body><h1>Letter for ${data.Letter.name}</h1><p>Version ${request.version}</p></body></html>
            """;

    private Answer createProduct(String session, Map<String, Object> product) {
        return post("/admin/products", auth(session), json(product));
    }

    private Map<String, Object> xmlProduct(String name) {
        Map<String, Object> product = new LinkedHashMap<>();
        product.put("name", name);
        product.put("reportType", "LETTER");
        product.put("dataKind", "XML");
        return product;
    }

    private Answer addVersion(String session, String product, String template) {
        return post("/admin/products/" + product + "/versions", auth(session), json(Map.of("template", template)));
    }

    private Answer generate(String session, String product, String version, String xml) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("productName", product);
        body.put("doArchive", "N");
        body.put("skipApproval", "Y");
        body.put("skipEditing", "Y");
        body.put("reportVersion", version);
        body.put("fileName", "admin");
        body.put("filePath", "admin-tests");
        body.put("xmlData", xml);
        return post("/OMSCommunicationService/processUsingXML", auth(session), json(body));
    }

    @Test
    void supervisorCreatesVersionsAndBaselinesThem() {
        String session = connect("oms", "11sp1");
        String name = "ADMIN_" + NAMES.incrementAndGet();

        assertThat(createProduct(session, xmlProduct(name)).httpStatus()).isEqualTo(201);
        assertThat(addVersion(session, name, LETTER).body().get("version").asInt())
                .isEqualTo(1);
        assertThat(addVersion(session, name, LETTER.replace("Letter for", "Revised letter for"))
                        .body()
                        .get("version")
                        .asInt())
                .isEqualTo(2);

        Answer notBaselined = generate(session, name, "", "<Letter><name>Ada</name></Letter>");
        assertThat(notBaselined.body().get("status").asInt()).isEqualTo(1029);

        post("/admin/products/" + name + "/versions/1/baseline", auth(session), null);
        Answer first = generate(session, name, "", "<Letter><name>Ada</name></Letter>");
        assertThat(first.body().get("status").asInt()).as(first.raw()).isZero();
        assertThat(extract(first.text("filePathName")).text())
                .contains("Letter for Ada")
                .contains("Version 1");

        Answer pinnedDraft = generate(session, name, "2", "<Letter><name>Ada</name></Letter>");
        assertThat(pinnedDraft.body().get("status").asInt()).isEqualTo(1029);
        assertThat(pinnedDraft.text("description")).contains("not baselined");

        post("/admin/products/" + name + "/versions/2/baseline", auth(session), null);
        Answer latest = generate(session, name, "", "<Letter><name>Ada</name></Letter>");
        assertThat(extract(latest.text("filePathName")).text()).contains("Revised letter for Ada");
        assertThat(latest.text("latestBaselinedVersion")).isEqualTo("Y");
        Answer older = generate(session, name, "1", "<Letter><name>Ada</name></Letter>");
        assertThat(older.text("latestBaselinedVersion")).isEqualTo("N");

        Answer versions = get("/admin/products/" + name + "/versions", auth(session));
        assertThat(versions.body().size()).isEqualTo(2);
        assertThat(versions.body().get(0).get("baselined").asBoolean()).isTrue();
        assertThat(get("/admin/products", auth(session)).raw())
                .contains("\"PDF_MAIL\"")
                .contains(name);
    }

    @Test
    void onlySupervisorsMayAdminister() {
        String operator = sessionOfNewUser(Role.OPERATOR);

        Answer answer = get("/admin/products", auth(operator));

        assertThat(answer.httpStatus()).isEqualTo(403);
        assertThat(answer.text("description")).contains("supervisors");
        assertThat(get("/admin/products", Map.of("cabinetName", CABINET)).httpStatus())
                .isEqualTo(401);
    }

    @Test
    void badDefinitionsAreRefusedWithReasons() {
        String session = connect("oms", "11sp1");
        Map<String, Object> noKey = xmlProduct("DB_" + NAMES.incrementAndGet());
        noKey.put("dataKind", "DB");
        noKey.put("dataQuery", "select * from sample_customer");
        Map<String, Object> twoStatements = xmlProduct("DB_" + NAMES.incrementAndGet());
        twoStatements.put("dataKind", "DB");
        twoStatements.put("dataQuery", "select * from sample_customer where customer_no = :masterKey; drop table x");
        Map<String, Object> notSelect = xmlProduct("DB_" + NAMES.incrementAndGet());
        notSelect.put("dataKind", "DB");
        notSelect.put("dataQuery", "delete from sample_customer where customer_no = :masterKey");
        String name = "BROKEN_" + NAMES.incrementAndGet();
        createProduct(session, xmlProduct(name));

        assertThat(createProduct(session, noKey).httpStatus()).isEqualTo(400);
        assertThat(createProduct(session, twoStatements).httpStatus()).isEqualTo(400);
        assertThat(createProduct(session, notSelect).httpStatus()).isEqualTo(400);
        assertThat(createProduct(session, xmlProduct("PDF_MAIL")).text("description"))
                .contains("already exists");
        assertThat(addVersion(session, name, "<html><body>${data.x?interpret}</body></html>")
                        .httpStatus())
                .isEqualTo(400);
        assertThat(addVersion(session, name, "<html><body><#noautoesc>${data.x}</#noautoesc></body></html>")
                        .httpStatus())
                .isEqualTo(400);
        Answer broken = addVersion(session, name, "<html><#if></html>");
        assertThat(broken.httpStatus()).isEqualTo(400);
        assertThat(broken.text("description")).contains("compile");
    }

    @Test
    void templatesCannotReachClassesFilesOrTheNetwork() throws IOException {
        String session = connect("oms", "11sp1");
        AtomicInteger hits = new AtomicInteger();
        HttpServer probe = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        probe.createContext("/", exchange -> {
            hits.incrementAndGet();
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        probe.start();
        try {
            String base = "http://127.0.0.1:" + probe.getAddress().getPort();
            Map<String, String> attacks = new LinkedHashMap<>();
            attacks.put("new", "<html><body>${\"freemarker.template.utility.Execute\"?new()(\"id\")}</body></html>");
            attacks.put("api", "<html><body>${data?api.getClass()}</body></html>");
            attacks.put("include", "<html><body><#include \"/etc/passwd\"></body></html>");
            attacks.put(
                    "resources",
                    "<html xmlns=\"http://www.w3.org/1999/xhtml\"><head><link rel=\"stylesheet\" href=\"" + base
                            + "/x.css\"/><style>@import url(" + base + "/y.css);</style></head><body>"
                            + "<img src=\"" + base + "/z.png\"/><img src=\"file:///etc/passwd\"/>"
                            + "<p>fine</p></body></html>");
            for (Map.Entry<String, String> attack : attacks.entrySet()) {
                String name = "SANDBOX_" + NAMES.incrementAndGet();
                createProduct(session, xmlProduct(name));
                Answer upload = addVersion(session, name, attack.getValue());
                if (upload.httpStatus() != 201) {
                    assertThat(upload.httpStatus()).as(attack.getKey()).isEqualTo(400);
                    continue;
                }
                post("/admin/products/" + name + "/versions/1/baseline", auth(session), null);

                Answer answer = generate(session, name, "", "<Letter><name>x</name></Letter>");

                if (attack.getKey().equals("resources")) {
                    assertThat(answer.body().get("status").asInt())
                            .as(answer.raw())
                            .isZero();
                    assertThat(extract(answer.text("filePathName")).text()).doesNotContain("root:");
                } else {
                    assertThat(answer.body().get("status").asInt())
                            .as(attack.getKey())
                            .isEqualTo(1029);
                    assertThat(answer.raw()).doesNotContain("uid=").doesNotContain("root:");
                }
            }
            assertThat(hits.get()).as("requests that reached the probe server").isZero();
        } finally {
            probe.stop(0);
        }
    }

    @Test
    void dataQueriesCanReadOnlyTheRecordTables() {
        String session = connect("oms", "11sp1");
        Map<String, String> attacks = new LinkedHashMap<>();
        attacks.put("users", "select hash_sha256, :masterKey as k from oms_user");
        attacks.put("ledger", "select inputDataXML, :masterKey as k from omsJobQueueItems");
        attacks.put(
                "write",
                "with x as (select 1 as one) select :masterKey as k, one from x where one = 1"
                        + " and exists (select 1 from oms_session)");

        for (Map.Entry<String, String> attack : attacks.entrySet()) {
            String name = "DBQ_" + NAMES.incrementAndGet();
            Map<String, Object> product = xmlProduct(name);
            product.put("dataKind", "DB");
            product.put("dataQuery", attack.getValue());
            assertThat(createProduct(session, product).httpStatus()).isEqualTo(201);
            addVersion(session, name, LETTER);
            post("/admin/products/" + name + "/versions/1/baseline", auth(session), null);
            Map<String, String> body = new LinkedHashMap<>();
            body.put("productName", name);
            body.put("masterKey", "1");
            body.put("doArchive", "N");
            body.put("skipApproval", "Y");
            body.put("skipEditing", "Y");

            Answer answer = post("/OMSCommunicationService/processUsingDB", auth(session), json(body));

            assertThat(answer.body().get("status").asInt())
                    .as(attack.getKey() + ": " + answer.raw())
                    .isEqualTo(1029);
            assertThat(answer.text("description")).contains("data query failed");
            assertThat(answer.raw()).doesNotContain("argon2");
        }
    }
}
