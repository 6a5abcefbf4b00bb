package org.openccm.communication;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The work queue of queued archival and delivery.
 *
 * @param enabled whether this instance runs queue workers
 * @param pollInterval how often an idle worker looks for due work
 * @param workers items of one claimed batch processed at once
 * @param batchSize items claimed at a time
 * @param lease how long a claimed item stays with its worker; then another worker may take it
 * @param firstRetryDelay wait before the second attempt; it doubles with every further attempt
 * @param maxAttempts attempts before an item is left FAILED for the Retry API
 */
@ConfigurationProperties("oms.queue")
record QueueProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("1s") Duration pollInterval,
        @DefaultValue("4") int workers,
        @DefaultValue("16") int batchSize,
        @DefaultValue("10m") Duration lease,
        @DefaultValue("30s") Duration firstRetryDelay,
        @DefaultValue("6") int maxAttempts) {}
