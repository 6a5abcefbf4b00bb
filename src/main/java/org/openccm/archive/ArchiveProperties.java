package org.openccm.archive;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where new archived documents go. Without an S3 bucket the archive is the local volume in the
 * data folder; with one, new documents go to that bucket (documents archived before stay where
 * they are and remain readable through their volume).
 *
 * @param s3 the S3-compatible object store (OMS_ARCHIVE_S3_BUCKET, ..._ENDPOINT, ..._REGION,
 *     ..._ACCESS_KEY, ..._SECRET_KEY, ..._PREFIX, ..._PATH_STYLE)
 */
@ConfigurationProperties("oms.archive")
public record ArchiveProperties(@DefaultValue S3 s3) {

    /**
     * @param bucket the bucket; empty means no S3 volume
     * @param endpoint the endpoint of an S3-compatible store; empty means AWS itself
     * @param accessKey the access key; empty means the AWS default credential chain
     * @param secretKey the secret key (from the environment, never from a committed file)
     * @param pathStyle path-style addressing, which most S3-compatible stores need
     */
    public record S3(
            @DefaultValue("") String bucket,
            @DefaultValue("") String endpoint,
            @DefaultValue("us-east-1") String region,
            @DefaultValue("") String accessKey,
            @DefaultValue("") String secretKey,
            @DefaultValue("archive") String prefix,
            @DefaultValue("true") boolean pathStyle) {

        boolean isConfigured() {
            return !bucket.isEmpty();
        }

        @Override
        public String toString() {
            return "S3[bucket=" + bucket + ", endpoint=" + endpoint + ", region=" + region + ", secretKey=****]";
        }
    }
}
