package org.openccm.archive;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * An archive volume in a local (or shared, mounted) folder. Each content file is written to a
 * temporary name, synced, moved into place and made read-only.
 */
final class LocalArchiveStore implements ArchiveStore {
    private final Path root;

    LocalArchiveStore(Path root) throws IOException {
        this.root = Files.createDirectories(root).toRealPath();
    }

    @Override
    public void putOnce(String key, byte[] content) throws IOException {
        Path target = resolve(key);
        Files.createDirectories(target.getParent());
        if (Files.exists(target)) {
            throw new FileAlreadyExistsException(key);
        }
        Path temporary = Files.createTempFile(target.getParent(), ".part-", ".tmp");
        try {
            Files.write(temporary, content, StandardOpenOption.SYNC);
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
            target.toFile().setReadOnly();
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    @Override
    public byte[] get(String key) throws IOException {
        return Files.readAllBytes(resolve(key));
    }

    private Path resolve(String key) throws IOException {
        if (!key.matches("[0-9]+/[0-9]+\\.[a-z]{3,4}")) {
            throw new IOException("Not an archive key: " + key);
        }
        return root.resolve(key);
    }
}
