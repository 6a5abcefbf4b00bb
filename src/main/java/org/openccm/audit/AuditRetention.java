package org.openccm.audit;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Keeps the audit trail for {@code oms.audit.retention} (400 days by default, so that a year's
 * entries are always there for a yearly review) and deletes older entries. Any instance may run
 * it; deleting twice is harmless.
 */
@Component
public class AuditRetention {
    private static final Logger log = LoggerFactory.getLogger(AuditRetention.class);

    private final JdbcClient jdbc;
    private final Clock clock;
    private final Duration retention;

    AuditRetention(JdbcClient jdbc, Clock clock, @Value("${oms.audit.retention:400d}") Duration retention) {
        if (retention.compareTo(Duration.ofDays(1)) < 0) {
            throw new IllegalArgumentException("oms.audit.retention must be at least one day");
        }
        this.jdbc = jdbc;
        this.clock = clock;
        this.retention = retention;
    }

    @Scheduled(fixedDelayString = "${oms.audit.purge-interval:6h}", initialDelayString = "2m")
    void run() {
        int deleted = purgeOnce();
        if (deleted > 0) {
            log.info("Deleted {} audit entries older than {} days", deleted, retention.toDays());
        }
    }

    /** Deletes the entries older than the retention; returns how many. */
    public int purgeOnce() {
        return jdbc.sql("delete from oms_audit where occurred_at < ?")
                .param(Timestamp.from(clock.instant().minus(retention)))
                .update();
    }
}
