package org.openccm.session;

/**
 * The authenticated caller of an operation: which cabinet, which user, which role. Carries no
 * credential, so it is safe to pass around and to log by id.
 */
public record Caller(long cabinetId, String cabinetName, long userId, String userName, Role role) {}
