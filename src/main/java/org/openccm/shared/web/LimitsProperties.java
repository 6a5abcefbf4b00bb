package org.openccm.shared.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Caps on what one request may cost.
 *
 * @param maxRequestBytes largest accepted request body, in bytes
 * @param maxJsonDepth deepest accepted nesting of JSON, both of the body and of jsonData
 * @param maxXmlDepth deepest accepted nesting of elements in xmlData
 * @param maxXmlElements most elements accepted in one xmlData document
 */
@ConfigurationProperties("oms.limits")
public record LimitsProperties(
        @DefaultValue("10485760") long maxRequestBytes,
        @DefaultValue("64") int maxJsonDepth,
        @DefaultValue("64") int maxXmlDepth,
        @DefaultValue("200000") int maxXmlElements) {}
