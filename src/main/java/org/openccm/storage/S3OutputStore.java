package org.openccm.storage;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Generated output in an S3-compatible bucket, under {@code <prefix>/<cabinet id>/<storage key>},
 * so that every instance reads what any instance wrote without a shared file system.
 */
final class S3OutputStore implements OutputStore {
    private final S3Client client;
    private final String bucket;
    private final String prefix;

    S3OutputStore(StorageProperties.S3 settings) {
        this.client = S3Connection.client(
                settings.endpoint(),
                settings.region(),
                settings.accessKey(),
                settings.secretKey(),
                settings.pathStyle());
        this.bucket = settings.bucket();
        this.prefix = settings.prefix().isEmpty() || settings.prefix().endsWith("/")
                ? settings.prefix()
                : settings.prefix() + "/";
    }

    @Override
    public void write(long cabinetId, String key, byte[] content) throws IOException {
        String objectKey = objectKey(cabinetId, key);
        try {
            if (exists(objectKey)) {
                throw new FileAlreadyExistsException(key);
            }
            client.putObject(request -> request.bucket(bucket).key(objectKey), RequestBody.fromBytes(content));
        } catch (SdkException e) {
            throw new IOException(
                    "The object store refused " + key + ": " + e.getClass().getSimpleName(), e);
        }
    }

    @Override
    public java.io.InputStream open(long cabinetId, String key) throws IOException {
        String objectKey = objectKey(cabinetId, key);
        try {
            return client.getObject(request -> request.bucket(bucket).key(objectKey));
        } catch (SdkException e) {
            throw new IOException("The object store has no readable " + key, e);
        }
    }

    @Override
    public void writeFile(long cabinetId, String key, java.nio.file.Path file) throws IOException {
        String objectKey = objectKey(cabinetId, key);
        try {
            if (exists(objectKey)) {
                throw new FileAlreadyExistsException(key);
            }
            client.putObject(request -> request.bucket(bucket).key(objectKey), RequestBody.fromFile(file));
        } catch (SdkException e) {
            throw new IOException(
                    "The object store refused " + key + ": " + e.getClass().getSimpleName(), e);
        }
    }

    @Override
    public void delete(long cabinetId, String key) throws IOException {
        String objectKey = objectKey(cabinetId, key);
        try {
            client.deleteObject(request -> request.bucket(bucket).key(objectKey));
        } catch (SdkException e) {
            throw new IOException("The object store did not delete " + key, e);
        }
    }

    @Override
    public byte[] read(long cabinetId, String key) throws IOException {
        String objectKey = objectKey(cabinetId, key);
        try {
            return client.getObjectAsBytes(request -> request.bucket(bucket).key(objectKey))
                    .asByteArray();
        } catch (SdkException e) {
            throw new IOException("The object store has no readable " + key, e);
        }
    }

    private String objectKey(long cabinetId, String key) throws IOException {
        String problem = StoragePaths.folderProblem(key);
        if (problem != null || key.isEmpty()) {
            throw new IOException("Unsafe storage key: " + problem);
        }
        return prefix + cabinetId + "/" + key;
    }

    private boolean exists(String objectKey) {
        try {
            client.headObject(request -> request.bucket(bucket).key(objectKey));
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }
}
