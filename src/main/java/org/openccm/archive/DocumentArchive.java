package org.openccm.archive;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.openccm.storage.StorageProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Files documents in the archive and finds them again. The content goes to the cabinet's
 * volume first and the metadata row after it, so a row never points at missing content; content
 * whose row was never written is an orphan that a later clean-up can remove.
 */
@Service
public class DocumentArchive {
    private static final Logger log = LoggerFactory.getLogger(DocumentArchive.class);
    private static final String DEFAULT_VOLUME = "local-1";
    private static final RowMapper<ArchivedDocument> DOCUMENT = (rs, n) -> new ArchivedDocument(
            rs.getLong("cabinet_id"),
            rs.getLong("document_index"),
            rs.getLong("volume_index"),
            rs.getLong("image_index"),
            rs.getString("document_name"),
            rs.getString("content_type"),
            rs.getLong("size_bytes"),
            rs.getString("checksum_sha256"),
            rs.getObject("request_id", Long.class),
            rs.getString("product_name"),
            rs.getString("master_key"),
            rs.getString("communication_id"),
            rs.getTimestamp("archived_at").toInstant());

    private final JdbcClient jdbc;
    private final Clock clock;
    private final StorageProperties storage;
    private final ArchiveProperties properties;
    private final Map<Long, ArchiveStore> stores = new ConcurrentHashMap<>();

    public DocumentArchive(JdbcClient jdbc, Clock clock, StorageProperties storage, ArchiveProperties properties) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.storage = storage;
        this.properties = properties;
    }

    /** Search criteria; null fields do not restrict. */
    public record Criteria(
            Long requestId, String communicationId, String productName, String masterKey, Instant from, Instant to) {}

    /** Files the content on the current volume and records it. */
    public ArchivedDocument archive(ArchiveRequest request) {
        long volume = currentVolume();
        long imageIndex = jdbc.sql("select nextval('oms_image_index_seq')")
                .query(Long.class)
                .single();
        String key = request.cabinetId() + "/" + imageIndex + extension(request.contentType());
        try {
            store(volume).putOnce(key, request.content());
        } catch (IOException e) {
            throw new UncheckedIOException("Archive volume " + volume + " refused the content", e);
        }
        Instant now = clock.instant();
        try {
            insertRow(request, volume, imageIndex, now);
        } catch (DuplicateKeyException alreadyArchived) {
            log.info("Request {} was archived already; its first entry stands", request.requestId());
            return jdbc.sql("select * from archived_document where request_id = ?")
                    .param(request.requestId())
                    .query(DOCUMENT)
                    .single();
        }
        ArchivedDocument archived = jdbc.sql("select * from archived_document where image_index = ?")
                .param(imageIndex)
                .query(DOCUMENT)
                .single();
        log.info(
                "Request {} archived as document {} (volume {}, image {})",
                request.requestId(),
                archived.documentIndex(),
                volume,
                imageIndex);
        return archived;
    }

    private void insertRow(ArchiveRequest request, long volume, long imageIndex, Instant now) {
        jdbc.sql("""
                        insert into archived_document (cabinet_id, volume_index, image_index, document_name,
                            content_type, size_bytes, checksum_sha256, request_id, product_name, master_key,
                            communication_id, archived_at)
                        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(
                        request.cabinetId(),
                        volume,
                        imageIndex,
                        request.documentName(),
                        request.contentType(),
                        request.content().length,
                        sha256(request.content()),
                        request.requestId(),
                        request.productName(),
                        request.masterKey(),
                        emptyToNull(request.communicationId()),
                        Timestamp.from(now))
                .update();
    }

    public Optional<ArchivedDocument> find(long cabinetId, long documentIndex) {
        return jdbc.sql("select * from archived_document where cabinet_id = ? and document_index = ?")
                .params(cabinetId, documentIndex)
                .query(DOCUMENT)
                .optional();
    }

    /** The stored content, checked against the checksum taken when it was archived. */
    public byte[] content(ArchivedDocument document) throws IOException {
        byte[] content = store(document.volumeIndex()).get(key(document));
        if (!sha256(content).equals(document.checksumSha256())) {
            throw new IOException("Archived content of document " + document.documentIndex() + " fails its checksum");
        }
        return content;
    }

    public List<ArchivedDocument> search(long cabinetId, Criteria criteria, int limit) {
        StringBuilder sql = new StringBuilder("select * from archived_document where cabinet_id = ?");
        List<Object> params = new ArrayList<>(List.of(cabinetId));
        condition(sql, params, "request_id = ?", criteria.requestId());
        condition(sql, params, "communication_id = ?", criteria.communicationId());
        condition(sql, params, "product_name = ?", criteria.productName());
        condition(sql, params, "master_key = ?", criteria.masterKey());
        condition(sql, params, "archived_at >= ?", criteria.from() == null ? null : Timestamp.from(criteria.from()));
        condition(sql, params, "archived_at <= ?", criteria.to() == null ? null : Timestamp.from(criteria.to()));
        sql.append(" order by document_index desc limit ").append(Math.max(1, Math.min(limit, 1000)));
        return jdbc.sql(sql.toString()).params(params).query(DOCUMENT).list();
    }

    private static void condition(StringBuilder sql, List<Object> params, String clause, Object value) {
        if (value != null) {
            sql.append(" and ").append(clause);
            params.add(value);
        }
    }

    /**
     * The volume new documents go to: the configured S3 bucket, or else the local default volume.
     * A volume row is created on first use.
     */
    private long currentVolume() {
        StorageProperties.S3 s3 = properties.s3();
        return s3.isConfigured()
                ? volume("s3-" + s3.bucket(), "S3", "s3://" + s3.bucket() + "/" + s3.prefix())
                : volume(DEFAULT_VOLUME, "LOCAL", "archive");
    }

    private long volume(String name, String backend, String location) {
        Optional<Long> existing = jdbc.sql("select id from archive_volume where name = ?")
                .param(name)
                .query(Long.class)
                .optional();
        if (existing.isPresent()) {
            return existing.get();
        }
        try {
            jdbc.sql("insert into archive_volume (name, backend, location, created_at) values (?, ?, ?, ?)")
                    .params(name, backend, location, Timestamp.from(clock.instant()))
                    .update();
        } catch (DuplicateKeyException raced) {
            // another instance created it first
        }
        return volume(name, backend, location);
    }

    private ArchiveStore store(long volume) {
        return stores.computeIfAbsent(volume, id -> {
            Map<String, Object> row = jdbc.sql("select backend, location from archive_volume where id = ?")
                    .param(id)
                    .query()
                    .singleRow();
            if ("S3".equals(row.get("backend"))) {
                return openS3(id, row.get("location").toString());
            }
            try {
                return new LocalArchiveStore(
                        storage.dataDir().resolve(row.get("location").toString()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** An S3 volume opens with this instance's S3 settings, which must name the volume's bucket. */
    private ArchiveStore openS3(long volume, String location) {
        StorageProperties.S3 s3 = properties.s3();
        if (!location.equals("s3://" + s3.bucket() + "/" + s3.prefix())) {
            throw new IllegalStateException("Volume " + volume + " lives at " + location
                    + ", but this instance is configured for bucket " + s3.bucket());
        }
        return new S3ArchiveStore(s3);
    }

    private static String key(ArchivedDocument document) {
        return document.cabinetId() + "/" + document.imageIndex() + extension(document.contentType());
    }

    private static String extension(String contentType) {
        return switch (contentType) {
            case "application/pdf" -> ".pdf";
            case "application/vnd.openxmlformats-officedocument.wordprocessingml.document" -> ".docx";
            default -> ".bin";
        };
    }

    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String emptyToNull(String text) {
        return text == null || text.isEmpty() ? null : text;
    }
}
