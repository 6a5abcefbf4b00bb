package org.openccm.shared.web;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.openccm.shared.errors.ErrorCode;
import org.openccm.shared.errors.OmsException;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads request bodies only after the caller is authenticated (the contract checks credentials
 * before it looks at the body), with a size cap and a nesting cap so that a hostile body costs
 * little.
 */
@Component
public class RequestBodies {
    private final LimitsProperties limits;
    private final ObjectMapper mapper;

    public RequestBodies(LimitsProperties limits) {
        this.limits = limits;
        this.mapper = boundedMapper(limits.maxJsonDepth(), limits.maxRequestBytes());
    }

    /** A JSON mapper that refuses documents deeper or longer than the given bounds. */
    public static ObjectMapper boundedMapper(int maxDepth, long maxBytes) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(maxDepth)
                        .maxDocumentLength(maxBytes)
                        .maxStringLength((int) Math.min(Integer.MAX_VALUE, maxBytes))
                        .build())
                .build();
        return JsonMapper.builder(factory).build();
    }

    /**
     * Reads the body as a JSON object. An empty body reads as an empty object.
     *
     * @param failure the code the calling operation uses for a body it cannot understand
     */
    public JsonNode readObject(HttpServletRequest request, ErrorCode failure) {
        byte[] bytes = readCapped(request, failure);
        if (bytes.length == 0) {
            return mapper.createObjectNode();
        }
        JsonNode node;
        try {
            node = mapper.readTree(bytes);
        } catch (JacksonException e) {
            throw new OmsException(failure, "The request body is not valid JSON or is nested too deeply.");
        }
        if (node == null || node.isMissingNode() || node.isNull()) {
            return mapper.createObjectNode();
        }
        if (!node.isObject()) {
            throw new OmsException(failure, "The request body must be a JSON object.");
        }
        return node;
    }

    private byte[] readCapped(HttpServletRequest request, ErrorCode failure) {
        long declared = request.getContentLengthLong();
        long cap = limits.maxRequestBytes();
        if (declared > cap) {
            throw new OmsException(failure, "The request body exceeds the limit of " + cap + " bytes.");
        }
        try (InputStream in = request.getInputStream()) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, cap + 1));
            if (bytes.length > cap) {
                throw new OmsException(failure, "The request body exceeds the limit of " + cap + " bytes.");
            }
            return bytes;
        } catch (IOException e) {
            throw new OmsException(failure, "The request body could not be read.");
        }
    }

    /** The bounded mapper, for JSON found inside requests (jsonData). */
    public ObjectMapper mapper() {
        return mapper;
    }

    /** Text of an optional string field; absent, null and "" all read as "". A non-text value is 541. */
    public static String text(JsonNode body, String field) {
        return text(body, field, ErrorCode.INVALID_INPUT);
    }

    /** Like {@link #text(JsonNode, String)}, answering the given code for a non-text value. */
    public static String text(JsonNode body, String field, ErrorCode failure) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return "";
        }
        if (value.isString()) {
            return value.asString();
        }
        if (value.isNumber() || value.isBoolean()) {
            return value.asString();
        }
        throw new OmsException(failure, "Field '" + field + "' must be a string.");
    }

    public static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
