package org.openccm.shared.errors;

/**
 * The result codes of the OMS contract with the guide's message for each, kept verbatim (typos
 * and all) because clients may compare them. A code with two wordings has two constants; the
 * operation decides which one applies.
 */
public enum ErrorCode {
    SUCCESS(0, "Success"),
    CONNECT_FAILED(1, "OMS_CONNECT_FAILED"),
    INVALID_PASSWORD(-50127, "Invalid Password."),
    USER_EXPIRED(-50006, "User account has expired."),
    USER_NOT_ALIVE(-50010, "User not alive."),
    CABINET_LOCKED(-50125, "Cabinet has been locked for administrative purposes."),
    INSUFFICIENT_RIGHTS(-50110, "Insufficient Rights to connect to the Cabinet."),
    USER_NOT_ALLOWED(-50141, "User is not allowed to connect."),
    USER_DOES_NOT_EXIST(-50003, "User does not exist."),
    /** OAuth: a well-formed appId that is not registered for the cabinet (A06). */
    APP_ID_NOT_REGISTERED(-50338, "You have provided wrong value of AppId. Please check it"),
    /** OAuth: the appId is missing, blank or malformed (A06). */
    APP_ID_INVALID(-1000, "You have provided wrong value of AppId , please check it."),
    INVALID_SESSION(-50146, "OMS_INVALID_SESSION_HANDLE"),
    PRODUCT_NOT_FOUND(1027, "OMS_PRODUCTNAME_MSG"),
    ONDEMAND_NOT_CONFIGURED(1028, "OMS_ONDEMAND_GEN_MSG"),
    GENERATION_FAILED(1029, "OMS_DOCUMENT_GENERATION_FAILED_MSG"),
    SERVER_BUSY(1012, "OMS_STMT_OBJECT_POOL_MSG"),
    SYNCHRONOUS_FAILED(1034, "OMS_SYNCHRONOUS_FAILED_MSG"),
    DMS_TYPE_FAILED(1035, "OMS_DMSTYPE_FAILED_MSG"),
    CABINET_NOT_FOUND(-1011, "CabinetName not found"),
    CHANNEL_NOT_FOUND(1067, "Channel Details Not Found"),
    INVALID_INPUT(541, "Invalid input parameters"),
    RETRY_FAILED_UNEXPECTEDLY(-1, "OMS_SYNCHRONOUS_FAILED_MSG"),
    COMMUNICATION_FAIL(5001, "OMS_COMMUNICATION_FAIL"),
    ARCHIVAL_FAIL(5002, "OMS_ARCHIVAL_FAIL"),
    COMMUNICATION_SUCCESS_ARCHIVAL_FAIL(5003, "OMS_COMMUNICATION_SUCCESS_ARCHIVAL_FAIL"),
    COMMUNICATION_FAIL_ARCHIVAL_FAIL(5004, "OMS_COMMUNICATION_FAIL_ARCHIVAL_FAIL"),
    RETRY_CHANNEL_NOT_FOUND(5005, "ChannelName not found"),
    NOTHING_TO_RETRY(5006, "Data not Found for retry"),
    INVALID_REQUEST(105, "Invalid Request"),
    OPERATION_FAILED(400, "Operation Failed"),
    ASYNC_CABINET_NOT_FOUND(-1011, "Cabinet Not Found"),
    ASYNC_INVALID_SESSION(-50146, "Invalid session."),
    ASYNC_RETRY_FAILED(400, "Some error occurred , Please check the logs"),
    DUPLICATE_COMMUNICATION_ID(400, "Duplicate Communication Id"),
    CYCLE_NOT_FOUND(804, "Cycle Name provided does not exists."),
    INSTANCE_NOT_FOUND(804, "InstanceId provided corresponding to cycle name does not exists."),
    /** Not a contract code: the admin API's answer for a named thing (a data source) that does not exist. */
    NOT_FOUND(404, "Not found");

    private final int code;
    private final String guideMessage;

    ErrorCode(int code, String guideMessage) {
        this.code = code;
        this.guideMessage = guideMessage;
    }

    public int code() {
        return code;
    }

    public String guideMessage() {
        return guideMessage;
    }
}
