package org.openccm.generation;

import java.io.IOException;

/** Placeholder replaced below. */
final class DocxRenderer {
    byte[] render(String xhtml) throws IOException {
        throw new IOException("DOCX output is not available");
    }
}
