package org.openccm.shared.web;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Caps on what one request may cost.
 *
 * @param maxRequestBytes largest accepted request body, in bytes
 * @param maxJsonDepth deepest accepted nesting of JSON, both of the body and of jsonData
 * @param maxXmlDepth deepest accepted nesting of elements in xmlData
 * @param maxXmlElements most elements accepted in one xmlData document
 * @param maxConcurrentGenerations documents rendered at once by one instance; more wait
 * @param generationWait how long a request waits for a rendering slot before it is told 1012
 * @param maxDocumentChars largest XHTML a template may produce for one document
 * @param maxValueChars longest single value in xmlData or jsonData; layout time grows faster than
 *     the length of one unbroken paragraph, so one huge value could hold a CPU for minutes
 */
@ConfigurationProperties("oms.limits")
public record LimitsProperties(
        @DefaultValue("10485760") long maxRequestBytes,
        @DefaultValue("64") int maxJsonDepth,
        @DefaultValue("64") int maxXmlDepth,
        @DefaultValue("200000") int maxXmlElements,
        @DefaultValue("8") int maxConcurrentGenerations,
        @DefaultValue("10s") Duration generationWait,
        @DefaultValue("20000000") int maxDocumentChars,
        @DefaultValue("65536") int maxValueChars) {

    public LimitsProperties {
        if (maxRequestBytes < 1024 || maxJsonDepth < 4 || maxXmlDepth < 4 || maxXmlElements < 1) {
            throw new IllegalArgumentException("oms.limits: sizes and depths must be positive and sensible");
        }
        if (maxConcurrentGenerations < 1 || maxDocumentChars < 1000) {
            throw new IllegalArgumentException("oms.limits: max-concurrent-generations and max-document-chars too low");
        }
    }
}
