package org.openccm.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Where generated files live, per cabinet, addressed by storage keys relative to the cabinet's
 * root. Implementations never write outside that root, whatever the key says.
 */
public interface OutputStore {
    /** Writes the content under the key, replacing nothing: an existing file is an error. */
    void write(long cabinetId, String key, byte[] content) throws IOException;

    /** Removes a file that a failed request wrote; a missing file is not an error. */
    void delete(long cabinetId, String key) throws IOException;

    /** Reads a file back. */
    byte[] read(long cabinetId, String key) throws IOException;

    /** Opens a file for reading as a stream, for files too large to hold in memory. */
    InputStream open(long cabinetId, String key) throws IOException;

    /** Stores a local file under the key without reading it into memory; same rules as write. */
    void writeFile(long cabinetId, String key, Path file) throws IOException;
}
