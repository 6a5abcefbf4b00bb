package org.openccm.batch;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Spools (jobSpoolId), their records and chunks. Every claim takes a row lock that other workers
 * skip and a lease that another worker takes over when it runs out; every completion names the
 * attempt it belongs to, so a worker that lost its lease changes nothing.
 */
@Repository
class Spools {
    enum State {
        ENUMERATING,
        GENERATING,
        FINISHING,
        AWAITING_APPROVAL,
        RELEASED,
        REJECTED,
        FAILED
    }

    record Spool(
            long id,
            long instanceId,
            long cabinetId,
            String filterCondition,
            State state,
            Long makerUserId,
            Long checkerUserId,
            String communicationId,
            int totalRecords,
            String printFile,
            String failure,
            Instant approvedAt,
            Instant createdAt) {
        boolean isApproved() {
            return approvedAt != null;
        }
    }

    record Progress(int total, int generated, int failed, int pending) {}

    /** Queued steps of a spool's communications by state: PENDING, RUNNING, DONE, FAILED. */
    Map<String, Integer> deliveries(long spoolId) {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        jdbc.sql("select w.state, count(*) from work_item w join omsJobQueueItems q on q.request_id = w.request_id"
                        + " where q.spool_id = ? group by w.state")
                .param(spoolId)
                .query((rs, n) -> counts.put(rs.getString(1), rs.getInt(2)))
                .list();
        return counts;
    }

    record Chunk(long spoolId, int chunkNo, int firstSeq, int lastSeq, int attempts) {}

    record PendingRecord(int seq, String data) {}

    private static final RowMapper<Spool> SPOOL = (rs, n) -> new Spool(
            rs.getLong("id"),
            rs.getLong("instance_id"),
            rs.getLong("cabinet_id"),
            rs.getString("filter_condition"),
            State.valueOf(rs.getString("state")),
            (Long) rs.getObject("maker_user_id", Long.class),
            (Long) rs.getObject("checker_user_id", Long.class),
            rs.getString("communication_id"),
            rs.getInt("total_records"),
            rs.getString("print_file"),
            rs.getString("failure"),
            rs.getTimestamp("approved_at") == null
                    ? null
                    : rs.getTimestamp("approved_at").toInstant(),
            rs.getTimestamp("created_at").toInstant());

    /** Leaves out the work of cabinets whose batch service (Batchgen) is stopped. */
    private static final String SERVICE_RUNNING = " and not exists (select 1 from oms_service g where"
            + " g.cabinet_id = %s.cabinet_id and g.work_kind = 'BATCH' and g.desired_count = 0)";

    /** This server process, as recorded on the chunks it generates. */
    static final String WORKER =
            java.lang.management.ManagementFactory.getRuntimeMXBean().getName();

    private final JdbcClient jdbc;
    private final JdbcTemplate template;
    private final Clock clock;

    Spools(JdbcClient jdbc, JdbcTemplate template, Clock clock) {
        this.jdbc = jdbc;
        this.template = template;
        this.clock = clock;
    }

    private Timestamp now() {
        return Timestamp.from(clock.instant());
    }

    long create(
            long instanceId,
            long cabinetId,
            String filter,
            Long makerUserId,
            Long checkerUserId,
            String communicationId) {
        Timestamp now = now();
        jdbc.sql("""
                        insert into batch_spool (instance_id, cabinet_id, filter_condition, state, maker_user_id,
                            checker_user_id, communication_id, approved_at, created_at, updated_at)
                        values (?, ?, ?, 'ENUMERATING', ?, ?, ?, ?, ?, ?)""")
                .params(
                        instanceId,
                        cabinetId,
                        filter,
                        makerUserId,
                        checkerUserId,
                        communicationId,
                        checkerUserId == null ? null : now,
                        now,
                        now)
                .update();
        return jdbc.sql("select max(id) from batch_spool where instance_id = ?")
                .param(instanceId)
                .query(Long.class)
                .single();
    }

    Optional<Spool> find(long cabinetId, long spoolId) {
        return jdbc.sql("select * from batch_spool where cabinet_id = ? and id = ?")
                .params(cabinetId, spoolId)
                .query(SPOOL)
                .optional();
    }

    Optional<Spool> byId(long spoolId) {
        return jdbc.sql("select * from batch_spool where id = ?")
                .param(spoolId)
                .query(SPOOL)
                .optional();
    }

    List<Spool> ofInstance(long instanceId) {
        return jdbc.sql("select * from batch_spool where instance_id = ? order by id")
                .param(instanceId)
                .query(SPOOL)
                .list();
    }

    List<Spool> list(long cabinetId, int limit) {
        return jdbc.sql("select * from batch_spool where cabinet_id = ? order by id desc limit ?")
                .params(cabinetId, limit)
                .query(SPOOL)
                .list();
    }

    boolean communicationIdUsed(long cabinetId, String communicationId) {
        return jdbc.sql("select count(*) from batch_spool where cabinet_id = ? and communication_id = ?")
                        .params(cabinetId, communicationId)
                        .query(Long.class)
                        .single()
                > 0;
    }

    Progress progress(long spoolId, int total) {
        int generated = 0;
        int failed = 0;
        int pending = 0;
        for (var row : jdbc.sql("select state, count(*) from batch_record where spool_id = ? group by state")
                .param(spoolId)
                .query((rs, n) -> new Object[] {rs.getString(1), rs.getInt(2)})
                .list()) {
            switch ((String) row[0]) {
                case "GENERATED" -> generated = (Integer) row[1];
                case "FAILED" -> failed = (Integer) row[1];
                default -> pending += (Integer) row[1];
            }
        }
        return new Progress(total, generated, failed, pending);
    }

    /** Approves a spool that waits for it; false when it was not waiting or was approved already. */
    boolean approve(long spoolId, Long checkerUserId) {
        Timestamp now = now();
        return jdbc.sql("update batch_spool set checker_user_id = ?, approved_at = ?, updated_at = ?"
                                + " where id = ? and approved_at is null and state not in ('REJECTED', 'FAILED')")
                        .params(checkerUserId, now, now, spoolId)
                        .update()
                == 1;
    }

    boolean reject(long spoolId, long checkerUserId) {
        Timestamp now = now();
        return jdbc.sql("update batch_spool set state = 'REJECTED', checker_user_id = ?, updated_at = ?"
                                + " where id = ? and approved_at is null and state not in ('REJECTED', 'FAILED')")
                        .params(checkerUserId, now, spoolId)
                        .update()
                == 1;
    }

    // ---- enumeration -------------------------------------------------------------------------

    /** Claims a spool whose records are to be read, or whose reader's lease ran out. */
    @Transactional
    Optional<Spool> claimEnumeration(Duration lease) {
        Optional<Long> id = jdbc.sql("select id from batch_spool where state = 'ENUMERATING'"
                        + " and (lease_until is null or lease_until <= ?)" + SERVICE_RUNNING.formatted("batch_spool")
                        + " order by id limit 1 for update skip locked")
                .param(now())
                .query(Long.class)
                .optional();
        id.ifPresent(spoolId -> renewLease(spoolId, lease));
        return id.flatMap(this::byId);
    }

    void renewLease(long spoolId, Duration lease) {
        jdbc.sql("update batch_spool set lease_until = ?, updated_at = ? where id = ?")
                .params(Timestamp.from(clock.instant().plus(lease)), now(), spoolId)
                .update();
    }

    /** Clears what an earlier, interrupted reading of the spool left. */
    void clearRecords(long spoolId) {
        jdbc.sql("delete from batch_chunk where spool_id = ?").param(spoolId).update();
        jdbc.sql("delete from batch_record where spool_id = ?").param(spoolId).update();
    }

    void insertRecords(long spoolId, List<PendingRecord> records) {
        List<Object[]> rows = new ArrayList<>(records.size());
        for (PendingRecord record : records) {
            rows.add(new Object[] {spoolId, record.seq(), record.data()});
        }
        template.batchUpdate(
                "insert into batch_record (spool_id, seq, record_data, state) values (?, ?, ?, 'PENDING')", rows);
    }

    void insertChunk(long spoolId, int chunkNo, int firstSeq, int lastSeq) {
        jdbc.sql(
                        "insert into batch_chunk (spool_id, chunk_no, first_seq, last_seq, state) values (?, ?, ?, ?, 'WAITING')")
                .params(spoolId, chunkNo, firstSeq, lastSeq)
                .update();
    }

    /** Ends the reading: the chunks become claimable. False if this reader lost its lease. */
    @Transactional
    boolean finishEnumeration(long spoolId, int total) {
        int updated = jdbc.sql("update batch_spool set state = 'GENERATING', total_records = ?, lease_until = null,"
                        + " updated_at = ? where id = ? and state = 'ENUMERATING'")
                .params(total, now(), spoolId)
                .update();
        if (updated == 1) {
            jdbc.sql("update batch_chunk set state = 'PENDING' where spool_id = ? and state = 'WAITING'")
                    .param(spoolId)
                    .update();
        }
        return updated == 1;
    }

    void fail(long spoolId, String reason) {
        jdbc.sql(
                        "update batch_spool set state = 'FAILED', failure = ?, lease_until = null, updated_at = ? where id = ?")
                .params(truncate(reason), now(), spoolId)
                .update();
    }

    // ---- chunks ------------------------------------------------------------------------------

    @Transactional
    Optional<Chunk> claimChunk(Duration lease) {
        Timestamp now = now();
        Optional<Chunk> chunk = jdbc.sql("select spool_id, chunk_no, first_seq, last_seq, attempts from batch_chunk"
                        + " where (state = 'PENDING' or (state = 'RUNNING' and lease_until <= ?))"
                        + " and not exists (select 1 from batch_spool p join oms_service g on g.cabinet_id = p.cabinet_id"
                        + " where p.id = batch_chunk.spool_id and g.work_kind = 'BATCH' and g.desired_count = 0)"
                        + " order by spool_id, chunk_no limit 1 for update skip locked")
                .param(now)
                .query((rs, n) -> new Chunk(rs.getLong(1), rs.getInt(2), rs.getInt(3), rs.getInt(4), rs.getInt(5) + 1))
                .optional();
        chunk.ifPresent(c -> jdbc.sql("update batch_chunk set state = 'RUNNING', attempts = ?, lease_until = ?,"
                        + " worked_by = ? where spool_id = ? and chunk_no = ?")
                .params(c.attempts(), Timestamp.from(clock.instant().plus(lease)), WORKER, c.spoolId(), c.chunkNo())
                .update());
        return chunk;
    }

    List<PendingRecord> pendingRecords(Chunk chunk) {
        return jdbc.sql("select seq, record_data from batch_record where spool_id = ? and seq between ? and ?"
                        + " and state = 'PENDING' order by seq")
                .params(chunk.spoolId(), chunk.firstSeq(), chunk.lastSeq())
                .query((rs, n) -> new PendingRecord(rs.getInt(1), rs.getString(2)))
                .list();
    }

    /** In the ledger row's transaction: false when another worker generated the record first. */
    boolean markGenerated(long spoolId, int seq, long requestId) {
        return jdbc.sql("update batch_record set state = 'GENERATED', request_id = ?, failure = null"
                                + " where spool_id = ? and seq = ? and state = 'PENDING'")
                        .params(requestId, spoolId, seq)
                        .update()
                == 1;
    }

    void markFailed(long spoolId, int seq, String reason) {
        jdbc.sql(
                        "update batch_record set state = 'FAILED', failure = ? where spool_id = ? and seq = ? and state = 'PENDING'")
                .params(truncate(reason), spoolId, seq)
                .update();
    }

    void finishChunk(Chunk chunk) {
        jdbc.sql("update batch_chunk set state = 'DONE', lease_until = null"
                        + " where spool_id = ? and chunk_no = ? and state = 'RUNNING' and attempts = ?")
                .params(chunk.spoolId(), chunk.chunkNo(), chunk.attempts())
                .update();
    }

    /** Gives a chunk back for a later claim, e.g. when its service was stopped meanwhile. */
    void returnChunk(Chunk chunk) {
        jdbc.sql("update batch_chunk set state = 'PENDING', lease_until = null"
                        + " where spool_id = ? and chunk_no = ? and state = 'RUNNING' and attempts = ?")
                .params(chunk.spoolId(), chunk.chunkNo(), chunk.attempts())
                .update();
    }

    // ---- finishing ---------------------------------------------------------------------------

    /** Claims a spool whose chunks are all done, or whose finisher's lease ran out. */
    @Transactional
    Optional<Spool> claimFinishing(Duration lease) {
        Timestamp now = now();
        Optional<Long> id = jdbc.sql("select s.id from batch_spool s where ((s.state = 'GENERATING'"
                        + " and not exists (select 1 from batch_chunk c where c.spool_id = s.id and c.state <> 'DONE'))"
                        + " or (s.state = 'FINISHING' and s.lease_until <= ?))" + SERVICE_RUNNING.formatted("s")
                        + " order by s.id limit 1 for update skip locked")
                .param(now)
                .query(Long.class)
                .optional();
        id.ifPresent(spoolId -> jdbc.sql(
                        "update batch_spool set state = 'FINISHING', lease_until = ?, updated_at = ? where id = ?")
                .params(Timestamp.from(clock.instant().plus(lease)), now, spoolId)
                .update());
        return id.flatMap(this::byId);
    }

    void setPrintFile(long spoolId, String key) {
        jdbc.sql("update batch_spool set print_file = ? where id = ?")
                .params(key, spoolId)
                .update();
    }

    /** Keys of the generated documents of a spool in record order, page by page. */
    List<String> documentKeys(long spoolId, int afterSeq, int limit) {
        return jdbc.sql("select r.seq, q.file_path_name from batch_record r join omsJobQueueItems q"
                        + " on q.request_id = r.request_id where r.spool_id = ? and r.state = 'GENERATED' and r.seq > ?"
                        + " order by r.seq limit ?")
                .params(spoolId, afterSeq, limit)
                .query((rs, n) -> rs.getInt(1) + "\t" + rs.getString(2))
                .list();
    }

    /** Moves a finished spool on; only while it is still FINISHING. */
    boolean finish(long spoolId, State next) {
        return jdbc.sql(
                                "update batch_spool set state = ?, lease_until = null, updated_at = ? where id = ? and state = 'FINISHING'")
                        .params(next.name(), now(), spoolId)
                        .update()
                == 1;
    }

    /** Approved spools that wait for their release (approval came while they were still being made). */
    List<Spool> approvedAwaiting() {
        return jdbc.sql("select * from batch_spool where state = 'AWAITING_APPROVAL' and approved_at is not null")
                .query(SPOOL)
                .list();
    }

    boolean markReleased(long spoolId) {
        return jdbc.sql(
                                "update batch_spool set state = 'RELEASED', updated_at = ? where id = ? and state = 'AWAITING_APPROVAL'")
                        .params(now(), spoolId)
                        .update()
                == 1;
    }

    // ---- retry -------------------------------------------------------------------------------

    /** A spool that failed as a whole (unreadable dataset, missing product) is read again from the start. */
    boolean restartFailed(long spoolId) {
        return jdbc.sql(
                                "update batch_spool set state = 'ENUMERATING', failure = null, lease_until = null, updated_at = ?"
                                        + " where id = ? and state = 'FAILED'")
                        .params(now(), spoolId)
                        .update()
                == 1;
    }

    /** Failed records go back to PENDING and their chunks are claimable again; returns the count. */
    @Transactional
    int retryFailedRecords(long spoolId) {
        int records = jdbc.sql(
                        "update batch_record set state = 'PENDING', failure = null where spool_id = ? and state = 'FAILED'")
                .param(spoolId)
                .update();
        if (records > 0) {
            jdbc.sql("update batch_chunk c set state = 'PENDING', attempts = 0 where c.spool_id = ? and exists"
                            + " (select 1 from batch_record r where r.spool_id = c.spool_id and r.state = 'PENDING'"
                            + " and r.seq between c.first_seq and c.last_seq)")
                    .param(spoolId)
                    .update();
            jdbc.sql("update batch_spool set state = 'GENERATING', updated_at = ? where id = ?"
                            + " and state in ('AWAITING_APPROVAL', 'RELEASED')")
                    .params(now(), spoolId)
                    .update();
        }
        return records;
    }

    private static String truncate(String text) {
        return text == null || text.length() <= 500 ? text : text.substring(0, 500);
    }
}
