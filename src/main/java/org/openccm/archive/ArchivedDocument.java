package org.openccm.archive;

import java.time.Instant;

/**
 * One archived document: where the contract's indexes point, and what it was archived for. The
 * content itself is immutable; the checksum lets anyone verify that.
 */
public record ArchivedDocument(
        long cabinetId,
        long documentIndex,
        long volumeIndex,
        long imageIndex,
        String documentName,
        String contentType,
        long sizeBytes,
        String checksumSha256,
        Long requestId,
        String productName,
        String masterKey,
        String communicationId,
        Instant archivedAt) {}
