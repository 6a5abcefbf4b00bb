package org.openccm.shared.errors;

/** The contract's operations whose error bodies differ in shape. */
public enum Operation {
    CONNECT_CABINET,
    DISCONNECT_CABINET,
    PROCESS_USING_DB,
    PROCESS_USING_XML,
    PROCESS_USING_JSON,
    RETRY,
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
        if (path.startsWith("/OMSServiceManager/")) {
            return SERVICE_MANAGER;
        }
        return ADMIN;
    }

    public boolean isGeneration() {
        return this == PROCESS_USING_DB || this == PROCESS_USING_XML || this == PROCESS_USING_JSON;
    }

    /** The code an operation answers for a fault nobody foresaw. */
    public ErrorCode unexpectedFailureCode() {
        if (this == RETRY) {
            return ErrorCode.RETRY_FAILED_UNEXPECTEDLY;
        }
        if (this == SERVICE_MANAGER) {
            return ErrorCode.OPERATION_FAILED;
        }
        return isGeneration() ? ErrorCode.GENERATION_FAILED : ErrorCode.CONNECT_FAILED;
    }
}
