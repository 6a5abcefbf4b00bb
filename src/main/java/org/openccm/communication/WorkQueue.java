package org.openccm.communication;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.openccm.servicemanager.Services;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * The work_item table. Items are written in the same transaction as the request's ledger row, so
 * accepted work is never lost; workers claim due items under row locks that other workers skip.
 */
@Repository
class WorkQueue {
    static final String ARCHIVE = "ARCHIVE";
    static final String MAIL = "MAIL";

    private final JdbcClient jdbc;
    private final Clock clock;
    private final QueueProperties properties;
    private final Services services;

    WorkQueue(JdbcClient jdbc, Clock clock, QueueProperties properties, Services services) {
        this.services = services;
        this.jdbc = jdbc;
        this.clock = clock;
        this.properties = properties;
    }

    /** A claimed item; attempts counts this one. */
    record Claimed(
            long id,
            long requestId,
            long cabinetId,
            String kind,
            String channelName,
            int attempts,
            Instant leaseUntil) {
        boolean isLeaseOver(Instant now) {
            return !now.isBefore(leaseUntil);
        }
    }

    void enqueue(long requestId, long cabinetId, String kind, String channelName) {
        Timestamp now = Timestamp.from(clock.instant());
        jdbc.sql("""
                        insert into work_item (request_id, cabinet_id, kind, channel_name, state, attempts,
                            next_attempt_at, created_at)
                        values (?, ?, ?, ?, 'PENDING', 0, ?, ?)""").params(requestId, cabinetId, kind, channelName, now, now).update();
    }

    /** Claims up to batchSize due items: pending ones whose time has come, and running ones whose lease ran out. */
    @Transactional
    List<Claimed> claim() {
        Instant now = clock.instant();
        List<Long> ids = jdbc.sql("""
                        select id from work_item
                        where ((state = 'PENDING' and next_attempt_at <= ?) or (state = 'RUNNING' and lease_until <= ?))
                          and not exists (select 1 from oms_service s where s.cabinet_id = work_item.cabinet_id
                                          and s.work_kind = work_item.kind and s.desired_count = 0)
                        order by next_attempt_at
                        limit ?
                        for update skip locked""")
                .params(Timestamp.from(now), Timestamp.from(now), properties.batchSize())
                .query(Long.class)
                .list();
        Instant leaseUntil = now.plus(properties.lease());
        for (Long id : ids) {
            jdbc.sql("update work_item set state = 'RUNNING', lease_until = ?, attempts = attempts + 1 where id = ?")
                    .params(Timestamp.from(leaseUntil), id)
                    .update();
        }
        return ids.stream()
                .map(id -> jdbc.sql(
                                "select id, request_id, cabinet_id, kind, channel_name, attempts from work_item where id = ?")
                        .param(id)
                        .query((rs, n) -> new Claimed(
                                rs.getLong(1),
                                rs.getLong(2),
                                rs.getLong(3),
                                rs.getString(4),
                                rs.getString(5),
                                rs.getInt(6),
                                leaseUntil))
                        .single())
                .toList();
    }

    /**
     * Marks the item done, if this worker still holds it (same attempt, still RUNNING): a worker
     * whose lease ran out and was taken over does not overwrite the new owner's state.
     */
    void markDone(Claimed item) {
        services.countProcessed(item.cabinetId(), item.kind());
        jdbc.sql("update work_item set state = 'DONE', completed_at = ?, lease_until = null, last_error = null"
                        + " where id = ? and state = 'RUNNING' and attempts = ?")
                .params(Timestamp.from(clock.instant()), item.id(), item.attempts())
                .update();
    }

    /**
     * Schedules the next attempt with exponential backoff, or leaves the item FAILED after the last
     * one; only while this worker still holds the item.
     *
     * @return true when this was the last attempt
     */
    boolean markAttemptFailed(Claimed item, String reason) {
        if (item.attempts() >= properties.maxAttempts()) {
            jdbc.sql("update work_item set state = 'FAILED', lease_until = null, last_error = ?"
                            + " where id = ? and state = 'RUNNING' and attempts = ?")
                    .params(truncate(reason), item.id(), item.attempts())
                    .update();
            return true;
        }
        Duration delay = properties.firstRetryDelay().multipliedBy(1L << Math.min(20, item.attempts() - 1));
        jdbc.sql("update work_item set state = 'PENDING', lease_until = null, next_attempt_at = ?, last_error = ?"
                        + " where id = ? and state = 'RUNNING' and attempts = ?")
                .params(Timestamp.from(clock.instant().plus(delay)), truncate(reason), item.id(), item.attempts())
                .update();
        return false;
    }

    private static String truncate(String text) {
        return text == null || text.length() <= 500 ? text : text.substring(0, 500);
    }
}
