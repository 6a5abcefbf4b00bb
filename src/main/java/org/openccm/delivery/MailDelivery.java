package org.openccm.delivery;

import jakarta.activation.DataHandler;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UnsupportedEncodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Date;
import java.util.Properties;
import org.openccm.delivery.Channels.Channel;
import org.openccm.storage.StorageProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Sends a request's mail over a MAIL channel: through an SMTP server (with STARTTLS or TLS and
 * authentication as configured) or, for the embedded default, into a local outbox folder as one
 * .eml file per mail. The HTML body and the attachments travel as one multipart message.
 */
@Service
public class MailDelivery {
    private static final Logger log = LoggerFactory.getLogger(MailDelivery.class);
    private final Channels channels;
    private final Path outbox;
    private final Clock clock;

    public MailDelivery(Channels channels, StorageProperties storage, Clock clock) {
        this.channels = channels;
        this.outbox = storage.dataDir().resolve("outbox");
        this.clock = clock;
    }

    /** Delivers the mail; never throws for delivery problems, it reports them. */
    public DeliveryOutcome deliver(long cabinetId, String channelName, MailMessage mail) {
        Channel channel = channels.find(cabinetId, channelName).orElse(null);
        if (channel == null || !"MAIL".equals(channel.type())) {
            return DeliveryOutcome.failure("channel " + channelName + " is not a mail channel");
        }
        String recipient =
                mail.recipient() != null ? mail.recipient() : channel.settings().get("fallbackRecipient");
        if (recipient == null || recipient.isBlank()) {
            return DeliveryOutcome.failure("no recipient address in the data and no fallback on the channel");
        }
        try {
            Session session = session(channel);
            MimeMessage message = compose(session, channel, recipient, mail);
            if ("SMTP".equals(channel.settings().getOrDefault("transport", "OUTBOX"))) {
                send(session, channel, message);
            } else {
                writeToOutbox(cabinetId, channel, mail, message);
            }
            log.info("Mail {} delivered over channel {}", mail.idempotencyKey(), channel.name());
            return DeliveryOutcome.success();
        } catch (AddressException e) {
            return DeliveryOutcome.failure("the recipient address is not valid");
        } catch (MessagingException | IOException e) {
            log.warn(
                    "Mail {} over channel {} failed: {}",
                    mail.idempotencyKey(),
                    channel.name(),
                    e.getClass().getSimpleName());
            return DeliveryOutcome.failure("the mail server did not accept the message ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    private Session session(Channel channel) {
        Properties properties = new Properties();
        String host = channel.settings().getOrDefault("host", "localhost");
        String port = channel.settings().getOrDefault("port", "25");
        String security = channel.settings().getOrDefault("security", "STARTTLS");
        properties.put("mail.smtp.host", host);
        properties.put("mail.smtp.port", port);
        properties.put("mail.smtp.connectiontimeout", "10000");
        properties.put("mail.smtp.timeout", "20000");
        properties.put("mail.smtp.writetimeout", "20000");
        properties.put("mail.smtp.auth", Boolean.toString(channel.settings().containsKey("username")));
        if ("STARTTLS".equals(security)) {
            properties.put("mail.smtp.starttls.enable", "true");
            properties.put("mail.smtp.starttls.required", "true");
            properties.put("mail.smtp.ssl.checkserveridentity", "true");
        } else if ("TLS".equals(security)) {
            properties.put("mail.smtp.ssl.enable", "true");
            properties.put("mail.smtp.ssl.checkserveridentity", "true");
        }
        return Session.getInstance(properties);
    }

    private MimeMessage compose(Session session, Channel channel, String recipient, MailMessage mail)
            throws MessagingException, UnsupportedEncodingException {
        MimeMessage message = new StableIdMessage(session, mail.idempotencyKey());
        message.setFrom(new InternetAddress(channel.settings().getOrDefault("from", "noreply@openccm.invalid"), true));
        message.setRecipient(Message.RecipientType.TO, singleAddress(recipient));
        message.setSubject(mail.subject().replaceAll("[\\r\\n]+", " "), "UTF-8");
        message.setSentDate(Date.from(clock.instant()));

        MimeMultipart content = new MimeMultipart("mixed");
        MimeBodyPart body = new MimeBodyPart();
        body.setText(mail.htmlBody(), "UTF-8", "html");
        content.addBodyPart(body);
        for (MailMessage.Attachment attachment : mail.attachments()) {
            MimeBodyPart part = new MimeBodyPart();
            part.setDataHandler(
                    new DataHandler(new ByteArrayDataSource(attachment.content(), attachment.contentType())));
            part.setFileName(MimeUtility.encodeText(attachment.fileName(), "UTF-8", null));
            part.setDisposition(MimeBodyPart.ATTACHMENT);
            content.addBodyPart(part);
        }
        message.setContent(content);
        message.saveChanges();
        return message;
    }

    /**
     * The one recipient of a mail: exactly one syntactically valid address with an ASCII mailbox,
     * so that a value from the data can neither fan out to a list nor smuggle in headers.
     */
    static InternetAddress singleAddress(String recipient) throws AddressException {
        if (recipient.length() > 320) {
            throw new AddressException("too long");
        }
        if (recipient.chars().anyMatch(Character::isISOControl)) {
            // InternetAddress keeps CR and LF inside a quoted display name, and only header
            // folding then stands between the data and a header line of its own.
            throw new AddressException("contains control characters");
        }
        InternetAddress[] parsed = InternetAddress.parse(recipient, true);
        if (parsed.length != 1 || parsed[0].isGroup()) {
            throw new AddressException("not exactly one address");
        }
        InternetAddress address = parsed[0];
        address.validate();
        String mailbox = address.getAddress();
        if (!mailbox.contains("@") || !mailbox.chars().allMatch(c -> c > 32 && c < 127)) {
            throw new AddressException("not an ASCII mailbox");
        }
        return address;
    }

    private void send(Session session, Channel channel, MimeMessage message) throws MessagingException {
        String username = channel.settings().get("username");
        try (Transport transport = session.getTransport("smtp")) {
            if (username != null) {
                transport.connect(username, channels.secret(channel, "password"));
            } else {
                transport.connect();
            }
            transport.sendMessage(message, message.getAllRecipients());
        }
    }

    private void writeToOutbox(long cabinetId, Channel channel, MailMessage mail, MimeMessage message)
            throws IOException, MessagingException {
        Path folder =
                Files.createDirectories(outbox.resolve(Long.toString(cabinetId)).resolve(channel.name()));
        Path file = folder.resolve(mail.idempotencyKey().replaceAll("[^A-Za-z0-9._-]", "_") + ".eml");
        try (OutputStream out = Files.newOutputStream(
                file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            message.writeTo(out);
        }
    }

    /** A message whose Message-ID derives from the idempotency key, so duplicates can be spotted. */
    private static final class StableIdMessage extends MimeMessage {
        private final String key;

        StableIdMessage(Session session, String key) {
            super(session);
            this.key = key;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", "<" + key + "@openccm>");
        }
    }
}
