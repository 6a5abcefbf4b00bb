package org.openccm.generation;

import com.openhtmltopdf.util.XRRuntimeException;
import freemarker.core.PlainTextOutputFormat;
import freemarker.core.XHTMLOutputFormat;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.openccm.generation.TemplateEngine.TemplateFailure;
import org.openccm.shared.web.LimitsProperties;
import org.springframework.stereotype.Service;

/**
 * Renders a product's template version for one record: the document as PDF (and DOCX when the
 * product asks for it) and, when the version has one, the HTML mail body. Thread-safe; fonts and
 * compiled templates are shared by all calls.
 */
@Service
public class DocumentGenerator {
    private final TemplateEngine templates;
    private final TemplateEngine texts;
    private final PdfRenderer pdfRenderer;
    private final DocxRenderer docxRenderer = new DocxRenderer();

    public DocumentGenerator(LimitsProperties limits) {
        this.templates = new TemplateEngine(limits.maxDocumentChars(), XHTMLOutputFormat.INSTANCE);
        this.texts = new TemplateEngine(limits.maxDocumentChars(), PlainTextOutputFormat.INSTANCE);
        this.pdfRenderer = new PdfRenderer(new FontLibrary(limits.maxConcurrentGenerations()));
    }

    /** The outputs of one generation. docx and mailBodyHtml may be null. */
    public record RenderedDocument(byte[] pdf, byte[] docx, String mailBodyHtml, String messageText) {}

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
            String messageText = version.messageText() == null
                    ? null
                    : texts.render("text:" + version.id(), version.messageText(), model)
                            .strip();
            return new RenderedDocument(pdf, docx, mailBody, messageText);
        } catch (TemplateFailure e) {
            throw new GenerationFailedException("Template " + label + " failed for this data: " + e.getMessage(), e);
        } catch (IOException | XRRuntimeException e) {
            throw new GenerationFailedException(
                    "GEN_LAYOUT_FAILED: layout of " + label + " failed: " + firstLine(e), e);
        }
    }

    /**
     * Data is always escaped and never evaluated: templates that would interpret a value as a
     * template or switch escaping off are refused at upload.
     */
    private static void checkNoDataEvaluation(String template) {
        if (UNSAFE_DIRECTIVES.matcher(template).find()) {
            throw new ProductCatalog.InvalidProductException(
                    "Templates may not use ?interpret, ?eval, ?eval_json, ?no_esc, noautoesc or outputformat.");
        }
    }

    private static final Pattern UNSAFE_DIRECTIVES = Pattern.compile(
            "\\?\\s*(interpret|eval|eval_json|no_esc)\\b|<#\\s*(noautoesc|outputformat)\\b|\\[#\\s*(noautoesc|outputformat)\\b");

    private static String firstLine(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String line = message.lines().findFirst().orElse(message);
        return line.length() > 200 ? line.substring(0, 200) : line;
    }

    /** Checks that uploaded templates compile, so that a broken version is refused at upload. */
    void checkTemplates(String documentHtml, String mailBodyHtml, String messageText) {
        if (messageText != null && !messageText.isBlank()) {
            checkNoDataEvaluation(messageText);
            try {
                texts.validate("upload-text", messageText);
            } catch (TemplateFailure e) {
                throw new ProductCatalog.InvalidProductException(e.getMessage());
            }
        }
        checkNoDataEvaluation(documentHtml);
        if (mailBodyHtml != null) {
            checkNoDataEvaluation(mailBodyHtml);
        }
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
