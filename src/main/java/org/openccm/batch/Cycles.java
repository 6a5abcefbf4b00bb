package org.openccm.batch;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Optional;
import org.openccm.communication.BatchDocuments.JobType;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Cycles (schedules), their jobs, and the dated instances of each job. */
@Repository
class Cycles {
    /** The built-in cycle that collects a cabinet's on-demand requests. */
    static final String ON_DEMAND = "OnDemandSchedule";

    enum Kind {
        BATCH,
        ONDEMAND
    }

    record Cycle(
            long id,
            long cabinetId,
            String name,
            Kind kind,
            String cron,
            String timeZone,
            boolean enabled,
            Instant nextRunAt,
            long ownerUserId) {}

    record Job(
            long id,
            long cycleId,
            String name,
            JobType type,
            String productName,
            String channelName,
            String dataSource,
            String dataQuery,
            String dataFile,
            String filePath,
            boolean doArchive,
            boolean skipApproval) {}

    record Instance(long id, long jobId, long cabinetId, LocalDateTime date, Long makerUserId) {}

    private static final RowMapper<Cycle> CYCLE = (rs, n) -> new Cycle(
            rs.getLong("id"),
            rs.getLong("cabinet_id"),
            rs.getString("name"),
            Kind.valueOf(rs.getString("kind")),
            rs.getString("cron"),
            rs.getString("time_zone"),
            rs.getBoolean("enabled"),
            rs.getTimestamp("next_run_at") == null
                    ? null
                    : rs.getTimestamp("next_run_at").toInstant(),
            rs.getLong("owner_user_id"));

    private static final RowMapper<Job> JOB = (rs, n) -> new Job(
            rs.getLong("id"),
            rs.getLong("cycle_id"),
            rs.getString("name"),
            JobType.valueOf(rs.getString("job_type")),
            rs.getString("product_name"),
            rs.getString("channel_name"),
            rs.getString("data_source"),
            rs.getString("data_query"),
            rs.getString("data_file"),
            rs.getString("file_path"),
            rs.getBoolean("do_archive"),
            rs.getBoolean("skip_approval"));

    private static final RowMapper<Instance> INSTANCE = (rs, n) -> new Instance(
            rs.getLong("id"),
            rs.getLong("job_id"),
            rs.getLong("cabinet_id"),
            rs.getTimestamp("instance_date").toLocalDateTime(),
            (Long) rs.getObject("maker_user_id", Long.class));

    private final JdbcClient jdbc;
    private final Clock clock;

    Cycles(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    long createCycle(
            long cabinetId, String name, Kind kind, String cron, String timeZone, Instant nextRunAt, long ownerUserId) {
        jdbc.sql("""
                        insert into batch_cycle (cabinet_id, name, kind, cron, time_zone, enabled, next_run_at,
                            owner_user_id, created_at)
                        values (?, ?, ?, ?, ?, true, ?, ?, ?)""")
                .params(
                        cabinetId,
                        name,
                        kind.name(),
                        cron,
                        timeZone,
                        nextRunAt == null ? null : Timestamp.from(nextRunAt),
                        ownerUserId,
                        Timestamp.from(clock.instant()))
                .update();
        return findCycle(cabinetId, name).orElseThrow().id();
    }

    Optional<Cycle> findCycle(long cabinetId, String name) {
        return jdbc.sql("select * from batch_cycle where cabinet_id = ? and name = ?")
                .params(cabinetId, name)
                .query(CYCLE)
                .optional();
    }

    List<Cycle> listCycles(long cabinetId) {
        return jdbc.sql("select * from batch_cycle where cabinet_id = ? order by name")
                .param(cabinetId)
                .query(CYCLE)
                .list();
    }

    void deleteCycle(long cycleId) {
        jdbc.sql("delete from batch_cycle where id = ?").param(cycleId).update();
    }

    boolean hasInstances(long cycleId) {
        return jdbc.sql(
                                "select count(*) from batch_instance i join batch_job j on j.id = i.job_id where j.cycle_id = ?")
                        .param(cycleId)
                        .query(Long.class)
                        .single()
                > 0;
    }

    /** Cycles whose next run is due, locked so that one instance of the server fires each. */
    List<Cycle> lockDueCycles(Instant now) {
        return jdbc.sql("select * from batch_cycle where kind = 'BATCH' and enabled = true and next_run_at <= ?"
                        + " order by next_run_at for update skip locked")
                .param(Timestamp.from(now))
                .query(CYCLE)
                .list();
    }

    void setNextRun(long cycleId, Instant nextRunAt) {
        jdbc.sql("update batch_cycle set next_run_at = ? where id = ?")
                .params(nextRunAt == null ? null : Timestamp.from(nextRunAt), cycleId)
                .update();
    }

    void addJob(long cycleId, Job job) {
        jdbc.sql("""
                        insert into batch_job (cycle_id, name, job_type, product_name, channel_name, data_source,
                            data_query, data_file, file_path, do_archive, skip_approval, created_at)
                        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(
                        cycleId,
                        job.name(),
                        job.type().name(),
                        job.productName(),
                        job.channelName(),
                        job.dataSource(),
                        job.dataQuery(),
                        job.dataFile(),
                        job.filePath(),
                        job.doArchive(),
                        job.skipApproval(),
                        Timestamp.from(clock.instant()))
                .update();
    }

    List<Job> jobs(long cycleId) {
        return jdbc.sql("select * from batch_job where cycle_id = ? order by name")
                .param(cycleId)
                .query(JOB)
                .list();
    }

    Optional<Job> findJob(long cycleId, String name) {
        return jdbc.sql("select * from batch_job where cycle_id = ? and name = ?")
                .params(cycleId, name)
                .query(JOB)
                .optional();
    }

    Optional<Job> job(long jobId) {
        return jdbc.sql("select * from batch_job where id = ?")
                .param(jobId)
                .query(JOB)
                .optional();
    }

    void deleteJobs(long cycleId) {
        jdbc.sql("delete from batch_job where cycle_id = ?").param(cycleId).update();
    }

    /** Creates the instance of a job for a date, or finds the one that exists. */
    Instance instance(long jobId, long cabinetId, LocalDateTime date, Long makerUserId) {
        Optional<Instance> existing = findInstance(jobId, date);
        if (existing.isPresent()) {
            return existing.get();
        }
        jdbc.sql("""
                        insert into batch_instance (job_id, cabinet_id, instance_date, maker_user_id, created_at)
                        values (?, ?, ?, ?, ?)""")
                .params(jobId, cabinetId, Timestamp.valueOf(date), makerUserId, Timestamp.from(clock.instant()))
                .update();
        return findInstance(jobId, date).orElseThrow();
    }

    Optional<Instance> findInstance(long jobId, LocalDateTime date) {
        return jdbc.sql("select * from batch_instance where job_id = ? and instance_date = ?")
                .params(jobId, Timestamp.valueOf(date))
                .query(INSTANCE)
                .optional();
    }

    Optional<Instance> instanceById(long id) {
        return jdbc.sql("select * from batch_instance where id = ?")
                .param(id)
                .query(INSTANCE)
                .optional();
    }

    /** The instances of a cycle's jobs on a calendar day, for asyncJobRetry. */
    List<Instance> instancesOn(long jobId, LocalDateTime dayStart) {
        return jdbc.sql("select * from batch_instance where job_id = ? and instance_date >= ? and instance_date < ?")
                .params(jobId, Timestamp.valueOf(dayStart), Timestamp.valueOf(dayStart.plusDays(1)))
                .query(INSTANCE)
                .list();
    }

    /** The user a spool's documents are generated for: its maker, or the cycle's owner for scheduled runs. */
    org.openccm.session.Caller actingUser(long cabinetId, long userId) {
        return jdbc.sql("select c.name, u.user_name from cabinet c join oms_user u on u.cabinet_id = c.id"
                        + " where c.id = ? and u.id = ?")
                .params(cabinetId, userId)
                .query((rs, n) -> new org.openccm.session.Caller(
                        cabinetId, rs.getString(1), userId, rs.getString(2), org.openccm.session.Role.OPERATOR))
                .single();
    }

    Optional<Cycle> cycleOfJob(long jobId) {
        return jdbc.sql("select c.* from batch_cycle c join batch_job j on j.cycle_id = c.id where j.id = ?")
                .param(jobId)
                .query(CYCLE)
                .optional();
    }

    List<Instance> instances(long jobId) {
        return jdbc.sql("select * from batch_instance where job_id = ? order by instance_date desc")
                .param(jobId)
                .query(INSTANCE)
                .list();
    }
}
