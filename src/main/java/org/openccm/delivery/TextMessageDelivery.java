package org.openccm.delivery;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openccm.delivery.Channels.Channel;
import org.openccm.storage.StorageProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends SMS and WhatsApp messages through HTTP gateways. A channel's {@code provider} setting picks
 * the wire format: {@code GENERIC} (JSON {to, text, reference} with a bearer token), {@code TWILIO}
 * (the Twilio-style form post with basic authentication), {@code WHATSAPP_CLOUD} (the WhatsApp
 * Business Cloud API style) or {@code OUTBOX} (one JSON file per message in the data folder, the
 * embedded default). Redirects are never followed, and every call has time limits.
 */
@Service
public class TextMessageDelivery {
    private static final Logger log = LoggerFactory.getLogger(TextMessageDelivery.class);
    private final Channels channels;
    private final Path outbox;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private final ObjectMapper json = JsonMapper.builder().build();

    public TextMessageDelivery(Channels channels, StorageProperties storage) {
        this.channels = channels;
        this.outbox = storage.dataDir().resolve("outbox");
    }

    /** Delivers the message over an SMS or WHATSAPP channel; reports problems instead of throwing. */
    public DeliveryOutcome deliver(long cabinetId, String channelName, TextMessage message) {
        Channel channel = channels.find(cabinetId, channelName).orElse(null);
        if (channel == null || !(channel.type().equals("SMS") || channel.type().equals("WHATSAPP"))) {
            return new DeliveryOutcome(false, "channel " + channelName + " is not an SMS or WhatsApp channel");
        }
        String to = message.recipient() != null
                ? message.recipient()
                : channel.settings().get("fallbackRecipient");
        if (to == null || !to.matches("\\+?[0-9]{6,15}")) {
            return new DeliveryOutcome(false, "no valid phone number for the recipient");
        }
        SmsEncoding encoding = SmsEncoding.of(message.text());
        int maxSegments = Integer.parseInt(channel.settings().getOrDefault("maxSegments", "10"));
        if (channel.type().equals("SMS") && encoding.segments() > maxSegments) {
            return new DeliveryOutcome(
                    false,
                    "the text needs " + encoding.segments() + " " + encoding.name() + " parts; at most " + maxSegments);
        }
        try {
            String provider = channel.settings().getOrDefault("provider", "OUTBOX");
            int status = switch (provider) {
                case "GENERIC" -> post(channel, genericRequest(channel, to, message, encoding));
                case "TWILIO" -> post(channel, twilioRequest(channel, to, message));
                case "WHATSAPP_CLOUD" -> post(channel, whatsappRequest(channel, to, message));
                case "OUTBOX" -> writeToOutbox(cabinetId, channel, to, message, encoding);
                default -> throw new IOException("unknown provider " + provider);
            };
            if (status / 100 != 2) {
                log.warn(
                        "Message {} over channel {} refused with HTTP {}",
                        message.idempotencyKey(),
                        channel.name(),
                        status);
                return new DeliveryOutcome(false, "the gateway answered HTTP " + status);
            }
            log.info(
                    "Message {} delivered over channel {} ({} parts)",
                    message.idempotencyKey(),
                    channel.name(),
                    encoding.segments());
            return new DeliveryOutcome(true, "");
        } catch (IOException e) {
            log.warn(
                    "Message {} over channel {} failed: {}",
                    message.idempotencyKey(),
                    channel.name(),
                    e.getClass().getSimpleName());
            return new DeliveryOutcome(
                    false, "the gateway could not be reached (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new DeliveryOutcome(false, "interrupted");
        }
    }

    private HttpRequest.Builder base(Channel channel, String path) {
        return HttpRequest.newBuilder(URI.create(channel.settings().getOrDefault("url", "") + path))
                .timeout(Duration.ofSeconds(Long.parseLong(channel.settings().getOrDefault("timeoutSeconds", "15"))));
    }

    private HttpRequest genericRequest(Channel channel, String to, TextMessage message, SmsEncoding encoding) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("to", to);
        body.put("from", channel.settings().getOrDefault("from", ""));
        body.put("text", message.text());
        body.put("encoding", encoding.name());
        body.put("reference", message.idempotencyKey());
        return base(channel, "")
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + nullToEmpty(channels.secret(channel, "token")))
                .header("Idempotency-Key", message.idempotencyKey())
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)))
                .build();
    }

    private HttpRequest twilioRequest(Channel channel, String to, TextMessage message) {
        String account = channel.settings().getOrDefault("accountSid", "");
        String form = "To=" + encode(to) + "&From=" + encode(channel.settings().getOrDefault("from", "")) + "&Body="
                + encode(message.text());
        String basic = Base64.getEncoder()
                .encodeToString((account + ":" + nullToEmpty(channels.secret(channel, "authToken")))
                        .getBytes(StandardCharsets.UTF_8));
        return base(channel, "/2010-04-01/Accounts/" + encode(account) + "/Messages.json")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + basic)
                .header("I-Twilio-Idempotency-Token", message.idempotencyKey())
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
    }

    private HttpRequest whatsappRequest(Channel channel, String to, TextMessage message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("messaging_product", "whatsapp");
        body.put("to", to.startsWith("+") ? to.substring(1) : to);
        body.put("type", "text");
        body.put("text", Map.of("body", message.text()));
        return base(channel, "/" + encode(channel.settings().getOrDefault("phoneNumberId", "")) + "/messages")
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + nullToEmpty(channels.secret(channel, "token")))
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)))
                .build();
    }

    private int post(Channel channel, HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private int writeToOutbox(long cabinetId, Channel channel, String to, TextMessage message, SmsEncoding encoding)
            throws IOException {
        Path folder =
                Files.createDirectories(outbox.resolve(Long.toString(cabinetId)).resolve(channel.name()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("to", to);
        body.put("text", message.text());
        body.put("encoding", encoding.name());
        body.put("segments", encoding.segments());
        body.put("reference", message.idempotencyKey());
        Files.writeString(
                folder.resolve(message.idempotencyKey().replaceAll("[^A-Za-z0-9._-]", "_") + ".json"),
                json.writeValueAsString(body));
        return 200;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
