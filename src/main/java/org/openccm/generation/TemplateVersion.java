package org.openccm.generation;

import java.time.Instant;

/**
 * One numbered revision of a product's layout. Its content never changes after upload; only
 * its baselined mark does.
 */
public record TemplateVersion(
        long id,
        long productId,
        int version,
        String documentHtml,
        String mailBodyHtml,
        String messageText,
        Instant baselinedAt) {

    public boolean isBaselined() {
        return baselinedAt != null;
    }

    @Override
    public String toString() {
        return "TemplateVersion[id=" + id + ", version=" + version + ", baselined=" + isBaselined() + "]";
    }
}
