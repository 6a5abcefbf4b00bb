package org.openccm.generation;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.openccm.generation.TemplateEngine.TemplateFailure;
import org.springframework.stereotype.Service;

/**
 * Renders a product's template version for one record: the document as PDF (and DOCX when the
 * product asks for it) and, when the version has one, the HTML mail body. Thread-safe; fonts and
 * compiled templates are shared by all calls.
 */
@Service
public class DocumentGenerator {
    private final TemplateEngine templates = new TemplateEngine();
    private final PdfRenderer pdfRenderer =
            new PdfRenderer(new FontLibrary(2 * Runtime.getRuntime().availableProcessors()));
    private final DocxRenderer docxRenderer = new DocxRenderer();

    /** The outputs of one generation. docx and mailBodyHtml may be null. */
    public record RenderedDocument(byte[] pdf, byte[] docx, String mailBodyHtml) {}

    /** Thrown when a document cannot be produced; the message is safe and useful for the caller. */
    public static class GenerationFailedException extends RuntimeException {
        public GenerationFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * @param data the record, as built by {@link RecordData}
     * @param request facts about the request that templates may print (requestId, dates, ...)
     */
    public RenderedDocument render(
            Product product, TemplateVersion version, Map<String, Object> data, Map<String, String> request) {
        Map<String, Object> model = new HashMap<>();
        model.put("data", data);
        model.put("request", request);
        String label = product.name() + " v" + version.version();
        try {
            String documentHtml = templates.render("doc:" + version.id(), version.documentHtml(), model);
            byte[] pdf = pdfRenderer.render(documentHtml);
            byte[] docx = product.docxOutput() ? docxRenderer.render(documentHtml) : null;
            String mailBody = version.mailBodyHtml() == null
                    ? null
                    : templates.render("mail:" + version.id(), version.mailBodyHtml(), model);
            return new RenderedDocument(pdf, docx, mailBody);
        } catch (TemplateFailure e) {
            throw new GenerationFailedException("Template " + label + " failed for this data: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new GenerationFailedException(
                    "Layout of " + label + " failed: " + e.getClass().getSimpleName(), e);
        }
    }

    /** Checks that uploaded templates compile, so that a broken version is refused at upload. */
    void checkTemplates(String documentHtml, String mailBodyHtml) {
        try {
            templates.validate("upload", documentHtml);
            if (mailBodyHtml != null && !mailBodyHtml.isBlank()) {
                templates.validate("upload-mail", mailBodyHtml);
            }
        } catch (TemplateFailure e) {
            throw new ProductCatalog.InvalidProductException(e.getMessage());
        }
    }
}
