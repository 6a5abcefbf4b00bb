package org.openccm.communication;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.openccm.archive.ArchiveRequest;
import org.openccm.archive.ArchivedDocument;
import org.openccm.archive.DocumentArchive;
import org.openccm.communication.GenerationRequest.Source;
import org.openccm.datasource.DataSources;
import org.openccm.delivery.Channels;
import org.openccm.delivery.DeliveryOutcome;
import org.openccm.delivery.MailDelivery;
import org.openccm.delivery.MailMessage;
import org.openccm.delivery.TextMessage;
import org.openccm.delivery.TextMessageDelivery;
import org.openccm.generation.DocumentGenerator;
import org.openccm.generation.DocumentGenerator.GenerationFailedException;
import org.openccm.generation.DocumentGenerator.RenderedDocument;
import org.openccm.generation.Product;
import org.openccm.generation.ProductCatalog;
import org.openccm.generation.RecordData;
import org.openccm.generation.RecordData.UnreadableDataException;
import org.openccm.generation.RecordSource;
import org.openccm.generation.TemplateVersion;
import org.openccm.session.Caller;
import org.openccm.shared.errors.ErrorCode;
import org.openccm.shared.errors.GenerationResponse;
import org.openccm.shared.errors.OmsException;
import org.openccm.shared.security.Tokens;
import org.openccm.shared.web.LimitsProperties;
import org.openccm.shared.web.RequestBodies;
import org.openccm.storage.OutputStore;
import org.openccm.storage.StoragePaths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.ObjectMapper;

/**
 * On-demand generation of one communication: read the record, pick the product's template
 * version, render, store the outputs in the cabinet's storage and record the request.
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
    private final DataSources records;
    private final LimitsProperties limits;
    private final ObjectMapper dataMapper;
    private final Clock clock;
    private final Semaphore renderSlots;
    private final DocumentArchive archive;
    private final MailDelivery mailDelivery;
    private final WorkQueue queue;
    private final TextMessageDelivery textDelivery;
    private final TransactionTemplate transactions;

    GenerateCommunication(
            ProductCatalog products,
            Channels channels,
            DocumentGenerator generator,
            OutputStore store,
            RequestLedger ledger,
            DataSources records,
            RequestBodies bodies,
            LimitsProperties limits,
            DocumentArchive archive,
            MailDelivery mailDelivery,
            WorkQueue queue,
            TextMessageDelivery textDelivery,
            TransactionTemplate transactions,
            Clock clock) {
        this.queue = queue;
        this.textDelivery = textDelivery;
        this.transactions = transactions;
        this.archive = archive;
        this.mailDelivery = mailDelivery;
        this.products = products;
        this.channels = channels;
        this.generator = generator;
        this.store = store;
        this.ledger = ledger;
        this.records = records;
        this.limits = limits;
        this.dataMapper = bodies.mapper();
        this.clock = clock;
        this.renderSlots = new Semaphore(limits.maxConcurrentGenerations(), true);
    }

    /**
     * @param onRequestId told the requestId as soon as one is assigned, so that a failure answer
     *     can carry it
     */
    GenerationResponse generate(Caller caller, GenerationRequest request, LongConsumer onRequestId) {
        if (!caller.role().mayGenerate()) {
            throw new OmsException(ErrorCode.INSUFFICIENT_RIGHTS, "The user's role may not generate communications.");
        }
        Map<String, Object> suppliedData = request.source() == Source.DB ? null : readSuppliedData(request);

        Product product = requireProduct(caller, request);
        MDC.put("product", product.name());
        Routing routing = checkStepsAvailable(caller, request, product);
        TemplateVersion version = chooseVersion(product, request.reportVersion());
        if (!routing.texts().isEmpty() && version.messageText() == null) {
            throw new OmsException(
                    ErrorCode.ONDEMAND_NOT_CONFIGURED,
                    "Version " + version.version() + " of product '" + product.name() + "' has no message template for"
                            + " SMS, WhatsApp, Facebook or Twitter.");
        }
        Map<String, Object> data = suppliedData != null ? suppliedData : readDatabaseRecord(product, request.data());

        return generateDocument(caller, request, product, version, data, routing, onRequestId, null);
    }

    /** What a batch job resolves once for all its records: product, version and channels. */
    record BatchPlan(Product product, TemplateVersion version, Routing routing) {}

    /** Ties a ledger row to its batch record; inTransaction commits with the ledger row. */
    record BatchMark(long spoolId, int seq, LongConsumer inTransaction) {}

    /**
     * A batch job brings its own dataset (query or file), so unlike on-demand calls the product's
     * data kind does not restrict where the records come from.
     */
    BatchPlan planBatch(Caller caller, GenerationRequest request) {
        Product product = products.find(caller.cabinetId(), request.productName())
                .orElseThrow(() -> new OmsException(
                        ErrorCode.PRODUCT_NOT_FOUND,
                        "No product named '" + request.productName() + "' in this cabinet."));
        Routing routing = route(caller, request);
        TemplateVersion version = chooseVersion(product, null);
        if (!routing.texts().isEmpty() && version.messageText() == null) {
            throw new OmsException(
                    ErrorCode.ONDEMAND_NOT_CONFIGURED,
                    "Version " + version.version() + " of product '" + product.name() + "' has no message template.");
        }
        return new BatchPlan(product, version, routing);
    }

    /**
     * Generates one record of a batch spool. Its queued steps are not put on the queue yet: they
     * wait for the spool's approval, which releases them all at once.
     */
    GenerationResponse generateBatchRecord(
            Caller caller, GenerationRequest request, BatchPlan plan, Map<String, Object> data, BatchMark mark) {
        return generateDocument(caller, request, plan.product(), plan.version(), data, plan.routing(), id -> {}, mark);
    }

    private GenerationResponse generateDocument(
            Caller caller,
            GenerationRequest request,
            Product product,
            TemplateVersion version,
            Map<String, Object> data,
            Routing routing,
            LongConsumer onRequestId,
            BatchMark batch) {
        long started = System.nanoTime();
        Instant createdAt = clock.instant();
        long requestId = ledger.nextRequestId();
        onRequestId.accept(requestId);
        MDC.put("requestId", Long.toString(requestId));
        Outputs outputs = new Outputs(caller.cabinetId());
        try {
            RenderedDocument rendered =
                    render(product, version, data, requestFacts(caller, request, requestId, version));
            GenerationResponse response = storeOutputs(request, requestId, rendered, outputs);
            response.latestBaselinedVersion =
                    request.reportVersion() == null || isLatestBaselined(product, version) ? "Y" : "N";
            response.transactionId = product.isNumberedDocument() ? Long.toString(requestId) : "0";
            Archival archival = switch (request.doArchive()) {
                case "S" -> archiveNow(caller, request, requestId, product, rendered, response);
                case "Y" -> Archival.QUEUED;
                default -> Archival.NOT_ASKED;
            };
            MailResult mail = switch (request.sendMail()) {
                case "S" ->
                    mailNow(caller, request, routing.mail(), requestId, product, data, rendered, outputs, response);
                case "Y" -> new MailResult("QUEUED", null, recipient(product, data));
                default -> MailResult.NOT_ASKED;
            };
            String phone =
                    bounded(product.phonePath() == null ? null : RecordData.textAt(data, product.phonePath()), 32);
            String socialId = bounded(
                    product.socialIdPath() == null ? null : RecordData.textAt(data, product.socialIdPath()), 64);
            Map<TextMedium, RequestLedger.TextOutcome> texts = new EnumMap<>(TextMedium.class);
            routing.texts()
                    .forEach((medium, channel) -> texts.put(
                            medium,
                            textNow(
                                    caller,
                                    medium,
                                    request,
                                    channel,
                                    medium.usesPhone() ? phone : socialId,
                                    rendered,
                                    requestId)));
            response.messageStatus = answer(texts.get(TextMedium.MESSAGE));
            response.whatsappStatus = answer(texts.get(TextMedium.WHATSAPP));
            response.facebookStatus = answer(texts.get(TextMedium.FACEBOOK));
            response.twitterStatus = answer(texts.get(TextMedium.TWITTER));
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            RequestLedger.Entry entry = new RequestLedger.Entry(
                    requestId,
                    caller,
                    request,
                    version.version(),
                    ErrorCode.SUCCESS,
                    "",
                    outputs.pdf,
                    outputs.html,
                    outputs.docx,
                    clientData(request, data),
                    createdAt,
                    took,
                    archival.status(),
                    archival.documentIndex(),
                    mail.status(),
                    mail.failure(),
                    mail.recipient());
            recordWithQueuedWork(
                    entry,
                    new RequestLedger.Texts(outputs.text, phone, socialId, texts),
                    caller,
                    request,
                    routing,
                    batch);
            log.info(
                    "Request {} generated product {} v{} in {} ms",
                    requestId,
                    product.name(),
                    version.version(),
                    took.toMillis());
            return response;
        } catch (GenerationFailedException e) {
            outputs.discard();
            OmsException failure = new OmsException(ErrorCode.GENERATION_FAILED, e.getMessage(), e);
            ledger.record(new RequestLedger.Entry(
                    requestId,
                    caller,
                    request,
                    version.version(),
                    ErrorCode.GENERATION_FAILED,
                    failure.description(),
                    null,
                    null,
                    null,
                    clientData(request, data),
                    createdAt,
                    Duration.ofNanos(System.nanoTime() - started),
                    null,
                    null,
                    null,
                    null,
                    null));
            markBatch(requestId, batch);
            throw failure;
        } catch (BatchDocuments.RecordTakenException taken) {
            outputs.discard();
            throw taken;
        } catch (RuntimeException unexpected) {
            outputs.discard();
            ledger.record(new RequestLedger.Entry(
                    requestId,
                    caller,
                    request,
                    version.version(),
                    ErrorCode.GENERATION_FAILED,
                    "Unexpected server error",
                    null,
                    null,
                    null,
                    null,
                    createdAt,
                    Duration.ofNanos(System.nanoTime() - started),
                    null,
                    null,
                    null,
                    null,
                    null));
            markBatch(requestId, batch);
            throw unexpected;
        }
    }

    /** What the synchronous archival of one request came to. */
    private record Archival(String status, Long documentIndex) {
        static final Archival NOT_ASKED = new Archival(null, null);
        static final Archival QUEUED = new Archival("QUEUED", null);
    }

    /**
     * The ledger row and the queued work items go in one transaction: once the request is
     * answered, its queued archival and delivery survive a crash of this instance.
     */
    private void recordWithQueuedWork(
            RequestLedger.Entry entry,
            RequestLedger.Texts texts,
            Caller caller,
            GenerationRequest request,
            Routing routing,
            BatchMark batch) {
        transactions.executeWithoutResult(status -> {
            ledger.record(entry);
            ledger.recordTexts(entry.requestId(), texts);
            if (batch != null) {
                ledger.markBatchRecord(entry.requestId(), batch.spoolId(), batch.seq());
                batch.inTransaction().accept(entry.requestId());
                return;
            }
            routing.texts().forEach((medium, channel) -> {
                if ("Y".equals(medium.flag(request))) {
                    queue.enqueue(entry.requestId(), caller.cabinetId(), medium.name(), channel);
                }
            });
            if ("Y".equals(request.doArchive())) {
                queue.enqueue(entry.requestId(), caller.cabinetId(), WorkQueue.ARCHIVE, null);
            }
            if ("Y".equals(request.sendMail())) {
                queue.enqueue(entry.requestId(), caller.cabinetId(), WorkQueue.MAIL, routing.mail());
            }
        });
    }

    private void markBatch(long requestId, BatchMark batch) {
        if (batch != null) {
            ledger.markBatchRecord(requestId, batch.spoolId(), batch.seq());
        }
    }

    private static String bounded(String value, int max) {
        return value == null || value.length() > max ? null : value;
    }

    /** The recipient at the product's path; a value too long to be one address counts as none. */
    private static String recipient(Product product, Map<String, Object> data) {
        String found = product.recipientPath() == null ? null : RecordData.textAt(data, product.recipientPath());
        return found == null || found.length() > 320 ? null : found;
    }

    /**
     * Archives the main document during the call (doArchive S). A failure does not undo the
     * generated document: the answer says Failed and the ledger keeps FAILED for Retry.
     */
    private Archival archiveNow(
            Caller caller,
            GenerationRequest request,
            long requestId,
            Product product,
            RenderedDocument rendered,
            GenerationResponse response) {
        String documentName = response.filePathName.substring(response.filePathName.lastIndexOf('/') + 1);
        try {
            ArchivedDocument archived = archive.archive(new ArchiveRequest(
                    caller.cabinetId(),
                    documentName,
                    "application/pdf",
                    rendered.pdf(),
                    requestId,
                    product.name(),
                    request.source() == Source.DB ? request.data() : null,
                    request.communicationId()));
            response.archivalDescription = "Success";
            response.documentName = archived.documentName();
            response.documentIndex = archived.documentIndex();
            response.volumeIndex = archived.volumeIndex();
            response.imageIndex = archived.imageIndex();
            return new Archival("ARCHIVED", archived.documentIndex());
        } catch (RuntimeException e) {
            log.warn(
                    "Request {} was generated but not archived; left FAILED for retry: {}",
                    requestId,
                    e.getClass().getSimpleName());
            response.archivalDescription = "Failed";
            return new Archival("FAILED", null);
        }
    }

    /** What the synchronous mail of one request came to; failure holds the reason. */
    private record MailResult(String status, String failure, String recipient) {
        static final MailResult NOT_ASKED = new MailResult(null, null, null);
    }

    /**
     * Mails the document during the call (sendMail S) over the request's channel. A failure does
     * not undo the generated document: the answer says Failed and the ledger keeps the reason.
     */
    private MailResult mailNow(
            Caller caller,
            GenerationRequest request,
            String channel,
            long requestId,
            Product product,
            Map<String, Object> data,
            RenderedDocument rendered,
            Outputs outputs,
            GenerationResponse response) {
        List<MailMessage.Attachment> attachments = new ArrayList<>();
        attachments.add(new MailMessage.Attachment(fileName(outputs.pdf), "application/pdf", rendered.pdf()));
        if (rendered.docx() != null) {
            attachments.add(new MailMessage.Attachment(fileName(outputs.docx), DOCX, rendered.docx()));
        }
        DeliveryOutcome outcome;
        String recipient = recipient(product, data);
        try {
            if (!request.attachmentsLocation().isEmpty()) {
                byte[] extra = store.read(caller.cabinetId(), request.attachmentsLocation());
                attachments.add(new MailMessage.Attachment(
                        fileName(request.attachmentsLocation()), contentType(request.attachmentsLocation()), extra));
            }
            MailMessage mail = new MailMessage(
                    recipient,
                    product.mailSubject() == null ? product.name() : product.mailSubject(),
                    rendered.mailBodyHtml() == null ? DEFAULT_MAIL_BODY : rendered.mailBodyHtml(),
                    attachments,
                    requestId + ".mail");
            outcome = mailDelivery.deliver(caller.cabinetId(), channel, mail);
        } catch (IOException e) {
            outcome = new DeliveryOutcome(false, "the file in attachmentsLocation cannot be read");
        }
        response.mailStatus = outcome.delivered() ? "Success" : "Failed";
        return outcome.delivered()
                ? new MailResult("DELIVERED", null, recipient)
                : new MailResult("FAILED", outcome.reason(), recipient);
    }

    private static final String DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

    private static final String DEFAULT_MAIL_BODY =
            "<html><body><p>Please find your document attached.</p></body></html>";

    private static String fileName(String key) {
        return key.substring(key.lastIndexOf('/') + 1);
    }

    private static String contentType(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".pdf")) {
            return "application/pdf";
        }
        if (lower.endsWith(".docx")) {
            return DOCX;
        }
        if (lower.endsWith(".html") || lower.endsWith(".htm")) {
            return "text/html";
        }
        if (lower.endsWith(".txt")) {
            return "text/plain";
        }
        return "application/octet-stream";
    }

    /** Sends the rendered text now (flag S), or marks it queued (Y). */
    private RequestLedger.TextOutcome textNow(
            Caller caller,
            TextMedium medium,
            GenerationRequest request,
            String channel,
            String recipient,
            RenderedDocument rendered,
            long requestId) {
        if ("Y".equals(medium.flag(request))) {
            return new RequestLedger.TextOutcome("QUEUED", null, channel);
        }
        DeliveryOutcome outcome = textDelivery.deliver(
                caller.cabinetId(),
                channel,
                new TextMessage(recipient, rendered.messageText(), requestId + "." + medium.column));
        return outcome.delivered()
                ? new RequestLedger.TextOutcome("DELIVERED", null, channel)
                : new RequestLedger.TextOutcome("FAILED", outcome.reason(), channel);
    }

    /** The response's word for a medium: Success or Failed when sent now, empty otherwise. */
    private static String answer(RequestLedger.TextOutcome outcome) {
        if (outcome == null || "QUEUED".equals(outcome.status())) {
            return "";
        }
        return "DELIVERED".equals(outcome.status()) ? "Success" : "Failed";
    }

    /**
     * Renders within a rendering slot. Only the CPU-bound rendering holds a slot: archival and
     * delivery, which wait on other servers, do not keep other requests from being rendered.
     */
    private RenderedDocument render(
            Product product, TemplateVersion version, Map<String, Object> data, Map<String, String> facts) {
        acquireRenderSlot();
        try {
            return generator.render(product, version, data, facts);
        } finally {
            renderSlots.release();
        }
    }

    /** Rendering is CPU-bound; past the configured number at once, callers wait a little, then hear "busy". */
    private void acquireRenderSlot() {
        try {
            if (!renderSlots.tryAcquire(limits.generationWait().toMillis(), TimeUnit.MILLISECONDS)) {
                throw new OmsException(
                        ErrorCode.SERVER_BUSY, "Too many documents are being generated; try again later.");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OmsException(ErrorCode.SERVER_BUSY, "Interrupted while waiting to generate.");
        }
    }

    /** XML and JSON data are checked with the other fields, before any business rule (contract 2). */
    private Map<String, Object> readSuppliedData(GenerationRequest request) {
        try {
            return request.source() == Source.XML
                    ? RecordData.fromXml(
                            request.data(), limits.maxXmlDepth(), limits.maxXmlElements(), limits.maxValueChars())
                    : RecordData.fromJson(request.data(), dataMapper, limits.maxValueChars());
        } catch (UnreadableDataException e) {
            throw OmsException.invalidInput(e.getMessage());
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
                    ErrorCode.ONDEMAND_NOT_CONFIGURED,
                    "Product '" + product.name() + "' takes " + product.dataKind() + " data; use "
                            + (dbProduct ? "processUsingDB" : "processUsingXML or processUsingJSON") + ".");
        }
        return product;
    }

    /**
     * The rules on the archival and delivery flags that hold before anything is generated (1034,
     * 1067, 1028), and the channel of each requested medium.
     */
    private Routing checkStepsAvailable(Caller caller, GenerationRequest request, Product product) {
        if ("S".equals(request.doArchive())
                && ("N".equals(request.skipEditing()) || "N".equals(request.skipApproval()))) {
            throw new OmsException(
                    ErrorCode.SYNCHRONOUS_FAILED,
                    "doArchive S needs a final document, but skipEditing or skipApproval is N.");
        }
        Routing routing = route(caller, request);
        if (!"N".equals(request.sendMail()) && "SMS".equals(product.reportType())) {
            throw new OmsException(
                    ErrorCode.ONDEMAND_NOT_CONFIGURED, "SMS products deliver with sendMessage, not sendMail.");
        }
        return routing;
    }

    /** The channel each requested medium goes through; texts holds only the media asked for. */
    record Routing(String mail, Map<TextMedium, String> texts) {}

    /**
     * Picks a channel for each medium whose flag is S or Y (A18). With one medium, channelName
     * must name a channel of its type; with several, channelName serves the medium of its type and
     * each other medium takes the cabinet's first channel of its type. No suitable channel: 1067.
     */
    private Routing route(Caller caller, GenerationRequest request) {
        int media = (request.sendMail().equals("N") ? 0 : 1);
        for (TextMedium medium : TextMedium.values()) {
            media += medium.flag(request).equals("N") ? 0 : 1;
        }
        if (media == 0) {
            return new Routing(null, Map.of());
        }
        Channels.Channel named = null;
        if (request.anySynchronousSend() || !request.channelName().isEmpty()) {
            if (request.channelName().isEmpty() || request.channelName().length() > 32) {
                throw new OmsException(
                        ErrorCode.CHANNEL_NOT_FOUND, "A synchronous send needs channelName (at most 32 characters).");
            }
            named = channels.find(caller.cabinetId(), request.channelName())
                    .orElseThrow(() -> new OmsException(
                            ErrorCode.CHANNEL_NOT_FOUND,
                            "No channel named '" + request.channelName() + "' in this cabinet."));
        }
        Map<TextMedium, String> texts = new EnumMap<>(TextMedium.class);
        for (TextMedium medium : TextMedium.values()) {
            String channel = channelFor(caller, medium.flag(request), medium.channelType, named, media);
            if (channel != null) {
                texts.put(medium, channel);
            }
        }
        return new Routing(channelFor(caller, request.sendMail(), "MAIL", named, media), texts);
    }

    private String channelFor(Caller caller, String flag, String type, Channels.Channel named, int media) {
        if ("N".equals(flag)) {
            return null;
        }
        if (named != null && type.equals(named.type())) {
            return named.name();
        }
        if (named != null && media == 1 && "S".equals(flag)) {
            throw new OmsException(
                    ErrorCode.CHANNEL_NOT_FOUND, "Channel '" + named.name() + "' is not a " + type + " channel.");
        }
        return channels.list(caller.cabinetId()).stream()
                .filter(channel -> type.equals(channel.type()))
                .map(Channels.Channel::name)
                .findFirst()
                .orElseThrow(() ->
                        new OmsException(ErrorCode.CHANNEL_NOT_FOUND, "This cabinet has no " + type + " channel."));
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

    private Map<String, Object> readDatabaseRecord(Product product, String masterKey) {
        try {
            return records.readOne(product.cabinetId(), product.dataSource(), product.dataQuery(), masterKey)
                    .orElseThrow(() ->
                            new OmsException(ErrorCode.GENERATION_FAILED, "No record found for the given masterKey."));
        } catch (RecordSource.AmbiguousRecordException | DataSources.UnknownDataSourceException e) {
            throw new OmsException(ErrorCode.GENERATION_FAILED, e.getMessage());
        } catch (CannotGetJdbcConnectionException e) {
            throw new OmsException(
                    ErrorCode.GENERATION_FAILED, "The product's data source could not be reached in time.", e);
        } catch (DataAccessException e) {
            throw new OmsException(
                    ErrorCode.GENERATION_FAILED,
                    "The product's data query failed: "
                            + e.getMostSpecificCause().getClass().getSimpleName(),
                    e);
        }
    }

    private Map<String, String> requestFacts(
            Caller caller, GenerationRequest request, long requestId, TemplateVersion version) {
        Map<String, String> facts = new HashMap<>();
        facts.put("productName", request.productName());
        facts.put("requestId", Long.toString(requestId));
        facts.put("communicationId", request.communicationId());
        facts.put("generatedDate", DATE.format(clock.instant().atZone(clock.getZone())));
        facts.put("cabinetName", caller.cabinetName());
        facts.put("version", Integer.toString(version.version()));
        return facts;
    }

    /** The storage keys one request has written, so that a failure can take them back. */
    private final class Outputs {
        private final long cabinetId;
        private final List<String> written = new ArrayList<>();
        String pdf;
        String html;
        String docx;
        String text;

        Outputs(long cabinetId) {
            this.cabinetId = cabinetId;
        }

        String write(String key, byte[] content) throws IOException {
            store.write(cabinetId, key, content);
            written.add(key);
            return key;
        }

        void discard() {
            for (String key : written) {
                try {
                    store.delete(cabinetId, key);
                } catch (IOException e) {
                    log.warn("Could not remove {} of a failed request; it stays in storage", key);
                }
            }
        }
    }

    private GenerationResponse storeOutputs(
            GenerationRequest request, long requestId, RenderedDocument rendered, Outputs outputs) {
        String baseName =
                (request.fileName().isEmpty() ? Tokens.randomUrlSafe(12) : request.fileName()) + "_" + requestId;
        byte[] mailBody =
                rendered.mailBodyHtml() == null ? null : rendered.mailBodyHtml().getBytes(StandardCharsets.UTF_8);
        try {
            outputs.pdf = outputs.write(StoragePaths.join(request.filePath(), baseName + ".pdf"), rendered.pdf());
            if (mailBody != null) {
                outputs.html = outputs.write(StoragePaths.join(request.filePath(), baseName + ".html"), mailBody);
            }
            if (rendered.messageText() != null) {
                outputs.text = outputs.write(
                        StoragePaths.join(request.filePath(), baseName + ".txt"),
                        rendered.messageText().getBytes(StandardCharsets.UTF_8));
            }
            if (rendered.docx() != null) {
                outputs.docx =
                        outputs.write(StoragePaths.join(request.filePath(), baseName + ".docx"), rendered.docx());
            }
        } catch (IOException e) {
            throw new GenerationFailedException("The output could not be stored.", e);
        }

        GenerationResponse response = new GenerationResponse();
        response.requestId = requestId;
        response.communicationId = request.communicationId();
        response.filePathName = outputs.pdf;
        response.mailBodyPathName = outputs.html == null ? "" : outputs.html;
        if (request.encodedOutputRequired()) {
            Base64.Encoder base64 = Base64.getEncoder();
            response.encodedFileData = base64.encodeToString(rendered.pdf());
            response.encodedMailBodyData = mailBody == null ? "" : base64.encodeToString(mailBody);
            response.encodedDocxData = rendered.docx() == null ? "" : base64.encodeToString(rendered.docx());
        }
        return response;
    }

    /** The input kept with saveClientData Y: as received, or for processUsingDB the record read, as JSON. */
    private String clientData(GenerationRequest request, Map<String, Object> data) {
        if (!request.saveClientData()) {
            return null;
        }
        return request.source() == Source.DB ? dataMapper.writeValueAsString(data) : request.data();
    }
}
