package org.openccm.batch;

import java.util.List;
import java.util.Objects;
import org.openccm.audit.AuditAction;
import org.openccm.audit.AuditTrail;
import org.openccm.batch.Cycles.Instance;
import org.openccm.batch.Spools.Spool;
import org.openccm.session.Caller;
import org.openccm.shared.errors.OmsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Maker-checker for batch instances. The maker is whoever started the instance (a user through
 * the admin API, or the timetable, which counts as nobody); the checker approves or rejects its
 * spool and must be someone else. Approval releases the spool's deliveries once it is generated.
 */
@Service
class Approvals {
    private static final Logger log = LoggerFactory.getLogger(Approvals.class);

    private final Spools spools;
    private final JdbcClient jdbc;
    private final AuditTrail audit;

    Approvals(Spools spools, JdbcClient jdbc, AuditTrail audit) {
        this.spools = spools;
        this.jdbc = jdbc;
        this.audit = audit;
    }

    private void audited(Caller checker, AuditAction action, long spoolId, String detail) {
        audit.record(checker.cabinetName(), checker.userName(), action, "jobSpoolId " + spoolId, detail);
    }

    /**
     * approveJob: spools the instance with the filter unless a waiting spool with the same filter
     * exists, and approves it for the caller.
     *
     * @return the jobSpoolId
     */
    @Transactional
    long spoolAndApprove(Caller checker, Instance instance, String filter, String communicationId) {
        lockInstance(instance.id());
        requireDifferentChecker(checker, instance.makerUserId());
        List<Spool> existing = spools.ofInstance(instance.id());
        for (Spool spool : existing) {
            if (spool.isApproved() && isOpen(spool)) {
                throw OmsException.invalidInput(
                        "This instance was approved already, as jobSpoolId " + spool.id() + ".");
            }
        }
        String normalisedFilter = filter.isBlank() ? null : filter.strip();
        for (Spool spool : existing) {
            if (isOpen(spool)) {
                requireDifferentChecker(checker, spool.makerUserId());
                if (Objects.equals(spool.filterCondition(), normalisedFilter)) {
                    spools.approve(spool.id(), checker.userId());
                    setCommunicationId(spool.id(), communicationId);
                    log.info("Spool {} approved by user id {}", spool.id(), checker.userId());
                    audited(checker, AuditAction.SPOOL_APPROVED, spool.id(), "approveJob");
                    return spool.id();
                }
                spools.reject(spool.id(), checker.userId());
                log.info("Spool {} superseded by an approval with another filter", spool.id());
                audited(
                        checker,
                        AuditAction.SPOOL_REJECTED,
                        spool.id(),
                        "superseded by approveJob with another filter");
            }
        }
        long spoolId = spools.create(
                instance.id(),
                instance.cabinetId(),
                normalisedFilter,
                instance.makerUserId(),
                checker.userId(),
                communicationId);
        log.info("Spool {} created and approved by user id {}", spoolId, checker.userId());
        audited(checker, AuditAction.SPOOL_APPROVED, spoolId, "approveJob, spooled on approval");
        return spoolId;
    }

    /** Admin approve: the spool must wait for approval, and the checker differ from its maker. */
    @Transactional
    Spool approve(Caller checker, long spoolId) {
        Spool spool = openSpool(checker, spoolId);
        spools.approve(spool.id(), checker.userId());
        log.info("Spool {} approved by user id {}", spool.id(), checker.userId());
        audited(checker, AuditAction.SPOOL_APPROVED, spool.id(), "admin API");
        return spools.byId(spoolId).orElseThrow();
    }

    @Transactional
    Spool reject(Caller checker, long spoolId) {
        Spool spool = openSpool(checker, spoolId);
        spools.reject(spool.id(), checker.userId());
        log.info("Spool {} rejected by user id {}", spool.id(), checker.userId());
        audited(checker, AuditAction.SPOOL_REJECTED, spool.id(), "admin API");
        return spools.byId(spoolId).orElseThrow();
    }

    private Spool openSpool(Caller checker, long spoolId) {
        Spool spool = spools.find(checker.cabinetId(), spoolId)
                .orElseThrow(() -> OmsException.invalidInput("No spool " + spoolId + " in this cabinet."));
        lockInstance(spool.instanceId());
        spool = spools.byId(spoolId).orElseThrow();
        if (!isOpen(spool) || spool.isApproved()) {
            throw OmsException.invalidInput(
                    "Spool " + spoolId + " is " + spool.state() + (spool.isApproved() ? ", approved" : "")
                            + "; only a spool that waits for approval can be approved or rejected.");
        }
        requireDifferentChecker(checker, spool.makerUserId());
        return spool;
    }

    private static boolean isOpen(Spool spool) {
        return spool.state() != Spools.State.REJECTED && spool.state() != Spools.State.FAILED;
    }

    private static void requireDifferentChecker(Caller checker, Long makerUserId) {
        if (makerUserId != null && makerUserId == checker.userId()) {
            throw OmsException.invalidInput(
                    "The maker of a batch instance may not approve or reject it; another user must be the checker.");
        }
    }

    private void setCommunicationId(long spoolId, String communicationId) {
        jdbc.sql("update batch_spool set communication_id = ? where id = ?")
                .params(communicationId, spoolId)
                .update();
    }

    /** Serialises approvals of one instance across every server instance. */
    private void lockInstance(long instanceId) {
        jdbc.sql("select id from batch_instance where id = ? for update")
                .param(instanceId)
                .query(Long.class)
                .single();
    }
}
