package org.openccm.communication;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.openccm.generation.RecordData;
import org.openccm.generation.RecordData.UnreadableDataException;
import org.openccm.shared.errors.ErrorCode;
import org.openccm.shared.errors.OmsException;
import org.openccm.shared.web.LimitsProperties;
import org.openccm.shared.web.RequestBodies;
import org.springframework.mock.web.MockHttpServletRequest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Coverage-guided fuzzing (Jazzer) of what processUsingXML and processUsingJSON parse from a
 * client: the request body (RequestBodies and GenerationRequest), xmlData (RecordData.fromXml)
 * and jsonData (RecordData.fromJson), with the server's default limits. Every input must either
 * parse or fail with our own validation exception; any other exception, an OutOfMemoryError (the
 * fuzzing JVM has a small heap) or a hang (the timeout below) is a finding that fails the build.
 *
 * <p>{@code mvn verify} runs it in fuzzing mode for a bounded time in a JVM of its own (see the
 * pom's {@code fuzz} execution); found crashes are written beside the seeds in {@code
 * src/test/resources/org/openccm/communication/RequestParsingFuzzTestInputs/}, where later runs
 * replay them as regression tests.
 */
class RequestParsingFuzzTest {
    private static final LimitsProperties LIMITS =
            new LimitsProperties(10_485_760, 64, 64, 200_000, 8, Duration.ofSeconds(10), 20_000_000, 65_536);
    private static final RequestBodies BODIES = new RequestBodies(LIMITS);
    private static final ObjectMapper DATA_MAPPER = BODIES.mapper();

    @FuzzTest(maxDuration = "40s")
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    @DictionaryEntries({
        "<?xml version=\"1.0\"?>",
        "<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>",
        "<![CDATA[",
        "]]>",
        "&amp;",
        "&#x10FFFF;",
        "xmlns:a=\"urn:a\"",
        "\"xmlData\":",
        "\"jsonData\":",
        "\"productName\":",
        "\"doArchive\":\"S\"",
        "\"skipApproval\":\"Y\"",
        "\"skipEditing\":\"Y\"",
        "\"filePath\":\"../",
        "\\u0000",
        "\\ud800",
        "1e999999"
    })
    void parsesOrRefusesEveryRequest(FuzzedDataProvider data) {
        int target = data.consumeInt(0, 2);
        String text = data.consumeRemainingAsString();
        try {
            switch (target) {
                case 0 ->
                    RecordData.fromXml(text, LIMITS.maxXmlDepth(), LIMITS.maxXmlElements(), LIMITS.maxValueChars());
                case 1 -> RecordData.fromJson(text, DATA_MAPPER, LIMITS.maxValueChars());
                default -> parseRequestBody(text);
            }
        } catch (UnreadableDataException | OmsException refused) {
            // our own validation: the client gets 541 with this message
        }
    }

    private static void parseRequestBody(String text) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/OMSCommunicationService/processUsingXML");
        request.setContent(text.getBytes(StandardCharsets.UTF_8));
        JsonNode body = BODIES.readObject(request, ErrorCode.INVALID_INPUT);
        GenerationRequest parsed = GenerationRequest.from(body, GenerationRequest.Source.XML);
        RecordData.fromXml(parsed.data(), LIMITS.maxXmlDepth(), LIMITS.maxXmlElements(), LIMITS.maxValueChars());
    }
}
