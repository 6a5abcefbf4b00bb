package org.openccm.archive;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.util.Base64;
import java.util.HexFormat;
import org.openccm.storage.S3Connection;
import org.openccm.storage.StorageProperties;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * An archive volume in an S3-compatible object store (AWS S3, MinIO, Ceph, ...), through the AWS
 * SDK v2. Objects are written once: a key that exists already is refused, and the SHA-256 of the
 * content travels as the object's checksum so that the store verifies what it received.
 */
final class S3ArchiveStore implements ArchiveStore {
    private final S3Client client;
    private final String bucket;
    private final String prefix;

    S3ArchiveStore(StorageProperties.S3 settings) {
        this.bucket = settings.bucket();
        this.prefix = settings.prefix().isEmpty() || settings.prefix().endsWith("/")
                ? settings.prefix()
                : settings.prefix() + "/";
        this.client = S3Connection.client(
                settings.endpoint(),
                settings.region(),
                settings.accessKey(),
                settings.secretKey(),
                settings.pathStyle());
    }

    @Override
    public void putOnce(String key, byte[] content) throws IOException {
        String objectKey = prefix + key;
        try {
            if (exists(objectKey)) {
                throw new FileAlreadyExistsException(objectKey);
            }
            client.putObject(
                    PutObjectRequest.builder()
                            .bucket(bucket)
                            .key(objectKey)
                            .checksumSHA256(Base64.getEncoder()
                                    .encodeToString(HexFormat.of().parseHex(DocumentArchive.sha256(content))))
                            .build(),
                    RequestBody.fromBytes(content));
        } catch (SdkException e) {
            throw new IOException(
                    "The object store refused " + objectKey + ": "
                            + e.getClass().getSimpleName(),
                    e);
        }
    }

    @Override
    public byte[] get(String key) throws IOException {
        try {
            return client.getObjectAsBytes(GetObjectRequest.builder()
                            .bucket(bucket)
                            .key(prefix + key)
                            .build())
                    .asByteArray();
        } catch (SdkException e) {
            throw new IOException("The object store has no readable " + prefix + key, e);
        }
    }

    private boolean exists(String objectKey) {
        try {
            client.headObject(
                    HeadObjectRequest.builder().bucket(bucket).key(objectKey).build());
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }
}
