package org.openccm.generation;

import com.openhtmltopdf.bidi.support.ICUBidiReorderer;
import com.openhtmltopdf.bidi.support.ICUBidiSplitter;
import com.openhtmltopdf.extend.FSCacheEx;
import com.openhtmltopdf.extend.FSCacheValue;
import com.openhtmltopdf.extend.impl.FSDefaultCacheStore;
import com.openhtmltopdf.outputdevice.helper.BaseRendererBuilder.TextDirection;
import com.openhtmltopdf.outputdevice.helper.ExternalResourceControlPriority;
import com.openhtmltopdf.pdfboxout.PdfRendererBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

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
    }

    byte[] render(String xhtml) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        PdfRendererBuilder builder = new PdfRendererBuilder();
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
        for (FontLibrary.Face face : fonts.faces()) {
            builder.useFont(face::open, face.family(), face.weight(), face.style(), true);
        }
        builder.toStream(out);
        builder.run();
        return out.toByteArray();
    }
}
