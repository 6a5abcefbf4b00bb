package org.openccm.shared.errors;

/** The contract's operations whose error bodies differ in shape. */
public enum Operation {
    CONNECT_CABINET,
    DISCONNECT_CABINET,
    PROCESS_USING_DB,
    PROCESS_USING_XML,
    PROCESS_USING_JSON,
    RETRY,
    ASYNC_JOB_RETRY,
    APPROVE_JOB,
    SERVICE_MANAGER,
    ADMIN;

    /** Which operation a request path belongs to. */
    public static Operation ofPath(String path) {
        if (path == null) {
            return ADMIN;
        }
        if (path.endsWith("/connectCabinet")) {
            return CONNECT_CABINET;
        }
        if (path.endsWith("/disconnectCabinet")) {
            return DISCONNECT_CABINET;
        }
        if (path.endsWith("/processUsingDB")) {
            return PROCESS_USING_DB;
        }
        if (path.endsWith("/processUsingXML")) {
            return PROCESS_USING_XML;
        }
        if (path.endsWith("/processUsingJSON")) {
            return PROCESS_USING_JSON;
        }
        if (path.endsWith("/OMSCommunicationService/retry")) {
            return RETRY;
        }
        if (path.endsWith("/OMSCommunicationService/asyncJobRetry")) {
            return ASYNC_JOB_RETRY;
        }
        if (path.endsWith("/OMSJobAutoApproval/approveJob")) {
            return APPROVE_JOB;
        }
        if (path.startsWith("/OMSServiceManager/")) {
            return SERVICE_MANAGER;
        }
        return ADMIN;
    }

    public boolean isGeneration() {
        return this == PROCESS_USING_DB || this == PROCESS_USING_XML || this == PROCESS_USING_JSON;
    }

    /**
     * The wording this operation uses for a code: asyncJobRetry has its own texts for a missing
     * cabinet and an invalid session (A33).
     */
    public ErrorCode wording(ErrorCode code) {
        if (this != ASYNC_JOB_RETRY) {
            return code;
        }
        return switch (code) {
            case CABINET_NOT_FOUND -> ErrorCode.ASYNC_CABINET_NOT_FOUND;
            case INVALID_SESSION -> ErrorCode.ASYNC_INVALID_SESSION;
            default -> code;
        };
    }

    /** The code an operation answers for a fault nobody foresaw. */
    public ErrorCode unexpectedFailureCode() {
        if (this == RETRY) {
            return ErrorCode.RETRY_FAILED_UNEXPECTEDLY;
        }
        if (this == SERVICE_MANAGER) {
            return ErrorCode.OPERATION_FAILED;
        }
        if (this == ASYNC_JOB_RETRY) {
            return ErrorCode.ASYNC_RETRY_FAILED;
        }
        if (this == APPROVE_JOB) {
            return ErrorCode.INVALID_INPUT;
        }
        return isGeneration() ? ErrorCode.GENERATION_FAILED : ErrorCode.CONNECT_FAILED;
    }
}
