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
import org.docx4j.openpackaging.parts.WordprocessingML.MainDocumentPart;
import org.docx4j.wml.BooleanDefaultTrue;
import org.docx4j.wml.CTBorder;
import org.docx4j.wml.HpsMeasure;
import org.docx4j.wml.ObjectFactory;
import org.docx4j.wml.P;
import org.docx4j.wml.PPr;
import org.docx4j.wml.PPrBase;
import org.docx4j.wml.R;
import org.docx4j.wml.RFonts;
import org.docx4j.wml.RPr;
import org.docx4j.wml.STBorder;
import org.docx4j.wml.SectPr;
import org.docx4j.wml.Style;
import org.docx4j.wml.Styles;
import org.docx4j.wml.Tbl;
import org.docx4j.wml.TblBorders;
import org.docx4j.wml.TblGrid;
import org.docx4j.wml.TblGridCol;
import org.docx4j.wml.TblPr;
import org.docx4j.wml.TblWidth;
import org.docx4j.wml.Tc;
import org.docx4j.wml.TcPr;
import org.docx4j.wml.TcPrInner;
import org.docx4j.wml.Text;
import org.docx4j.wml.Tr;
import org.docx4j.wml.TrPr;
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
 * separate paragraphs); br to a line break; strong, b and th to bold, em and i to italic; ul and
 * ol items to indented paragraphs prefixed "• " or "1. "; tables (thead, tbody, tfoot, caption)
 * to Word tables with single-line borders, equal column widths, colspan as grid span, and thead
 * rows repeated on every page; dir="rtl" on html or body to right-to-left paragraphs and tables, with
 * runs of right-to-left text marked rtl. Whitespace collapses as in HTML. head, style, script,
 * title and elements with an inline display:none style are dropped.
 *
 * <p>Not carried over: CSS (layout, colours, sizes, widths, page rules), images, link targets,
 * rowspan, ol start numbers, pre formatting, running headers and footers (their content stays
 * in the body where the source has it)
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
            Pattern.compile("[\\p{IsArabic}\\p{IsHebrew}\\p{IsSyriac}\\p{IsThaana}]");
    /** Elements that close the open paragraph before and after their content; others are inline. */
    private static final Set<String> BLOCKS =
            Set.of(("html body p div address section header footer article main nav aside blockquote pre caption"
                            + " figure figcaption dl dt dd hr")
                    .split(" "));

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
        MainDocumentPart main = docx.getMainDocumentPart();
        SectPr.PgMar margins = main.getJaxbElement().getBody().getSectPr().getPgMar();
        BigInteger margin = BigInteger.valueOf(MARGIN_TWIPS);
        margins.setTop(margin);
        margins.setBottom(margin);
        margins.setLeft(margin);
        margins.setRight(margin);
        margins.setHeader(BigInteger.valueOf(MARGIN_TWIPS / 2)); // header, footer and gutter are
        margins.setFooter(BigInteger.valueOf(MARGIN_TWIPS / 2)); // required by the schema
        margins.setGutter(BigInteger.ZERO);

        Styles styles = main.getStyleDefinitionsPart().getJaxbElement();
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
        return element.getLocalName().toLowerCase(Locale.ROOT); // set, as the parser is namespace aware
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
                } else if (child instanceof Element element
                        && !DISPLAY_NONE.matcher(element.getAttribute("style")).find()) {
                    walkElement(element);
                }
            }
        }

        private void walkElement(Element element) {
            String name = name(element);
            switch (name) {
                case "head", "style", "script", "title" -> {}
                case "br" -> addBreak();
                case "table" -> addTable(element);
                case "strong", "b", "th" -> {
                    bold++;
                    walkChildren(element);
                    bold--;
                }
                case "em", "i" -> {
                    italic++;
                    walkChildren(element);
                    italic--;
                }
                case "h1", "h2", "h3", "h4", "h5", "h6" -> {
                    headingLevel = name.charAt(1) - '0';
                    walkBlock(element);
                    headingLevel = 0;
                }
                case "ul", "ol" -> {
                    lists.push(new int[] {name.equals("ol") ? 0 : -1});
                    walkBlock(element);
                    lists.pop();
                }
                case "li" -> {
                    int[] list = lists.isEmpty() ? new int[] {-1} : lists.peek();
                    pendingMarker = list[0] < 0 ? "• " : ++list[0] + ". ";
                    walkBlock(element);
                    pendingMarker = null;
                }
                default -> {
                    if (BLOCKS.contains(name)) {
                        walkBlock(element);
                    } else {
                        walkChildren(element);
                    }
                }
            }
        }

        private void addText(String raw) {
            String text = WHITESPACE.matcher(raw).replaceAll(" ");
            if (afterSpace && text.startsWith(" ")) {
                text = text.substring(1);
            }
            if (!text.isEmpty()) {
                addRun(text);
                afterSpace = text.endsWith(" ");
            }
        }

        private void addRun(String value) {
            P target = openParagraph();
            Text text = WML.createText();
            text.setValue(value);
            text.setSpace("preserve");
            R run = WML.createR();
            run.setRPr(runProperties(value));
            run.getContent().add(text);
            target.getContent().add(run);
            lastText = text;
        }

        private void addBreak() {
            trimTrailingSpace();
            R run = WML.createR();
            run.getContent().add(WML.createBr());
            openParagraph().getContent().add(run);
            afterSpace = true;
        }

        private P openParagraph() {
            if (paragraph == null) {
                paragraph = newParagraph();
                container.add(paragraph);
                if (pendingMarker != null) {
                    String marker = pendingMarker;
                    pendingMarker = null;
                    addRun(marker);
                }
            }
            return paragraph;
        }

        private void endParagraph() {
            trimTrailingSpace();
            paragraph = null;
            lastText = null;
            afterSpace = true;
        }

        private void trimTrailingSpace() {
            if (lastText != null && lastText.getValue().endsWith(" ")) {
                lastText.setValue(lastText.getValue().stripTrailing());
            }
        }

        private P newParagraph() {
            PPr properties = WML.createPPr();
            if (headingLevel > 0) {
                PPrBase.PStyle style = WML.createPPrBasePStyle();
                style.setVal("Heading" + Math.min(headingLevel, 4)); // the default styles stop at 4
                properties.setPStyle(style);
            }
            if (!lists.isEmpty()) {
                PPrBase.Ind indent = WML.createPPrBaseInd();
                indent.setLeft(BigInteger.valueOf((long) LIST_INDENT_TWIPS * lists.size()));
                properties.setInd(indent);
            }
            if (inCell) {
                PPrBase.Spacing spacing = WML.createPPrBaseSpacing();
                spacing.setAfter(BigInteger.ZERO);
                properties.setSpacing(spacing);
            }
            if (rtl) {
                properties.setBidi(on());
            }
            P created = WML.createP();
            created.setPPr(properties);
            return created;
        }

        private RPr runProperties(String text) {
            RPr properties = WML.createRPr();
            if (bold > 0 || headingLevel > 0) {
                properties.setB(on());
                properties.setBCs(on());
            }
            if (italic > 0) {
                properties.setI(on());
                properties.setICs(on());
            }
            if (headingLevel > 0) {
                properties.setSz(halfPoints(HEADING_HALF_POINTS[headingLevel - 1]));
                properties.setSzCs(halfPoints(HEADING_HALF_POINTS[headingLevel - 1]));
            }
            if (rtl && RIGHT_TO_LEFT.matcher(text).find()) {
                properties.setRtl(on()); // only such runs: rtl on Latin text would pick the Arabic font
            }
            return properties;
        }

        private void addTable(Element table) {
            endParagraph();
            List<Element> head = new ArrayList<>();
            List<Element> body = new ArrayList<>();
            List<Element> foot = new ArrayList<>();
            for (Element child : children(table)) {
                switch (name(child)) {
                    case "caption" -> walkBlock(child);
                    case "thead" -> head.addAll(rowsOf(child));
                    case "tbody" -> body.addAll(rowsOf(child));
                    case "tfoot" -> foot.addAll(rowsOf(child));
                    case "tr" -> body.add(child);
                    default -> {}
                }
            }
            List<Element> rows = new ArrayList<>(head);
            rows.addAll(body);
            rows.addAll(foot); // HTML draws tfoot last wherever the source puts it
            int columns = rows.stream().mapToInt(Walker::columnCount).max().orElse(0);
            if (columns == 0) {
                return; // Word refuses a table without rows or cells
            }

            int columnWidth = textWidth / columns;
            Tbl created = WML.createTbl();
            created.setTblPr(tableProperties());
            TblGrid grid = WML.createTblGrid();
            for (int column = 0; column < columns; column++) {
                TblGridCol gridColumn = WML.createTblGridCol();
                gridColumn.setW(BigInteger.valueOf(columnWidth));
                grid.getGridCol().add(gridColumn);
            }
            created.setTblGrid(grid);
            for (int index = 0; index < rows.size(); index++) {
                if (columnCount(rows.get(index)) > 0) {
                    created.getContent().add(newRow(rows.get(index), index < head.size(), columnWidth));
                }
            }
            container.add(created);
        }

        private TblPr tableProperties() {
            TblPr properties = WML.createTblPr();
            TblWidth width = WML.createTblWidth();
            width.setType("dxa");
            width.setW(BigInteger.valueOf(textWidth));
            properties.setTblW(width);
            TblBorders borders = WML.createTblBorders();
            borders.setTop(singleLine());
            borders.setLeft(singleLine());
            borders.setBottom(singleLine());
            borders.setRight(singleLine());
            borders.setInsideH(singleLine());
            borders.setInsideV(singleLine());
            properties.setTblBorders(borders);
            if (rtl) {
                properties.setBidiVisual(on());
            }
            return properties;
        }

        private Tr newRow(Element row, boolean header, int columnWidth) {
            Tr created = WML.createTr();
            if (header) {
                TrPr properties = WML.createTrPr();
                properties.getCnfStyleOrDivIdOrGridBefore().add(WML.createCTTrPrBaseTblHeader(on()));
                created.setTrPr(properties);
            }
            for (Element cell : children(row)) {
                if (name(cell).equals("td") || name(cell).equals("th")) {
                    created.getContent().add(newCell(cell, columnWidth * columnSpan(cell)));
                }
            }
            return created;
        }

        private Tc newCell(Element cell, int width) {
            Tc created = WML.createTc();
            TcPr properties = WML.createTcPr();
            TblWidth cellWidth = WML.createTblWidth();
            cellWidth.setType("dxa");
            cellWidth.setW(BigInteger.valueOf(width));
            properties.setTcW(cellWidth);
            if (columnSpan(cell) > 1) {
                TcPrInner.GridSpan span = WML.createTcPrInnerGridSpan();
                span.setVal(BigInteger.valueOf(columnSpan(cell)));
                properties.setGridSpan(span);
            }
            created.setTcPr(properties);

            List<Object> outerContainer = container;
            int outerWidth = textWidth;
            boolean outerInCell = inCell;
            container = created.getContent();
            textWidth = Math.max(width - CELL_PADDING_TWIPS, CELL_PADDING_TWIPS);
            inCell = true;
            walkElement(cell); // th is bold there
            endParagraph();
            if (container.isEmpty() || !(container.get(container.size() - 1) instanceof P)) {
                container.add(newParagraph()); // Word requires every cell to end with a paragraph
            }
            container = outerContainer;
            textWidth = outerWidth;
            inCell = outerInCell;
            return created;
        }

        private static List<Element> rowsOf(Element section) {
            return children(section).stream()
                    .filter(row -> name(row).equals("tr"))
                    .toList();
        }

        private static int columnCount(Element row) {
            return children(row).stream()
                    .filter(cell -> name(cell).equals("td") || name(cell).equals("th"))
                    .mapToInt(Walker::columnSpan)
                    .sum();
        }

        private static int columnSpan(Element cell) {
            try {
                return Math.min(
                        Math.max(Integer.parseInt(cell.getAttribute("colspan").trim()), 1), 1000);
            } catch (NumberFormatException e) {
                return 1;
            }
        }

        private static CTBorder singleLine() {
            CTBorder border = WML.createCTBorder();
            border.setVal(STBorder.SINGLE);
            border.setSz(BigInteger.valueOf(4));
            border.setSpace(BigInteger.ZERO);
            border.setColor("auto");
            return border;
        }

        private static HpsMeasure halfPoints(int value) {
            HpsMeasure measure = WML.createHpsMeasure();
            measure.setVal(BigInteger.valueOf(value));
            return measure;
        }
    }
}
