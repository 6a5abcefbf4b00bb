package org.openccm.batch;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import javax.sql.DataSource;
import org.openccm.batch.Cycles.Cycle;
import org.openccm.batch.Cycles.Instance;
import org.openccm.batch.Cycles.Job;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Fires the cycles whose time has come. db-scheduler runs the check as one recurring task for the
 * whole installation, so of many server instances one fires a cycle; the cycle row is also locked
 * while it fires. Each firing creates the instance of every job of the cycle, dated with the
 * scheduled time, and its first spool. A server that was down over several scheduled times fires
 * the latest one once, then follows the timetable.
 */
@Component
@ConditionalOnProperty(name = "oms.batch.enabled", havingValue = "true", matchIfMissing = true)
class CycleTimetable implements SmartLifecycle, DisposableBean {
    private static final Logger log = LoggerFactory.getLogger(CycleTimetable.class);

    private final Cycles cycles;
    private final Spools spools;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final DataSource dataSource;
    private final BatchProperties properties;
    private Scheduler scheduler;
    private volatile boolean running;

    CycleTimetable(
            Cycles cycles,
            Spools spools,
            TransactionTemplate transactions,
            Clock clock,
            DataSource dataSource,
            BatchProperties properties) {
        this.cycles = cycles;
        this.spools = spools;
        this.transactions = transactions;
        this.clock = clock;
        this.dataSource = dataSource;
        this.properties = properties;
    }

    /** A db-scheduler instance cannot start again once stopped, so each start builds one. */
    private Scheduler newScheduler() {
        RecurringTask<Void> tick = Tasks.recurring("cycle-timetable", FixedDelay.of(properties.timetableInterval()))
                .execute((instance, context) -> fireDueCycles());
        return Scheduler.create(dataSource)
                .startTasks(tick)
                .threads(1)
                .pollingInterval(properties.timetableInterval().dividedBy(2))
                .build();
    }

    /** The next time after {@code after} that the cron timetable names, in the cycle's zone. */
    static Instant nextRun(String cron, String timeZone, Instant after) {
        ZonedDateTime next = CronExpression.parse(cron).next(after.atZone(ZoneId.of(timeZone)));
        return next == null ? null : next.toInstant();
    }

    /** Accepts the five fields of classic cron as well as Spring's six (seconds first). */
    static String normalise(String cron) {
        String trimmed = cron.strip();
        return trimmed.split("\\s+").length == 5 ? "0 " + trimmed : trimmed;
    }

    /** The latest scheduled time that has come: runs missed while no server was up are not repeated. */
    private static Instant latestDue(Cycle cycle, Instant now) {
        Instant due = cycle.nextRunAt();
        if (cycle.cron() == null) {
            return due;
        }
        for (int i = 0; i < 100_000; i++) {
            Instant next = nextRun(cycle.cron(), cycle.timeZone(), due);
            if (next == null || next.isAfter(now)) {
                return due;
            }
            due = next;
        }
        return due;
    }

    /** Fires every due cycle; returns how many instances it created. */
    int fireDueCycles() {
        Integer created = transactions.execute(status -> {
            int count = 0;
            Instant now = clock.instant();
            List<Cycle> due = cycles.lockDueCycles(now);
            for (Cycle cycle : due) {
                LocalDateTime date = LocalDateTime.ofInstant(latestDue(cycle, now), ZoneId.of(cycle.timeZone()));
                for (Job job : cycles.jobs(cycle.id())) {
                    Instance instance = cycles.instance(job.id(), cycle.cabinetId(), date, null);
                    if (spools.ofInstance(instance.id()).isEmpty()) {
                        spools.create(instance.id(), cycle.cabinetId(), null, null, null, null);
                        count++;
                    }
                }
                cycles.setNextRun(cycle.id(), nextRun(cycle.cron(), cycle.timeZone(), now));
                log.info("Cycle {} fired for {}", cycle.name(), date);
            }
            return count;
        });
        return created == null ? 0 : created;
    }

    @Override
    public synchronized void start() {
        if (!running) {
            scheduler = newScheduler();
            scheduler.start();
            running = true;
        }
    }

    @Override
    public synchronized void stop() {
        if (running) {
            scheduler.stop();
            running = false;
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public void destroy() {
        stop();
    }
}
