package org.openccm.archive;

import org.openccm.storage.StorageProperties;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where new archived documents go. Without an S3 bucket the archive is the local volume in the
 * data folder; with one, new documents go to that bucket (documents archived before stay where
 * they are and remain readable through their volume).
 *
 * @param s3 the S3-compatible object store (OMS_ARCHIVE_S3_BUCKET, ..._ENDPOINT, ..._REGION,
 *     ..._ACCESS_KEY, ..._SECRET_KEY, ..._PREFIX, ..._PATH_STYLE); application.yml gives it the
 *     prefix "archive"
 */
@ConfigurationProperties("oms.archive")
public record ArchiveProperties(@DefaultValue StorageProperties.S3 s3) {}
