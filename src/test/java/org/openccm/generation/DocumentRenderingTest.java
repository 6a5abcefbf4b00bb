package org.openccm.generation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.pdfbox.text.TextPosition;
import org.junit.jupiter.api.Test;
import org.openccm.support.ApiTestBase;
import org.springframework.core.io.ClassPathResource;

/** Real documents through the API, read back with PDFBox: scripts, fonts and pagination. */
class DocumentRenderingTest extends ApiTestBase {

    private static String template(String name) throws IOException {
        return new ClassPathResource("templates/" + name).getContentAsString(StandardCharsets.UTF_8);
    }

    /** Creates a product with one baselined version (once per name) and returns the session used. */
    private String productWith(String name, String dataKind, String templateFile) throws IOException {
        String session = connect("oms", "11sp1");
        Map<String, Object> product = new LinkedHashMap<>();
        product.put("name", name);
        product.put("reportType", "LETTER");
        product.put("dataKind", dataKind);
        Answer created = post("/admin/products", auth(session), json(product));
        if (created.httpStatus() == 201) {
            post(
                    "/admin/products/" + name + "/versions",
                    auth(session),
                    json(Map.of("template", template(templateFile))));
            post("/admin/products/" + name + "/versions/1/baseline", auth(session), null);
        }
        return session;
    }

    private Answer generate(String session, String operation, String product, String dataField, String data) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("productName", product);
        body.put("doArchive", "N");
        body.put("skipApproval", "Y");
        body.put("skipEditing", "Y");
        body.put("fileName", product.toLowerCase());
        body.put("filePath", "rendering");
        body.put(dataField, data);
        return post("/OMSCommunicationService/" + operation, auth(session), json(body));
    }

    private byte[] pdfOf(Answer answer) throws IOException {
        assertThat(answer.body().get("status").asInt()).as(answer.raw()).isZero();
        return Files.readAllBytes(outputFile(answer.text("filePathName")));
    }

    /** Names of the fonts the document embeds, e.g. ABCDEF+NotoSansDevanagari-Regular. */
    private static List<String> fontNames(byte[] pdf) throws IOException {
        List<String> names = new ArrayList<>();
        try (PDDocument document = Loader.loadPDF(pdf)) {
            for (PDPage page : document.getPages()) {
                for (var fontName : page.getResources().getFontNames()) {
                    PDFont font = page.getResources().getFont(fontName);
                    names.add(font.getName() + (font.isEmbedded() ? "" : " (not embedded)"));
                }
            }
        }
        return names;
    }

    @Test
    void hindiLetterEmbedsADevanagariSubset() throws IOException {
        String session = productWith("HINDI_LETTER", "XML", "hindi-letter.html");

        Answer answer = generate(
                session,
                "processUsingXML",
                "HINDI_LETTER",
                "xmlData",
                "<Letter><name>राम प्रसाद</name><city>जयपुर</city><amount>25000</amount>"
                        + "<message>आपका खाता सक्रिय है</message></Letter>");

        byte[] pdf = pdfOf(answer);
        String text = extract(pdf).text();
        assertThat(text).contains("जयपुर").contains("राम").contains("खाता").contains("25000");
        assertThat(fontNames(pdf)).anyMatch(name -> name.matches("[A-Z]{6}\\+NotoSansDevanagari.*"));
        assertThat(fontNames(pdf)).noneMatch(name -> name.endsWith("(not embedded)") && name.contains("Noto"));
    }

    @Test
    void arabicLetterIsShapedRightToLeftAndEmbedded() throws IOException {
        String session = productWith("ARABIC_LETTER", "JSON", "arabic-letter.html");

        Answer answer = generate(
                session,
                "processUsingJSON",
                "ARABIC_LETTER",
                "jsonData",
                "{\"Letter\":{\"name\":\"سارة الحسن\",\"city\":\"دبي\",\"amount\":\"1500\","
                        + "\"message\":\"تم تحديث بيانات حسابك\"}}");

        byte[] pdf = pdfOf(answer);
        String text = logicalArabic(extract(pdf).text());
        assertThat(text).contains("سارة").contains("الحسن").contains("دبي").contains("حسابك");
        assertThat(fontNames(pdf)).anyMatch(name -> name.matches("[A-Z]{6}\\+NotoNaskhArabic.*"));
        assertThat(rawGlyphText(pdf).codePoints().anyMatch(c -> c >= 0xFE70 && c <= 0xFEFF))
                .as("letters are drawn in their joined (shaped) presentation forms")
                .isTrue();
    }

    /** PDFBox returns shaped presentation forms and direction marks; fold them back to plain letters. */
    private static String logicalArabic(String extracted) {
        return Normalizer.normalize(extracted, Normalizer.Form.NFKC).replaceAll("[\\u200E\\u200F\\u202A-\\u202E]", "");
    }

    /** The characters of the drawn glyphs, before PDFBox folds presentation forms back. */
    private static String rawGlyphText(byte[] pdf) throws IOException {
        StringBuilder raw = new StringBuilder();
        PDFTextStripper stripper = new PDFTextStripper() {
            @Override
            protected void writeString(String text, List<TextPosition> positions) {
                positions.forEach(position -> raw.append(position.getUnicode()));
            }
        };
        try (PDDocument document = Loader.loadPDF(pdf)) {
            stripper.getText(document);
        }
        return raw.toString();
    }

    @Test
    void longStatementRepeatsTheTableHeaderOnEveryPage() throws IOException {
        String session = productWith("LONG_STATEMENT", "XML", "long-statement.html");
        StringBuilder xml = new StringBuilder("<Statement><accountHolder>Meera Iyer</accountHolder>"
                + "<accountNumber>GB29 NWBK 6016 1331 9268 19</accountNumber>");
        double balance = 10_000;
        for (int i = 1; i <= 900; i++) {
            double amount = (i % 7 == 0 ? 1 : -1) * (10 + i % 90);
            balance += amount;
            xml.append("<Line><date>2026-")
                    .append(String.format("%02d", 1 + i % 12))
                    .append("-")
                    .append(String.format("%02d", 1 + i % 28))
                    .append("</date><description>Card payment ")
                    .append(i)
                    .append("</description><amount>")
                    .append(amount)
                    .append("</amount><balance>")
                    .append(String.format(java.util.Locale.ROOT, "%.2f", balance))
                    .append("</balance></Line>");
        }
        xml.append("</Statement>");

        byte[] pdf = pdfOf(generate(session, "processUsingXML", "LONG_STATEMENT", "xmlData", xml.toString()));

        try (PDDocument document = Loader.loadPDF(pdf)) {
            int pages = document.getNumberOfPages();
            assertThat(pages).isBetween(38, 45);
            PDFTextStripper stripper = new PDFTextStripper();
            for (int page = 1; page <= pages; page++) {
                stripper.setStartPage(page);
                stripper.setEndPage(page);
                String text = stripper.getText(document);
                assertThat(text)
                        .as("page " + page)
                        .contains("Date")
                        .contains("Description")
                        .contains("Balance");
                assertThat(text).as("page " + page).contains("Page " + page + " of " + pages);
            }
            String all = new PDFTextStripper().getText(document);
            assertThat(all).contains("Card payment 1\n").contains("Card payment 900");
        }
    }
}
