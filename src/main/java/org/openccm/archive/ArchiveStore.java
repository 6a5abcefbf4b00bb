package org.openccm.archive;

import java.io.IOException;

/**
 * Where archived content lives. Content is written once under a key and never changed; a second
 * write to the same key is an error.
 */
public interface ArchiveStore {
    void putOnce(String key, byte[] content) throws IOException;

    byte[] get(String key) throws IOException;
}
