package org.openccm.generation;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.docx4j.jaxb.Context;
import org.docx4j.model.structure.PageSizePaper;
import org.docx4j.openpackaging.exceptions.Docx4JException;
import org.docx4j.openpackaging.packages.WordprocessingMLPackage;
import org.docx4j.wml.BooleanDefaultTrue;
import org.docx4j.wml.ObjectFactory;
import org.docx4j.wml.P;
import org.docx4j.wml.RFonts;
import org.docx4j.wml.SectPr;
import org.docx4j.wml.Style;
import org.docx4j.wml.Styles;
import org.docx4j.wml.Text;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Converts the XHTML produced by our document templates into a Word document (.docx) by walking the
 * DOM and building docx4j objects.
 *
 * <p>Mapped: h1-h6 to bold, larger paragraphs with Word's Heading1-Heading4 styles; p, div,
 * address, section, header, footer, li and similar blocks to paragraphs (nested blocks become
 * separate paragraphs); br to a line break; strong, b and th to bold, em and i to italic, u to
 * underline; ul and ol items to paragraphs prefixed "• " or "1. "; tables (thead, tbody, tfoot) to
 * Word tables with single-line borders, equal column widths, colspan as grid span, and thead rows
 * repeated on every page; dir="rtl" on html or body to right-to-left paragraphs and tables, with
 * runs of right-to-left text marked rtl. Whitespace collapses as in HTML. head, style, script,
 * title and elements with an inline display:none style are dropped.
 *
 * <p>Not carried over: CSS (layout, colours, sizes, widths, page rules), images, link targets,
 * rowspan, running headers and footers (their content stays in the body where the source has it)
 * and page counters. Text uses Noto Sans, and Noto Naskh Arabic for complex scripts; fonts are
 * not embedded. Pages are A4 with 2 cm margins.
 *
 * <p>The only DOCTYPE accepted is HTML5's bare {@code <!DOCTYPE html>}, which every template
 * starts with; it is removed before parsing and any other DOCTYPE is refused, so entities cannot
 * reach files or the network. Thread-safe: each call builds its own parser and package.
 */
final class DocxRenderer {
    /** First use loads docx4j's JAXB context, which takes seconds; done once per JVM. */
    private static final ObjectFactory WML = Context.getWmlObjectFactory();

    private static final Pattern HTML5_DOCTYPE =
            Pattern.compile("\\A(\\s*(?:<\\?xml[^>]*\\?>)?\\s*)<!DOCTYPE\\s+html\\s*>", Pattern.CASE_INSENSITIVE);
    private static final Pattern WHITESPACE = Pattern.compile("[ \\t\\n\\r\\f]+");
    private static final Pattern DISPLAY_NONE = Pattern.compile("display\\s*:\\s*none", Pattern.CASE_INSENSITIVE);
    private static final Pattern RIGHT_TO_LEFT =
            Pattern.compile("[\\p{InArabic}\\p{InHebrew}\\p{InSyriac}\\p{InThaana}]");
    private static final Set<String> SKIPPED = Set.of("head", "style", "script", "title");
    private static final Set<String> BLOCKS = Set.of(
            "html",
            "body",
            "p",
            "div",
            "address",
            "section",
            "header",
            "footer",
            "article",
            "main",
            "nav",
            "aside",
            "blockquote",
            "pre",
            "caption",
            "figure",
            "figcaption",
            "dl",
            "dt",
            "dd",
            "hr");
    private static final int[] HEADING_HALF_POINTS = {32, 28, 24, 22, 22, 22};
    private static final int MARGIN_TWIPS = 1134; // 2 cm
    private static final int TEXT_WIDTH_TWIPS = 11906 - 2 * MARGIN_TWIPS; // A4 width less margins
    private static final int CELL_PADDING_TWIPS = 216;
    private static final int LIST_INDENT_TWIPS = 360;

    byte[] render(String xhtml) throws IOException {
        Element root = parse(xhtml).getDocumentElement();
        try {
            WordprocessingMLPackage docx = newPackage();
            new Walker(docx.getMainDocumentPart().getContent(), isRightToLeft(root)).walkBlock(root);

            ByteArrayOutputStream out = new ByteArrayOutputStream(32 * 1024);
            docx.save(out);
            return out.toByteArray();
        } catch (Docx4JException e) {
            throw new IOException("GEN_DOCX_WRITE_FAILED: docx4j could not build the Word document", e);
        }
    }

    private static Document parse(String xhtml) throws IOException {
        String withoutDoctype = HTML5_DOCTYPE.matcher(xhtml).replaceFirst("$1");
        try {
            DocumentBuilder builder = safeParserFactory().newDocumentBuilder();
            builder.setErrorHandler(new DefaultHandler()); // fail on fatal errors, print nothing
            builder.setEntityResolver((publicId, systemId) -> {
                throw new SAXException("external entities are refused");
            });
            return builder.parse(new InputSource(new StringReader(withoutDoctype)));
        } catch (SAXParseException e) {
            throw new IOException(
                    "GEN_DOCX_XHTML_INVALID: not well-formed XHTML or DOCTYPE refused at line %d, column %d"
                            .formatted(e.getLineNumber(), e.getColumnNumber()),
                    e);
        } catch (SAXException | ParserConfigurationException e) {
            throw new IOException("GEN_DOCX_XHTML_INVALID: the XHTML could not be parsed", e);
        }
    }

    private static DocumentBuilderFactory safeParserFactory() throws ParserConfigurationException {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newDefaultInstance();
        factory.setNamespaceAware(true);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
        factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        factory.setXIncludeAware(false);
        factory.setExpandEntityReferences(false);
        return factory;
    }

    private static WordprocessingMLPackage newPackage() throws Docx4JException {
        WordprocessingMLPackage docx = WordprocessingMLPackage.createPackage(PageSizePaper.A4, false);
        SectPr.PgMar margins = docx.getMainDocumentPart()
                .getJaxbElement()
                .getBody()
                .getSectPr()
                .getPgMar();
        BigInteger margin = BigInteger.valueOf(MARGIN_TWIPS);
        margins.setTop(margin);
        margins.setBottom(margin);
        margins.setLeft(margin);
        margins.setRight(margin);

        Styles styles = docx.getMainDocumentPart().getStyleDefinitionsPart().getJaxbElement();
        RFonts fonts = WML.createRFonts();
        fonts.setAscii("Noto Sans");
        fonts.setHAnsi("Noto Sans");
        fonts.setCs("Noto Naskh Arabic");
        styles.getDocDefaults().getRPrDefault().getRPr().setRFonts(fonts);
        for (Style style : styles.getStyle()) {
            if (style.getRPr() != null) {
                style.getRPr().setRFonts(null); // the built-in styles name theme fonts, which would win
            }
        }
        return docx;
    }

    private static boolean isRightToLeft(Element html) {
        boolean rtl = "rtl".equalsIgnoreCase(html.getAttribute("dir").trim());
        for (Element child : children(html)) {
            rtl |= name(child).equals("body")
                    && "rtl".equalsIgnoreCase(child.getAttribute("dir").trim());
        }
        return rtl;
    }

    private static List<Element> children(Node parent) {
        List<Element> elements = new ArrayList<>();
        for (Node child = parent.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element element
                    && !DISPLAY_NONE.matcher(element.getAttribute("style")).find()) {
                elements.add(element);
            }
        }
        return elements;
    }

    private static String name(Element element) {
        String local = element.getLocalName() != null ? element.getLocalName() : element.getTagName();
        return local.toLowerCase(Locale.ROOT);
    }

    private static BooleanDefaultTrue on() {
        return new BooleanDefaultTrue();
    }

    /** The state of one conversion; never shared between calls. */
    private static final class Walker {
        private final boolean rtl;
        private final Deque<int[]> lists = new ArrayDeque<>(); // per open list: last number, -1 for ul
        private List<Object> container; // where paragraphs and tables go: the body or a table cell
        private int textWidth = TEXT_WIDTH_TWIPS;
        private boolean inCell;
        private P paragraph; // the open paragraph, created when inline content arrives
        private Text lastText;
        private boolean afterSpace = true; // collapsible whitespace would be dropped here
        private int bold;
        private int italic;
        private int underline;
        private int headingLevel;
        private String pendingMarker;

        Walker(List<Object> body, boolean rtl) {
            this.container = body;
            this.rtl = rtl;
        }

        void walkBlock(Element element) {
            endParagraph();
            walkChildren(element);
            endParagraph();
        }

        private void walkChildren(Element parent) {
            for (Node child = parent.getFirstChild(); child != null; child = child.getNextSibling()) {
                if (child.getNodeType() == Node.TEXT_NODE || child.getNodeType() == Node.CDATA_SECTION_NODE) {
                    addText(child.getNodeValue());
                }
            }
        }
    }
}
