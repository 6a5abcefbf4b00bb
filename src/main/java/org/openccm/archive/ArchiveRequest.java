package org.openccm.archive;

/**
 * What to archive and the metadata to keep with it.
 *
 * @param masterKey the record key for processUsingDB requests, otherwise null
 */
public record ArchiveRequest(
        long cabinetId,
        String documentName,
        String contentType,
        byte[] content,
        long requestId,
        String productName,
        String masterKey,
        String communicationId) {

    @Override
    public String toString() {
        return "ArchiveRequest[cabinet=" + cabinetId + ", request=" + requestId + ", bytes=" + content.length + "]";
    }
}
