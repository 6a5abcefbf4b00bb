package org.openccm.session;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** Deletes sessions that can no longer be used; any instance may run it, it is idempotent. */
@Component
class PurgeExpiredSessions {
    private static final Logger log = LoggerFactory.getLogger(PurgeExpiredSessions.class);
    private final SessionStore sessions;

    PurgeExpiredSessions(SessionStore sessions) {
        this.sessions = sessions;
    }

    @Scheduled(fixedDelayString = "${oms.session.purge-interval:10m}", initialDelayString = "1m")
    void run() {
        int purged = sessions.purgeExpired();
        if (purged > 0) {
            log.info("Purged {} expired sessions", purged);
        }
    }
}
