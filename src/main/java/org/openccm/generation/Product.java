package org.openccm.generation;

/**
 * A configured communication definition of a cabinet.
 *
 * @param reportType what the document is (LETTER, CONTRACT, MAIL, SMS, ...)
 * @param dataKind where a record's data comes from: XML, JSON or DB
 * @param docxOutput whether a Word document is produced besides the PDF
 * @param dataQuery for DB products, the SELECT that reads one record with :masterKey bound
 * @param recipientPath where the record holds the recipient's address, e.g. SampleData.Email
 * @param mailSubject the subject of the product's mails
 * @param phonePath where the record holds the recipient's phone number for SMS and WhatsApp
 * @param socialIdPath where the record holds the recipient's Facebook or X account id
 * @param dataSource for DB products, the cabinet's data source the query runs on; null for the
 *     server's restricted records account
 */
public record Product(
        long id,
        long cabinetId,
        String name,
        String reportType,
        DataKind dataKind,
        boolean docxOutput,
        String dataQuery,
        String recipientPath,
        String mailSubject,
        String phonePath,
        String socialIdPath,
        String dataSource) {

    /** Where a product's record data comes from. */
    public enum DataKind {
        XML,
        JSON,
        DB
    }

    /** Letters and contracts get a document number (the contract's transactionId). */
    public boolean isNumberedDocument() {
        return "LETTER".equals(reportType) || "CONTRACT".equals(reportType);
    }
}
