package org.openccm.storage;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Keeps each cabinet's files under {@code <data dir>/cabinets/<cabinet id>/output}. A file is
 * written to a temporary name and moved into place, so readers never see half a document.
 */
public class LocalFolderStore implements OutputStore {
    private final Path root;

    public LocalFolderStore(StorageProperties properties) throws IOException {
        this.root = Files.createDirectories(properties.dataDir().resolve("cabinets"))
                .toRealPath();
    }

    @Override
    public void write(long cabinetId, String key, byte[] content) throws IOException {
        Path target = resolve(cabinetId, key);
        Path folder = Files.createDirectories(target.getParent());
        Path cabinetRoot = cabinetRoot(cabinetId);
        if (!folder.toRealPath().startsWith(cabinetRoot.toRealPath())) {
            throw new IOException("Refused to write outside the cabinet's storage root");
        }
        if (Files.exists(target)) {
            throw new FileAlreadyExistsException(key);
        }
        Path temporary = Files.createTempFile(folder, ".part-", ".tmp");
        try {
            Files.write(temporary, content);
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    @Override
    public byte[] read(long cabinetId, String key) throws IOException {
        Path target = resolve(cabinetId, key);
        if (!target.toRealPath().startsWith(cabinetRoot(cabinetId).toRealPath())) {
            throw new IOException("Refused to read outside the cabinet's storage root");
        }
        return Files.readAllBytes(target);
    }

    @Override
    public java.io.InputStream open(long cabinetId, String key) throws IOException {
        Path target = resolve(cabinetId, key);
        if (!target.toRealPath().startsWith(cabinetRoot(cabinetId).toRealPath())) {
            throw new IOException("Refused to read outside the cabinet's storage root");
        }
        return Files.newInputStream(target);
    }

    @Override
    public void writeFile(long cabinetId, String key, Path file) throws IOException {
        Path target = resolve(cabinetId, key);
        Path folder = Files.createDirectories(target.getParent());
        if (!folder.toRealPath().startsWith(cabinetRoot(cabinetId).toRealPath())) {
            throw new IOException("Refused to write outside the cabinet's storage root");
        }
        if (Files.exists(target)) {
            throw new FileAlreadyExistsException(key);
        }
        Path temporary = Files.createTempFile(folder, ".part-", ".tmp");
        try {
            Files.copy(file, temporary, StandardCopyOption.REPLACE_EXISTING);
            Files.move(temporary, target);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    @Override
    public void delete(long cabinetId, String key) throws IOException {
        Files.deleteIfExists(resolve(cabinetId, key));
    }

    private Path cabinetRoot(long cabinetId) throws IOException {
        return Files.createDirectories(root.resolve(Long.toString(cabinetId)).resolve("output"));
    }

    private Path resolve(long cabinetId, String key) throws IOException {
        String problem = StoragePaths.folderProblem(key);
        if (problem != null || key.isEmpty()) {
            throw new IOException("Unsafe storage key: " + problem);
        }
        Path cabinetRoot = cabinetRoot(cabinetId);
        Path target = cabinetRoot.resolve(key).normalize();
        if (!target.startsWith(cabinetRoot) || target.equals(cabinetRoot)) {
            throw new IOException("Refused a key that leaves the cabinet's storage root");
        }
        return target;
    }
}
