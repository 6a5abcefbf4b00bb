package org.openccm.storage;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param dataDir the data folder of the embedded default: database, generated output and the
 *     bootstrap credentials file (OMS_DATA_DIR)
 * @param s3 an S3-compatible bucket for generated output instead of the data folder
 *     (OMS_STORAGE_S3_BUCKET, ..._ENDPOINT, ..._REGION, ..._ACCESS_KEY, ..._SECRET_KEY, ..._PREFIX)
 */
@ConfigurationProperties("oms.storage")
public record StorageProperties(
        @DefaultValue("./data") Path dataDir, @DefaultValue S3 s3) {

    /** An S3-compatible bucket; an empty bucket name means none. */
    public record S3(
            @DefaultValue("") String bucket,
            @DefaultValue("") String endpoint,
            @DefaultValue("us-east-1") String region,
            @DefaultValue("") String accessKey,
            @DefaultValue("") String secretKey,
            @DefaultValue("output") String prefix,
            @DefaultValue("true") boolean pathStyle) {

        public boolean isConfigured() {
            return !bucket.isEmpty();
        }

        @Override
        public String toString() {
            return "S3[bucket=" + bucket + ", endpoint=" + endpoint + ", secretKey=****]";
        }
    }
}
