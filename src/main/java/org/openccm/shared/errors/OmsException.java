package org.openccm.shared.errors;

/**
 * A failure that the API answers with one of the contract's codes. The detail is a readable
 * sentence for the client; it must never contain secrets, personal data or internal paths.
 */
public class OmsException extends RuntimeException {
    private final ErrorCode errorCode;
    private final String detail;

    public OmsException(ErrorCode errorCode, String detail) {
        super(errorCode + ": " + detail);
        this.errorCode = errorCode;
        this.detail = detail;
    }

    public OmsException(ErrorCode errorCode, String detail, Throwable cause) {
        super(errorCode + ": " + detail, cause);
        this.errorCode = errorCode;
        this.detail = detail;
    }

    public ErrorCode errorCode() {
        return errorCode;
    }

    public String detail() {
        return detail;
    }

    /** The text for the response's description field: the guide's message, then our detail. */
    public String description() {
        return describe(errorCode, detail);
    }

    public static String describe(ErrorCode code, String detail) {
        if (detail == null || detail.isBlank()) {
            return code.guideMessage();
        }
        return code.guideMessage() + " - " + detail;
    }

    public static OmsException invalidInput(String detail) {
        return new OmsException(ErrorCode.INVALID_INPUT, detail);
    }
}
