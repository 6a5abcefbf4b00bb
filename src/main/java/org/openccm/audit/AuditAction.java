package org.openccm.audit;

/** The events the audit trail records; the names are stored and used as query filters. */
public enum AuditAction {
    LOGIN,
    LOGIN_FAILED,
    LOGOUT,
    SESSION_TAKEN_OVER,
    SESSION_EXPIRED,
    SESSIONS_ENDED,
    PRODUCT_CREATED,
    VERSION_ADDED,
    VERSION_BASELINED,
    CHANNEL_CREATED,
    CHANNEL_CHANGED,
    CHANNEL_DELETED,
    APPLICATION_REGISTERED,
    APPLICATION_REMOVED,
    USER_CHANGED,
    CABINET_LOCKED,
    CABINET_UNLOCKED,
    SERVICE_STARTED,
    SERVICE_STOPPED,
    SERVICE_SCALED
}
