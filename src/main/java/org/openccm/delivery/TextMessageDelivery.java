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
import java.util.Set;
import org.openccm.delivery.Channels.Channel;
import org.openccm.storage.StorageProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends SMS, WhatsApp, Facebook and X (Twitter) messages through HTTP APIs. A channel's
 * {@code provider} setting picks the wire format: {@code GENERIC} (JSON {to, text, reference} with a
 * bearer token), {@code TWILIO} (the Twilio-style form post with basic authentication),
 * {@code WHATSAPP_CLOUD} (the WhatsApp Business Cloud API style), {@code FACEBOOK_MESSENGER} and
 * {@code FACEBOOK_PAGE} (Graph API style message to a page-scoped id, or page post), {@code X_DM}
 * and {@code X_POST} (X API v2 style direct message or post), or {@code OUTBOX} (one JSON file per
 * message in the data folder, the embedded default). Redirects are never followed, and every call
 * has time limits.
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
    private static final Set<String> TEXT_CHANNELS = Set.of("SMS", "WHATSAPP", "FACEBOOK", "TWITTER");
    private static final Set<String> PUBLIC_POSTS = Set.of("FACEBOOK_PAGE", "X_POST");

    public TextMessageDelivery(Channels channels, StorageProperties storage) {
        this.channels = channels;
        this.outbox = storage.dataDir().resolve("outbox");
    }

    /**
     * Delivers the message over an SMS, WHATSAPP, FACEBOOK or TWITTER channel; reports problems
     * instead of throwing. SMS segment limits apply to SMS channels only.
     */
    public DeliveryOutcome deliver(long cabinetId, String channelName, TextMessage message) {
        Channel channel = channels.find(cabinetId, channelName).orElse(null);
        if (channel == null || !TEXT_CHANNELS.contains(channel.type())) {
            return DeliveryOutcome.failure("channel " + channelName + " is not a text channel");
        }
        String provider = channel.settings().getOrDefault("provider", "OUTBOX");
        String to = message.recipient() != null
                ? message.recipient()
                : channel.settings().get("fallbackRecipient");
        boolean phone = channel.type().equals("SMS") || channel.type().equals("WHATSAPP");
        if (phone && (to == null || !to.matches("\\+?[0-9]{6,15}"))) {
            return DeliveryOutcome.failure("no valid phone number for the recipient");
        }
        if (!phone && PUBLIC_POSTS.contains(provider)) {
            to = "";
        } else if (!phone && (to == null || !to.matches("(?=.*[A-Za-z0-9])[A-Za-z0-9_.-]{1,64}"))) {
            return DeliveryOutcome.failure("no valid account id for the recipient");
        }
        SmsEncoding encoding = SmsEncoding.of(message.text());
        int maxSegments = Integer.parseInt(channel.settings().getOrDefault("maxSegments", "10"));
        if (channel.type().equals("SMS") && encoding.segments() > maxSegments) {
            return new DeliveryOutcome(
                    false,
                    "the text needs " + encoding.segments() + " " + encoding.name() + " parts; at most " + maxSegments);
        }
        try {
            int status = switch (provider) {
                case "GENERIC" -> post(channel, genericRequest(channel, to, message, encoding));
                case "TWILIO" -> post(channel, twilioRequest(channel, to, message));
                case "WHATSAPP_CLOUD" -> post(channel, whatsappRequest(channel, to, message));
                case "FACEBOOK_MESSENGER" -> post(channel, messengerRequest(channel, to, message));
                case "FACEBOOK_PAGE" -> post(channel, pagePostRequest(channel, message));
                case "X_POST" -> post(channel, xPostRequest(channel, message));
                case "X_DM" -> post(channel, xDirectMessageRequest(channel, to, message));
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
        } catch (IOException | IllegalArgumentException e) {
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

    private HttpRequest messengerRequest(Channel channel, String to, TextMessage message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("recipient", Map.of("id", to));
        body.put("message", Map.of("text", message.text()));
        body.put("messaging_type", "MESSAGE_TAG");
        body.put("tag", "ACCOUNT_UPDATE");
        return jsonPost(
                channel, "/" + encode(channel.settings().getOrDefault("pageId", "")) + "/messages", body, "token");
    }

    private HttpRequest pagePostRequest(Channel channel, TextMessage message) {
        return jsonPost(
                channel,
                "/" + encode(channel.settings().getOrDefault("pageId", "")) + "/feed",
                Map.of("message", message.text()),
                "token");
    }

    private HttpRequest xPostRequest(Channel channel, TextMessage message) {
        return jsonPost(channel, "/2/tweets", Map.of("text", message.text()), "token");
    }

    private HttpRequest xDirectMessageRequest(Channel channel, String to, TextMessage message) {
        return jsonPost(
                channel,
                "/2/dm_conversations/with/" + encode(to) + "/messages",
                Map.of("text", message.text()),
                "token");
    }

    private HttpRequest jsonPost(Channel channel, String path, Map<String, Object> body, String tokenSetting) {
        return base(channel, path)
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + nullToEmpty(channels.secret(channel, tokenSetting)))
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
