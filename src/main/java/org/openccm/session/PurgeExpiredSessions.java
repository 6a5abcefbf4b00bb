package org.openccm.session;

import org.openccm.audit.AuditAction;
import org.openccm.audit.AuditTrail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Deletes sessions that can no longer be used and records each end in the audit trail. Any
 * instance may run it: a row deleted by another instance first is neither deleted nor recorded
 * twice.
 */
@Component
public class PurgeExpiredSessions {
    private static final Logger log = LoggerFactory.getLogger(PurgeExpiredSessions.class);
    private static final int BATCH = 500;

    private final SessionStore sessions;
    private final AuditTrail audit;

    PurgeExpiredSessions(SessionStore sessions, AuditTrail audit) {
        this.sessions = sessions;
        this.audit = audit;
    }

    @Scheduled(fixedDelayString = "${oms.session.purge-interval:10m}", initialDelayString = "1m")
    void run() {
        int purged = purgeOnce();
        if (purged > 0) {
            log.info("Purged {} expired sessions", purged);
        }
    }

    /** Purges the sessions that have ended; returns how many this call removed. */
    public int purgeOnce() {
        int purged = 0;
        while (true) {
            var ended = sessions.findEnded(BATCH);
            for (SessionStore.Ended session : ended) {
                if (sessions.close(session.tokenHash())) {
                    purged++;
                    audit.record(
                            session.cabinetName(),
                            session.userName(),
                            AuditAction.SESSION_EXPIRED,
                            session.userName(),
                            session.appId() == null
                                    ? "plain session"
                                    : "OAuth session of application " + session.appId());
                }
            }
            if (ended.size() < BATCH) {
                return purged;
            }
        }
    }
}
