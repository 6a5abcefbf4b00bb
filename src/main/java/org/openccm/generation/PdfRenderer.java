package org.openccm.generation;

import com.openhtmltopdf.bidi.support.ICUBidiReorderer;
import com.openhtmltopdf.bidi.support.ICUBidiSplitter;
import com.openhtmltopdf.extend.FSCacheEx;
import com.openhtmltopdf.extend.FSCacheValue;
import com.openhtmltopdf.extend.impl.FSDefaultCacheStore;
import com.openhtmltopdf.outputdevice.helper.BaseRendererBuilder.TextDirection;
import com.openhtmltopdf.outputdevice.helper.ExternalResourceControlPriority;
import com.openhtmltopdf.pdfboxout.PDFontSupplier;
import com.openhtmltopdf.pdfboxout.PdfRendererBuilder;
import com.openhtmltopdf.util.XRLog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.pdmodel.font.PDType0Font;

/**
 * Lays out XHTML with CSS print rules (page size, margins, running headers and footers, page
 * counters, repeated table headers) into a PDF through openhtmltopdf. Fonts and font metrics are
 * shared across documents; external resources (files, network, other URIs) are refused.
 */
final class PdfRenderer {
    private final FontLibrary fonts;
    private final FSCacheEx<String, FSCacheValue> fontMetrics = new FSDefaultCacheStore();

    PdfRenderer(FontLibrary fonts) {
        this.fonts = fonts;
        XRLog.setLoggerImpl(new LayoutLogBridge());
    }

    byte[] render(String xhtml) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        FontLibrary.ParsedFaces parsedFaces = fonts.borrow();
        try (PDDocument document = new PDDocument()) {
            PdfRendererBuilder builder = configuredBuilder(xhtml, document, parsedFaces);
            builder.toStream(out);
            builder.run();
        } finally {
            fonts.giveBack(parsedFaces);
        }
        return out.toByteArray();
    }

    private PdfRendererBuilder configuredBuilder(
            String xhtml, PDDocument document, FontLibrary.ParsedFaces parsedFaces) {
        PdfRendererBuilder builder = new PdfRendererBuilder();
        builder.usePDDocument(document);
        builder.useFastMode();
        builder.withProducer("OpenCCM");
        builder.withHtmlContent(xhtml, null);
        builder.useExternalResourceAccessControl(
                (uri, type) -> false, ExternalResourceControlPriority.RUN_BEFORE_RESOLVING_URI);
        builder.useExternalResourceAccessControl(
                (uri, type) -> false, ExternalResourceControlPriority.RUN_AFTER_RESOLVING_URI);
        builder.useUnicodeBidiSplitter(new ICUBidiSplitter.ICUBidiSplitterFactory());
        builder.useUnicodeBidiReorderer(new ICUBidiReorderer());
        builder.defaultTextDirection(TextDirection.LTR);
        builder.useCacheStore(PdfRendererBuilder.CacheStore.PDF_FONT_METRICS, fontMetrics);
        List<FontLibrary.Face> faces = fonts.faces();
        for (int i = 0; i < faces.size(); i++) {
            FontLibrary.Face face = faces.get(i);
            builder.useFont(new LazyFont(document, parsedFaces, i), face.family(), face.weight(), face.style(), true);
        }
        return builder;
    }

    /** Embeds a face in the document only if the layout asks for it. */
    private static final class LazyFont extends PDFontSupplier {
        private final PDDocument document;
        private final FontLibrary.ParsedFaces parsedFaces;
        private final int index;
        private PDFont loaded;

        LazyFont(PDDocument document, FontLibrary.ParsedFaces parsedFaces, int index) {
            super(null);
            this.document = document;
            this.parsedFaces = parsedFaces;
            this.index = index;
        }

        @Override
        public PDFont supply() {
            if (loaded == null) {
                try {
                    loaded = PDType0Font.load(document, parsedFaces.get(index), true);
                } catch (IOException e) {
                    throw new UncheckedIOException("GEN_FONT_UNREADABLE: face " + index, e);
                }
            }
            return loaded;
        }
    }
}
