package org.openccm.communication;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openccm.archive.ArchiveRequest;
import org.openccm.archive.ArchivedDocument;
import org.openccm.archive.DocumentArchive;
import org.openccm.communication.RequestLedger.Recorded;
import org.openccm.delivery.Channels;
import org.openccm.delivery.DeliveryOutcome;
import org.openccm.delivery.MailDelivery;
import org.openccm.delivery.MailMessage;
import org.openccm.delivery.TextMessage;
import org.openccm.delivery.TextMessageDelivery;
import org.openccm.generation.Product;
import org.openccm.generation.ProductCatalog;
import org.openccm.session.Caller;
import org.openccm.shared.errors.ErrorCode;
import org.openccm.shared.errors.OmsException;
import org.openccm.storage.OutputStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Retry of one request (contract 4.4, single mode): archives again what failed to archive and
 * delivers again what failed to deliver, from the files the request stored. Steps that succeeded
 * are left alone, so a retry never sends a mail twice.
 */
@Service
class RetryCommunication {
    private static final Logger log = LoggerFactory.getLogger(RetryCommunication.class);
    private static final String DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

    private final RequestLedger ledger;
    private final OutputStore store;
    private final DocumentArchive archive;
    private final MailDelivery mailDelivery;
    private final Channels channels;
    private final ProductCatalog products;
    private final TextMessageDelivery textDelivery;

    RetryCommunication(
            RequestLedger ledger,
            OutputStore store,
            DocumentArchive archive,
            MailDelivery mailDelivery,
            Channels channels,
            ProductCatalog products,
            TextMessageDelivery textDelivery) {
        this.textDelivery = textDelivery;
        this.ledger = ledger;
        this.store = store;
        this.archive = archive;
        this.mailDelivery = mailDelivery;
        this.channels = channels;
        this.products = products;
    }

    /** The result of a retry: the contract's code and its "Communication : …, Archival : …" text. */
    record Result(ErrorCode code, String description) {}

    Result retry(Caller caller, long requestId, String channelName) {
        Recorded recorded = ledger.find(caller.cabinetId(), requestId)
                .orElseThrow(() -> new OmsException(
                        ErrorCode.NOTHING_TO_RETRY, "No generated request " + requestId + " in this cabinet."));
        String channel = channelName.isEmpty() ? recorded.channelName() : channelName;
        if ("FAILED".equals(recorded.mailStatus()) && !isMailChannel(caller, channel)) {
            throw new OmsException(
                    ErrorCode.RETRY_CHANNEL_NOT_FOUND, "The mail retry needs channelName to name a mail channel.");
        }
        boolean archiveFailed =
                "FAILED".equals(recorded.archiveStatus()) && ledger.claimRetry(requestId, WorkQueue.ARCHIVE);
        boolean mailFailed = "FAILED".equals(recorded.mailStatus()) && ledger.claimRetry(requestId, WorkQueue.MAIL);
        List<TextMedium> textsFailed = recorded.texts().entrySet().stream()
                .filter(entry -> "FAILED".equals(entry.getValue().status()))
                .map(Map.Entry::getKey)
                .filter(medium -> ledger.claimRetry(requestId, medium.name()))
                .toList();
        if (!archiveFailed && !mailFailed && textsFailed.isEmpty()) {
            throw new OmsException(
                    ErrorCode.NOTHING_TO_RETRY,
                    "Request " + requestId + " has no failed step (or a retry is running).");
        }

        Boolean archived = archiveFailed ? archiveStep(caller.cabinetId(), recorded) : null;
        Boolean mailed =
                mailFailed ? mailStep(caller.cabinetId(), recorded, channel).delivered() : null;
        for (TextMedium medium : textsFailed) {
            String textChannel = recorded.texts().get(medium).channel();
            mailed = both(
                    mailed,
                    textStep(caller.cabinetId(), recorded, medium, textChannel).delivered());
        }

        log.info("Retry of request {}: archival {}, delivery {}", requestId, archived, mailed);
        return new Result(
                code(mailed, archived), "Communication : " + word(mailed) + " , Archival : " + word(archived));
    }

    private boolean isMailChannel(Caller caller, String channel) {
        return channel != null
                && !channel.isEmpty()
                && channels.find(caller.cabinetId(), channel)
                        .map(found -> "MAIL".equals(found.type()))
                        .orElse(false);
    }

    /**
     * Archives a generated request's document, unless it is already archived (a worker may have
     * died after archiving but before it could say so): then the existing entry counts.
     */
    boolean archiveStep(long cabinetId, Recorded recorded) {
        List<ArchivedDocument> existing = archive.search(
                cabinetId, new DocumentArchive.Criteria(recorded.requestId(), null, null, null, null, null), 1);
        if (!existing.isEmpty()) {
            ledger.markArchived(recorded.requestId(), existing.get(0).documentIndex());
            return true;
        }
        try {
            byte[] pdf = store.read(cabinetId, recorded.filePathName());
            ArchivedDocument document = archive.archive(new ArchiveRequest(
                    cabinetId,
                    fileName(recorded.filePathName()),
                    "application/pdf",
                    pdf,
                    recorded.requestId(),
                    recorded.productName(),
                    recorded.masterKey(),
                    recorded.communicationId()));
            ledger.markArchived(recorded.requestId(), document.documentIndex());
            return true;
        } catch (IOException | RuntimeException e) {
            log.warn(
                    "Archival of request {} failed: {}",
                    recorded.requestId(),
                    e.getClass().getSimpleName());
            ledger.markStep(recorded.requestId(), WorkQueue.ARCHIVE, "FAILED");
            return false;
        }
    }

    /** Delivers a generated request's mail, unless the ledger already has it delivered. */
    DeliveryOutcome mailStep(long cabinetId, Recorded recorded, String channel) {
        if ("DELIVERED".equals(recorded.mailStatus())) {
            return new DeliveryOutcome(true, "");
        }
        DeliveryOutcome outcome;
        try {
            List<MailMessage.Attachment> attachments = new ArrayList<>();
            String pdf = recorded.filePathName();
            attachments.add(new MailMessage.Attachment(fileName(pdf), "application/pdf", store.read(cabinetId, pdf)));
            if (recorded.docxPathName() != null) {
                attachments.add(new MailMessage.Attachment(
                        fileName(recorded.docxPathName()), DOCX, store.read(cabinetId, recorded.docxPathName())));
            }
            if (recorded.attachmentsLocation() != null) {
                attachments.add(new MailMessage.Attachment(
                        fileName(recorded.attachmentsLocation()),
                        "application/octet-stream",
                        store.read(cabinetId, recorded.attachmentsLocation())));
            }
            String body = recorded.mailBodyPathName() == null
                    ? "<html><body><p>Please find your document attached.</p></body></html>"
                    : new String(store.read(cabinetId, recorded.mailBodyPathName()), StandardCharsets.UTF_8);
            String subject = products.find(cabinetId, recorded.productName())
                    .map(Product::mailSubject)
                    .filter(text -> text != null)
                    .orElse(recorded.productName());
            outcome = mailDelivery.deliver(
                    cabinetId,
                    channel,
                    new MailMessage(
                            recorded.mailRecipient(), subject, body, attachments, recorded.requestId() + ".mail"));
        } catch (IOException e) {
            outcome = new DeliveryOutcome(false, "a stored file of the request cannot be read");
        }
        ledger.markMail(recorded.requestId(), outcome.delivered() ? "DELIVERED" : "FAILED", outcome.reason(), channel);
        return outcome;
    }

    private static Boolean both(Boolean earlier, boolean now) {
        return earlier == null ? now : earlier && now;
    }

    /** Sends a request's text again over one medium, from its stored .txt output. */
    DeliveryOutcome textStep(long cabinetId, Recorded recorded, TextMedium medium, String channel) {
        RequestLedger.TextOutcome earlier = recorded.texts().get(medium);
        if (earlier != null && "DELIVERED".equals(earlier.status())) {
            return DeliveryOutcome.success();
        }
        DeliveryOutcome outcome;
        try {
            String text = new String(store.read(cabinetId, recorded.messagePathName()), StandardCharsets.UTF_8);
            String recipient = medium.usesPhone() ? recorded.phone() : recorded.socialId();
            outcome = textDelivery.deliver(
                    cabinetId, channel, new TextMessage(recipient, text, recorded.requestId() + "." + medium.column));
        } catch (IOException e) {
            outcome = DeliveryOutcome.failure("the stored text of the request cannot be read");
        }
        ledger.markText(
                recorded.requestId(),
                medium,
                new RequestLedger.TextOutcome(outcome.delivered() ? "DELIVERED" : "FAILED", outcome.reason(), channel));
        return outcome;
    }

    /** The contract's codes: 5001 mail failed, 5002 archival failed, 5003 mail ok but archival failed, 5004 both. */
    private static ErrorCode code(Boolean mailed, Boolean archived) {
        boolean mailBad = Boolean.FALSE.equals(mailed);
        boolean archiveBad = Boolean.FALSE.equals(archived);
        if (mailBad && archiveBad) {
            return ErrorCode.COMMUNICATION_FAIL_ARCHIVAL_FAIL;
        }
        if (archiveBad) {
            return Boolean.TRUE.equals(mailed)
                    ? ErrorCode.COMMUNICATION_SUCCESS_ARCHIVAL_FAIL
                    : ErrorCode.ARCHIVAL_FAIL;
        }
        return mailBad ? ErrorCode.COMMUNICATION_FAIL : ErrorCode.SUCCESS;
    }

    private static String word(Boolean outcome) {
        if (outcome == null) {
            return "Not required";
        }
        return outcome ? "Success" : "Failed";
    }

    private static String fileName(String key) {
        return key.substring(key.lastIndexOf('/') + 1);
    }
}
