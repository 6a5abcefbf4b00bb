package org.openccm.communication;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openccm.communication.GenerationRequest.Source;
import org.openccm.delivery.Channels;
import org.openccm.generation.DocumentGenerator;
import org.openccm.generation.DocumentGenerator.GenerationFailedException;
import org.openccm.generation.DocumentGenerator.RenderedDocument;
import org.openccm.generation.Product;
import org.openccm.generation.ProductCatalog;
import org.openccm.generation.RecordData;
import org.openccm.generation.RecordData.UnreadableDataException;
import org.openccm.generation.TemplateVersion;
import org.openccm.session.Caller;
import org.openccm.shared.errors.ApiErrorHandler;
import org.openccm.shared.errors.ErrorCode;
import org.openccm.shared.errors.GenerationResponse;
import org.openccm.shared.errors.OmsException;
import org.openccm.shared.web.LimitsProperties;
import org.openccm.shared.web.RequestBodies;
import org.openccm.storage.OutputStore;
import org.openccm.storage.StoragePaths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Service;
import tools.jackson.databind.ObjectMapper;

/**
 * On-demand generation of one communication: pick the product's template version, read the
 * record, render, store the outputs in the cabinet's storage and record the request.
 */
@Service
class GenerateCommunication {
    private static final Logger log = LoggerFactory.getLogger(GenerateCommunication.class);
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("uuuu-MM-dd");

    private final ProductCatalog products;
    private final Channels channels;
    private final DocumentGenerator generator;
    private final OutputStore store;
    private final RequestLedger ledger;
    private final NamedParameterJdbcTemplate recordQueries;
    private final LimitsProperties limits;
    private final ObjectMapper dataMapper;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    GenerateCommunication(
            ProductCatalog products,
            Channels channels,
            DocumentGenerator generator,
            OutputStore store,
            RequestLedger ledger,
            NamedParameterJdbcTemplate recordQueries,
            LimitsProperties limits,
            Clock clock) {
        this.products = products;
        this.channels = channels;
        this.generator = generator;
        this.store = store;
        this.ledger = ledger;
        this.recordQueries = recordQueries;
        this.limits = limits;
        this.dataMapper = RequestBodies.boundedMapper(limits.maxJsonDepth(), limits.maxRequestBytes());
        this.clock = clock;
    }

    GenerationResponse generate(Caller caller, GenerationRequest request, HttpServletRequest http) {
        http.setAttribute(ApiErrorHandler.COMMUNICATION_ID_ATTRIBUTE, request.communicationId());
        if (!caller.role().mayGenerate()) {
            throw new OmsException(ErrorCode.INSUFFICIENT_RIGHTS, "The user's role may not generate communications.");
        }
        Product product = requireProduct(caller, request);
        MDC.put("product", product.name());
        checkStepsAvailable(caller, request);
        TemplateVersion version = chooseVersion(product, request.reportVersion());
        Map<String, Object> data = readRecord(product, request);

        long started = System.nanoTime();
        Instant createdAt = clock.instant();
        long requestId = ledger.nextRequestId();
        http.setAttribute(ApiErrorHandler.REQUEST_ID_ATTRIBUTE, requestId);
        MDC.put("requestId", Long.toString(requestId));
        try {
            RenderedDocument rendered =
                    generator.render(product, version, data, requestFacts(caller, request, requestId, version));
            Stored stored = store(caller, request, requestId, rendered);
            GenerationResponse response = stored.response();
            response.latestBaselinedVersion = isLatestBaselined(product, version) ? "Y" : "N";
            response.transactionId = product.isNumberedDocument() ? Long.toString(requestId) : "0";
            long millis = (System.nanoTime() - started) / 1_000_000;
            ledger.record(entry(
                    caller,
                    request,
                    requestId,
                    version,
                    "GENERATED",
                    ErrorCode.SUCCESS,
                    "",
                    stored,
                    data,
                    createdAt,
                    millis));
            log.info(
                    "Request {} generated product {} v{} in {} ms",
                    requestId,
                    product.name(),
                    version.version(),
                    millis);
            return response;
        } catch (GenerationFailedException e) {
            long millis = (System.nanoTime() - started) / 1_000_000;
            OmsException failure = new OmsException(ErrorCode.GENERATION_FAILED, e.getMessage(), e);
            ledger.record(entry(
                    caller,
                    request,
                    requestId,
                    version,
                    "FAILED",
                    ErrorCode.GENERATION_FAILED,
                    failure.description(),
                    null,
                    data,
                    createdAt,
                    millis));
            log.warn(
                    "Request {} failed to render product {} v{}: {}",
                    requestId,
                    product.name(),
                    version.version(),
                    e.getMessage());
            throw failure;
        }
    }

    private Product requireProduct(Caller caller, GenerationRequest request) {
        if (request.productName().isEmpty()) {
            throw new OmsException(ErrorCode.PRODUCT_NOT_FOUND, "productName is mandatory.");
        }
        Product product = products.find(caller.cabinetId(), request.productName())
                .orElseThrow(() -> new OmsException(
                        ErrorCode.PRODUCT_NOT_FOUND,
                        "No product named '" + request.productName() + "' in this cabinet."));
        boolean dbProduct = product.dataKind() == Product.DataKind.DB;
        if (dbProduct != (request.source() == Source.DB)) {
            throw new OmsException(
                    ErrorCode.GENERATION_FAILED,
                    "Product '" + product.name() + "' takes " + product.dataKind() + " data; use "
                            + (dbProduct ? "processUsingDB" : "processUsingXML or processUsingJSON") + ".");
        }
        return product;
    }

    /**
     * Archival and delivery arrive with a later release. Until then a request that asks for them
     * is refused before anything is generated, so that nothing is half done.
     */
    private void checkStepsAvailable(Caller caller, GenerationRequest request) {
        if ("S".equals(request.doArchive())
                && ("N".equals(request.skipEditing()) || "N".equals(request.skipApproval()))) {
            throw new OmsException(
                    ErrorCode.SYNCHRONOUS_FAILED,
                    "doArchive S needs a final document, but skipEditing or skipApproval is N.");
        }
        if (request.anySynchronousSend()) {
            if (request.channelName().isEmpty()) {
                throw new OmsException(ErrorCode.CHANNEL_NOT_FOUND, "A send flag is S but channelName is empty.");
            }
            if (!channels.exists(caller.cabinetId(), request.channelName())) {
                throw new OmsException(
                        ErrorCode.CHANNEL_NOT_FOUND,
                        "No channel named '" + request.channelName() + "' in this cabinet.");
            }
        }
        if (request.anyDeliveryOrArchival()) {
            throw new OmsException(
                    ErrorCode.ONDEMAND_NOT_CONFIGURED,
                    "Archival and delivery are not available yet in this server version; send doArchive and every"
                            + " send flag as N (the document can then be generated).");
        }
    }

    private TemplateVersion chooseVersion(Product product, Integer requested) {
        if (requested == null) {
            return products.latestBaselined(product)
                    .orElseThrow(() -> new OmsException(
                            ErrorCode.GENERATION_FAILED, "Product '" + product.name() + "' has no baselined version."));
        }
        TemplateVersion version = products.findVersion(product, requested)
                .orElseThrow(() -> new OmsException(
                        ErrorCode.GENERATION_FAILED,
                        "Product '" + product.name() + "' has no version " + requested + "."));
        if (!version.isBaselined()) {
            throw new OmsException(
                    ErrorCode.GENERATION_FAILED,
                    "Version " + requested + " of product '" + product.name() + "' is not baselined.");
        }
        return version;
    }

    private boolean isLatestBaselined(Product product, TemplateVersion version) {
        return products.latestBaselined(product)
                .map(latest -> latest.id() == version.id())
                .orElse(false);
    }

    private Map<String, Object> readRecord(Product product, GenerationRequest request) {
        try {
            return switch (request.source()) {
                case XML -> RecordData.fromXml(request.data(), limits.maxXmlDepth(), limits.maxXmlElements());
                case JSON -> RecordData.fromJson(request.data(), dataMapper);
                case DB -> readDatabaseRecord(product, request.data());
            };
        } catch (UnreadableDataException e) {
            throw OmsException.invalidInput(e.getMessage());
        }
    }

    private Map<String, Object> readDatabaseRecord(Product product, String masterKey) {
        List<Map<String, Object>> rows = recordQueries.query(
                product.dataQuery(), Map.of("masterKey", masterKey), (rs, n) -> RecordData.fromRow(rs));
        if (rows.isEmpty()) {
            throw new OmsException(ErrorCode.GENERATION_FAILED, "No record found for the given masterKey.");
        }
        return rows.get(0);
    }

    private Map<String, String> requestFacts(
            Caller caller, GenerationRequest request, long requestId, TemplateVersion version) {
        Map<String, String> facts = new HashMap<>();
        facts.put("productName", request.productName());
        facts.put("requestId", Long.toString(requestId));
        facts.put("communicationId", request.communicationId());
        facts.put("generatedDate", DATE.format(clock.instant().atZone(ZoneId.systemDefault())));
        facts.put("cabinetName", caller.cabinetName());
        facts.put("version", Integer.toString(version.version()));
        return facts;
    }

    /** The response so far and the storage key of the DOCX output, which the response does not name. */
    private record Stored(GenerationResponse response, String docxKey) {}

    private Stored store(Caller caller, GenerationRequest request, long requestId, RenderedDocument rendered) {
        String baseName = (request.fileName().isEmpty() ? randomName() : request.fileName()) + "_" + requestId;
        String pdfKey = StoragePaths.join(request.filePath(), baseName + ".pdf");
        GenerationResponse response = new GenerationResponse();
        response.requestId = requestId;
        response.communicationId = request.communicationId();
        String docxKey = null;
        try {
            store.write(caller.cabinetId(), pdfKey, rendered.pdf());
            response.filePathName = pdfKey;
            if (rendered.mailBodyHtml() != null) {
                String htmlKey = StoragePaths.join(request.filePath(), baseName + ".html");
                store.write(caller.cabinetId(), htmlKey, rendered.mailBodyHtml().getBytes(StandardCharsets.UTF_8));
                response.mailBodyPathName = htmlKey;
            }
            if (rendered.docx() != null) {
                docxKey = StoragePaths.join(request.filePath(), baseName + ".docx");
                store.write(caller.cabinetId(), docxKey, rendered.docx());
            }
        } catch (IOException e) {
            throw new GenerationFailedException("The output could not be stored.", e);
        }
        if (request.encodedOutputRequired()) {
            Base64.Encoder base64 = Base64.getEncoder();
            response.encodedFileData = base64.encodeToString(rendered.pdf());
            if (rendered.mailBodyHtml() != null) {
                response.encodedMailBodyData =
                        base64.encodeToString(rendered.mailBodyHtml().getBytes(StandardCharsets.UTF_8));
            }
            if (rendered.docx() != null) {
                response.encodedDocxData = base64.encodeToString(rendered.docx());
            }
        }
        return new Stored(response, docxKey);
    }

    private String randomName() {
        byte[] bytes = new byte[12];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private RequestLedger.Entry entry(
            Caller caller,
            GenerationRequest request,
            long requestId,
            TemplateVersion version,
            String outcome,
            ErrorCode code,
            String description,
            Stored stored,
            Map<String, Object> data,
            Instant createdAt,
            long millis) {
        GenerationResponse response = stored == null ? null : stored.response();
        return new RequestLedger.Entry(
                requestId,
                caller.cabinetId(),
                caller.userId(),
                request.source().name(),
                request,
                version.version(),
                outcome,
                code.code(),
                description,
                response == null ? null : response.filePathName,
                response == null ? null : emptyToNull(response.mailBodyPathName),
                stored == null ? null : stored.docxKey(),
                request.saveClientData() ? clientData(request, data) : null,
                createdAt,
                millis);
    }

    /** The input as received; for processUsingDB, the record read for masterKey, as JSON. */
    private String clientData(GenerationRequest request, Map<String, Object> data) {
        return request.source() == Source.DB ? dataMapper.writeValueAsString(data) : request.data();
    }

    private static String emptyToNull(String text) {
        return text == null || text.isEmpty() ? null : text;
    }
}
