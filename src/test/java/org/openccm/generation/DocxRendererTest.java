package org.openccm.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.xml.bind.JAXBElement;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.docx4j.TraversalUtil;
import org.docx4j.XmlUtils;
import org.docx4j.finders.ClassFinder;
import org.docx4j.openpackaging.packages.WordprocessingMLPackage;
import org.docx4j.openpackaging.parts.WordprocessingML.MainDocumentPart;
import org.docx4j.wml.Br;
import org.docx4j.wml.P;
import org.docx4j.wml.R;
import org.docx4j.wml.SectPr;
import org.docx4j.wml.Tbl;
import org.docx4j.wml.Tc;
import org.docx4j.wml.Text;
import org.docx4j.wml.Tr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DocxRendererTest {
    private final DocxRenderer renderer = new DocxRenderer();

    @Test
    void letterWithHeadingListAndTableBecomesWordContent() throws Exception {
        String xhtml = """
                <!DOCTYPE html>
                <html xmlns="http://www.w3.org/1999/xhtml" lang="en">
                <head><title>Browser title</title><style>p { color: red; }</style></head>
                <body>
                  <h1>Your policy
                      renewal</h1>
                  <p>Dear <strong>Ms Example</strong>, this is <em>important</em>.<br/>Second   line</p>
                  <ul><li>First point</li><li> Second point </li></ul>
                  <ol><li>Pay</li><li>Sign</li></ol>
                  <table>
                    <thead><tr><th>Item</th><th>Amount</th><th>Due</th></tr></thead>
                    <tbody>
                      <tr><td>Premium</td><td>12.00</td><td>1 May</td></tr>
                      <tr><td>Fee</td><td>2.00</td><td></td></tr>
                    </tbody>
                    <tfoot><tr><td colspan="2">Total</td><td>14.00</td></tr></tfoot>
                  </table>
                </body>
                </html>
                """;

        MainDocumentPart document = reopen(renderer.render(xhtml));

        List<String> paragraphs = paragraphTexts(document);
        assertThat(paragraphs)
                .contains(
                        "Your policy renewal",
                        "Dear Ms Example, this is important.Second line",
                        "• First point",
                        "• Second point",
                        "1. Pay",
                        "2. Sign",
                        "Item",
                        "Premium",
                        "Total",
                        "14.00");
        assertThat(String.join("\n", paragraphs)).doesNotContain("Browser title", "color: red");
        P heading = paragraphStartingWith(document, "Your policy");
        assertThat(heading.getPPr().getPStyle().getVal()).isEqualTo("Heading1");
        assertThat(runWithText(document, "Your policy renewal").getRPr().getB().isVal())
                .isTrue();
        assertThat(runWithText(document, "Ms Example").getRPr().getB().isVal()).isTrue();
        assertThat(runWithText(document, "important").getRPr().getI().isVal()).isTrue();
        assertThat(runWithText(document, "Dear ").getRPr().getB()).isNull();
        assertThat(find(paragraphStartingWith(document, "Dear"), Br.class)).hasSize(1);

        List<Tbl> tables = find(document.getContent(), Tbl.class);
        assertThat(tables).hasSize(1);
        List<Tr> rows = find(tables.get(0), Tr.class);
        assertThat(rows).hasSize(4);
        assertThat(rows).extracting(DocxRendererTest::isRepeatedHeader).containsExactly(true, false, false, false);
        assertThat(find(rows.get(0), Tc.class)).hasSize(3);
        assertThat(runWithText(document, "Amount").getRPr().getB().isVal()).isTrue();
        Tc total = find(rows.get(3), Tc.class).get(0);
        assertThat(total.getTcPr().getGridSpan().getVal()).isEqualTo(BigInteger.TWO);
        assertThat(find(tables.get(0), Tc.class)).allSatisfy(DocxRendererTest::assertEndsWithParagraph);
    }

    @Test
    void documentUsesA4WithTwoCentimetreMarginsAndNotoFonts() throws Exception {
        byte[] docx = renderer.render("<html><body><p>Hello</p></body></html>");

        WordprocessingMLPackage reopened = WordprocessingMLPackage.load(new ByteArrayInputStream(docx));
        SectPr section =
                reopened.getMainDocumentPart().getJaxbElement().getBody().getSectPr();
        assertThat(section.getPgSz().getW().intValue()).isBetween(11906, 11907); // docx4j rounds up
        assertThat(section.getPgSz().getH().intValue()).isBetween(16838, 16839);
        assertThat(section.getPgMar().getLeft()).isEqualTo(BigInteger.valueOf(1134));
        assertThat(section.getPgMar().getTop()).isEqualTo(BigInteger.valueOf(1134));
        var fonts = reopened.getMainDocumentPart()
                .getStyleDefinitionsPart()
                .getJaxbElement()
                .getDocDefaults()
                .getRPrDefault()
                .getRPr()
                .getRFonts();
        assertThat(fonts.getAscii()).isEqualTo("Noto Sans");
        assertThat(fonts.getHAnsi()).isEqualTo("Noto Sans");
        assertThat(fonts.getCs()).isEqualTo("Noto Naskh Arabic");
    }

    @Test
    void rightToLeftDocumentGivesBidiParagraphsAndKeepsArabicText() throws Exception {
        String xhtml = """
                <html xmlns="http://www.w3.org/1999/xhtml" dir="rtl" lang="ar">
                <body><h1>إشعار</h1><p>مرحبا بكم</p><table><tr><td>المبلغ</td><td>EUR 12</td></tr></table></body>
                </html>
                """;

        MainDocumentPart document = reopen(renderer.render(xhtml));

        assertThat(paragraphTexts(document)).contains("إشعار", "مرحبا بكم", "المبلغ", "EUR 12");
        assertThat(find(document.getContent(), P.class))
                .isNotEmpty()
                .allSatisfy(p -> assertThat(p.getPPr().getBidi().isVal()).isTrue());
        assertThat(runWithText(document, "مرحبا بكم").getRPr().getRtl().isVal()).isTrue();
        assertThat(runWithText(document, "EUR 12").getRPr().getRtl()).isNull();
        assertThat(find(document.getContent(), Tbl.class).get(0).getTblPr().getBidiVisual())
                .isNotNull();
    }

    @Test
    void rightToLeftOnBodyIsHonoured() throws Exception {
        MainDocumentPart document = reopen(renderer.render("<html><body dir=\"rtl\"><p>مرحبا بكم</p></body></html>"));

        assertThat(paragraphStartingWith(document, "مرحبا").getPPr().getBidi()).isNotNull();
    }

    @Test
    void externalEntityIsRefusedAndItsFileIsNeverRead(@TempDir Path directory) throws Exception {
        Path secret = Files.writeString(directory.resolve("secret.txt"), "TOP-SECRET-CONTENT");
        String xhtml = "<?xml version=\"1.0\"?>\n<!DOCTYPE html [<!ENTITY leak SYSTEM \"" + secret.toUri()
                + "\">]>\n<html><body><p>&leak;</p></body></html>";

        assertThatThrownBy(() -> renderer.render(xhtml))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("GEN_DOCX_XHTML_INVALID")
                .hasMessageNotContaining("TOP-SECRET-CONTENT");
    }

    @Test
    void externalDtdIsRefused() {
        String xhtml = "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" "
                + "\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd\"><html><body><p>x</p></body></html>";

        assertThatThrownBy(() -> renderer.render(xhtml)).isInstanceOf(IOException.class);
    }

    @Test
    void malformedXhtmlIsRefusedWithItsPosition() {
        assertThatThrownBy(() -> renderer.render("<html><body>\n<p>unclosed</body></html>"))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("GEN_DOCX_XHTML_INVALID")
                .hasMessageContaining("line 2")
                .hasNoSuppressedExceptions();
    }

    @Test
    void realisticLetterKeepsItsTextAndDropsHiddenParts() throws Exception {
        String xhtml = """
                <!DOCTYPE html>
                <html xmlns="http://www.w3.org/1999/xhtml" lang="en">
                <head>
                <meta http-equiv="Content-Type" content="text/html; charset=UTF-8"/>
                <title>Policy update notice NB-1042</title>
                <style>#header { position: running(header); } .pg-no::after { content: counter(page); }</style>
                <script>var x = 1;</script>
                </head>
                <body>
                <div id="header">
                  <table><tr>
                    <td class="logo"><div>NA</div></td>
                    <td class="brand">Northbridge <span>Assurance</span></td>
                    <td class="contact">Customer Care 0800 555 0142<br/>care@northbridge-assurance.example</td>
                  </tr></table>
                </div>
                <table class="top"><tr>
                  <td class="recipient">
                    <div class="small">Northbridge Assurance &#183; 4 Harbour Gate &#183; Bristol BS1 6QR</div>
                    <b>Mr Alan Jones</b><br/>
                    Policy reference NB-1042
                  </td>
                  <td>
                    <table class="meta">
                      <tr><td class="k">Date</td><td>3 March 2025</td></tr>
                      <tr><td class="k">Our reference</td><td>REQ-77</td></tr>
                    </table>
                  </td>
                </tr></table>
                <div style="display: none">internal routing code 99</div>
                <h1>Important changes to your policy from 1 April 2025</h1>
                <p>Dear
                   Mr Jones,</p>
                <p>This notice explains what will change on policy <b>NB-1042</b> &amp; what you need to do.</p>
                <div class="facts">
                  <div class="title">Your policy at a glance</div>
                  <table>
                    <tr><td>New monthly premium</td><td class="v">EUR 41.50</td></tr>
                    <tr class="last"><td>Automatic renewal</td><td class="v">Yes</td></tr>
                  </table>
                </div>
                <div class="closing">
                  <p>Thank you for choosing Northbridge Assurance.</p>
                  <div class="signoff"><p>Kind regards,</p>
                  <div class="sig"><b>Daniel Ashworth</b><br/>Director of Customer Operations</div></div>
                </div>
                </body>
                </html>
                """;

        MainDocumentPart document = reopen(renderer.render(xhtml));

        List<String> paragraphs = paragraphTexts(document);
        assertThat(paragraphs)
                .contains(
                        "Northbridge Assurance · 4 Harbour Gate · Bristol BS1 6QR",
                        "Mr Alan JonesPolicy reference NB-1042",
                        "Important changes to your policy from 1 April 2025",
                        "Dear Mr Jones,",
                        "This notice explains what will change on policy NB-1042 & what you need to do.",
                        "Your policy at a glance",
                        "EUR 41.50",
                        "Kind regards,",
                        "Daniel AshworthDirector of Customer Operations");
        String allText = String.join("\n", paragraphs);
        assertThat(allText).doesNotContain("internal routing code", "Policy update notice", "var x", "counter(");
        assertThat(allText).doesNotContain("  ");
        assertThat(find(document.getContent(), Tbl.class)).hasSize(4); // header, top, nested meta, facts
        assertThat(find(document.getContent(), Tr.class)).noneMatch(DocxRendererTest::isRepeatedHeader);
        assertThat(find(document.getContent(), Tc.class)).allSatisfy(DocxRendererTest::assertEndsWithParagraph);
    }

    @Test
    void concurrentRendersDoNotMixDocuments() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<String>> renders = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                String marker = "Customer number " + i;
                renders.add(() -> String.join(
                        "\n",
                        paragraphTexts(reopen(renderer.render("<html><body><p>" + marker + "</p><table><tr><td>cell "
                                + marker + "</td></tr></table></body></html>")))));
            }

            List<Future<String>> results = pool.invokeAll(renders);

            for (int i = 0; i < results.size(); i++) {
                assertThat(results.get(i).get()).isEqualTo("Customer number " + i + "\ncell Customer number " + i);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static MainDocumentPart reopen(byte[] docx) throws Exception {
        return WordprocessingMLPackage.load(new ByteArrayInputStream(docx)).getMainDocumentPart();
    }

    private static <T> List<T> find(Object root, Class<T> type) {
        ClassFinder finder = new ClassFinder(type);
        new TraversalUtil(root, finder);
        return finder.results.stream().map(XmlUtils::unwrap).map(type::cast).toList();
    }

    private static String textOf(Object root) {
        return find(root, Text.class).stream().map(Text::getValue).collect(Collectors.joining());
    }

    private static List<String> paragraphTexts(MainDocumentPart document) {
        return find(document.getContent(), P.class).stream()
                .map(DocxRendererTest::textOf)
                .toList();
    }

    private static P paragraphStartingWith(MainDocumentPart document, String start) {
        return find(document.getContent(), P.class).stream()
                .filter(p -> textOf(p).startsWith(start))
                .findFirst()
                .orElseThrow();
    }

    private static R runWithText(MainDocumentPart document, String text) {
        return find(document.getContent(), R.class).stream()
                .filter(r -> textOf(r).equals(text))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no run with text " + text));
    }

    private static boolean isRepeatedHeader(Tr row) {
        return row.getTrPr() != null
                && row.getTrPr().getCnfStyleOrDivIdOrGridBefore().stream()
                        .map(JAXBElement::getName)
                        .anyMatch(name -> name.getLocalPart().equals("tblHeader"));
    }

    private static void assertEndsWithParagraph(Tc cell) {
        assertThat(cell.getContent()).isNotEmpty();
        assertThat(XmlUtils.unwrap(cell.getContent().get(cell.getContent().size() - 1)))
                .isInstanceOf(P.class);
    }
}
