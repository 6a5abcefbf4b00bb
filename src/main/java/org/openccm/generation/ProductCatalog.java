package org.openccm.generation;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** Products and their template versions, per cabinet. */
@Repository
public class ProductCatalog {
    private static final RowMapper<Product> PRODUCT = (rs, n) -> new Product(
            rs.getLong("id"),
            rs.getLong("cabinet_id"),
            rs.getString("name"),
            rs.getString("report_type"),
            Product.DataKind.valueOf(rs.getString("data_kind")),
            rs.getBoolean("docx_output"),
            rs.getString("data_query"),
            rs.getString("recipient_path"),
            rs.getString("mail_subject"),
            rs.getString("phone_path"),
            rs.getString("social_id_path"),
            rs.getString("data_source"));
    private static final RowMapper<TemplateVersion> VERSION = (rs, n) -> new TemplateVersion(
            rs.getLong("id"),
            rs.getLong("product_id"),
            rs.getInt("version"),
            rs.getString("document_html"),
            rs.getString("mail_body_html"),
            rs.getString("message_text"),
            rs.getTimestamp("baselined_at") == null
                    ? null
                    : rs.getTimestamp("baselined_at").toInstant());

    private final JdbcClient jdbc;
    private final Clock clock;
    private final DocumentGenerator generator;

    public ProductCatalog(JdbcClient jdbc, Clock clock, DocumentGenerator generator) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.generator = generator;
    }

    /** Thrown when a product definition or template is not acceptable; the message is for the caller. */
    public static class InvalidProductException extends RuntimeException {
        public InvalidProductException(String message) {
            super(message);
        }
    }

    public Optional<Product> find(long cabinetId, String name) {
        return jdbc.sql("select * from product where cabinet_id = ? and name = ?")
                .params(cabinetId, name)
                .query(PRODUCT)
                .optional();
    }

    public List<Product> list(long cabinetId) {
        return jdbc.sql("select * from product where cabinet_id = ? order by name")
                .param(cabinetId)
                .query(PRODUCT)
                .list();
    }

    /** Creates a product that reads no records from a named data source. */
    @Transactional
    public Product create(
            long cabinetId,
            String name,
            String reportType,
            Product.DataKind dataKind,
            boolean docxOutput,
            String dataQuery,
            String recipientPath,
            String mailSubject,
            String phonePath,
            String socialIdPath) {
        return create(
                cabinetId,
                name,
                reportType,
                dataKind,
                docxOutput,
                dataQuery,
                recipientPath,
                mailSubject,
                phonePath,
                socialIdPath,
                null);
    }

    /**
     * Creates a product; its templates come as versions afterwards.
     *
     * @param dataSource for DB products, the name of the cabinet's data source to read records
     *     from (the caller checks that it exists), or null or "" for the server's records account
     */
    @Transactional
    public Product create(
            long cabinetId,
            String name,
            String reportType,
            Product.DataKind dataKind,
            boolean docxOutput,
            String dataQuery,
            String recipientPath,
            String mailSubject,
            String phonePath,
            String socialIdPath,
            String dataSource) {
        if (name == null || !name.matches("[A-Za-z0-9_.-]{1,250}")) {
            throw new InvalidProductException("A product name has 1 to 250 letters, digits, '.', '_' or '-'.");
        }
        if (reportType == null || !reportType.matches("[A-Z_]{1,32}")) {
            throw new InvalidProductException(
                    "reportType must be an upper-case word such as LETTER, CONTRACT or MAIL.");
        }
        if (socialIdPath != null && !socialIdPath.isEmpty() && !socialIdPath.matches("[A-Za-z0-9_@.-]{1,250}")) {
            throw new InvalidProductException(
                    "socialIdPath is a dotted path of field names, e.g. Customer.FacebookId.");
        }
        if (phonePath != null && !phonePath.isEmpty() && !phonePath.matches("[A-Za-z0-9_@.-]{1,250}")) {
            throw new InvalidProductException("phonePath is a dotted path of field names, e.g. Customer.Mobile.");
        }
        if (recipientPath != null && !recipientPath.isEmpty() && !recipientPath.matches("[A-Za-z0-9_@.-]{1,250}")) {
            throw new InvalidProductException("recipientPath is a dotted path of field names, e.g. SampleData.Email.");
        }
        if (mailSubject != null && mailSubject.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidProductException("mailSubject must be one line without control characters.");
        }
        if (dataKind == Product.DataKind.DB) {
            checkQuery(dataQuery);
        } else if (dataQuery != null && !dataQuery.isBlank()) {
            throw new InvalidProductException("Only DB products take a dataQuery.");
        }
        if (dataSource != null && !dataSource.isEmpty() && dataKind != Product.DataKind.DB) {
            throw new InvalidProductException("Only DB products take a dataSource.");
        }
        if (find(cabinetId, name).isPresent()) {
            throw new InvalidProductException("A product named '" + name + "' already exists.");
        }
        jdbc.sql("""
                        insert into product
                            (cabinet_id, name, report_type, data_kind, docx_output, data_query, recipient_path,
                             mail_subject, phone_path, social_id_path, data_source, created_at)
                        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(
                        cabinetId,
                        name,
                        reportType,
                        dataKind.name(),
                        docxOutput,
                        dataKind == Product.DataKind.DB ? dataQuery : null,
                        blankToNull(recipientPath),
                        blankToNull(mailSubject),
                        blankToNull(phonePath),
                        blankToNull(socialIdPath),
                        blankToNull(dataSource),
                        Timestamp.from(clock.instant()))
                .update();
        return find(cabinetId, name).orElseThrow();
    }

    /**
     * The query must be one SELECT that names the record with the :masterKey parameter. It runs
     * with the key bound as a parameter, never spliced into the text.
     */
    private static void checkQuery(String query) {
        if (query == null || query.isBlank()) {
            throw new InvalidProductException("A DB product needs a dataQuery.");
        }
        String normalized = query.strip().toLowerCase(Locale.ROOT);
        if (!(normalized.startsWith("select ") || normalized.startsWith("with "))
                || query.contains(";")
                || !query.contains(":masterKey")) {
            throw new InvalidProductException(
                    "dataQuery must be a single SELECT statement without ';' that uses the :masterKey parameter.");
        }
    }

    /** Adds the next version of a product's templates after checking they compile. */
    @Transactional
    public TemplateVersion addVersion(Product product, String documentHtml, String mailBodyHtml, String messageText) {
        if (documentHtml == null || documentHtml.isBlank()) {
            throw new InvalidProductException("A version needs a document template.");
        }
        generator.checkTemplates(documentHtml, mailBodyHtml, messageText);
        int next = jdbc.sql("select coalesce(max(version), 0) + 1 from template_version where product_id = ?")
                .param(product.id())
                .query(Integer.class)
                .single();
        if (next > 999) {
            throw new InvalidProductException("A product has at most 999 versions.");
        }
        jdbc.sql("""
                        insert into template_version (product_id, version, document_html, mail_body_html, message_text,
                                                      created_at)
                        values (?, ?, ?, ?, ?, ?)""")
                .params(
                        product.id(),
                        next,
                        documentHtml,
                        blankToNull(mailBodyHtml),
                        blankToNull(messageText),
                        Timestamp.from(clock.instant()))
                .update();
        return findVersion(product, next).orElseThrow();
    }

    /** Marks a version as approved for production use. */
    public TemplateVersion baseline(Product product, int version) {
        jdbc.sql("update template_version set baselined_at = ?"
                        + " where product_id = ? and version = ? and baselined_at is null")
                .params(Timestamp.from(clock.instant()), product.id(), version)
                .update();
        return findVersion(product, version)
                .orElseThrow(() -> new InvalidProductException(
                        "Product '" + product.name() + "' has no version " + version + "."));
    }

    public List<TemplateVersion> versions(Product product) {
        return jdbc.sql("select * from template_version where product_id = ? order by version")
                .param(product.id())
                .query(VERSION)
                .list();
    }

    public Optional<TemplateVersion> findVersion(Product product, int version) {
        return jdbc.sql("select * from template_version where product_id = ? and version = ?")
                .params(product.id(), version)
                .query(VERSION)
                .optional();
    }

    /** The highest baselined version: what a request without reportVersion renders. */
    public Optional<TemplateVersion> latestBaselined(Product product) {
        return jdbc.sql("""
                        select * from template_version where product_id = ? and baselined_at is not null
                        order by version desc limit 1""").param(product.id()).query(VERSION).optional();
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }
}
