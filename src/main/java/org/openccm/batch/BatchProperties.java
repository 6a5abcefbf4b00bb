package org.openccm.batch;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Batch spooling settings ({@code oms.batch.*}).
 *
 * @param enabled whether this instance works on spools at all
 * @param pollInterval how often idle workers look for work
 * @param chunkSize records per chunk, the unit that workers of every instance share
 * @param maxWorkers the most chunk workers on this instance; the Batchgen service's ServiceCount
 *     sets how many of them run
 * @param lease how long a claimed chunk or spool stays with its worker before another takes over
 * @param printVolumeSize documents per merged print file; an instance with more gets several
 *     volumes, so that merging keeps a bounded amount in memory
 * @param maxUploadBytes the largest data file a job accepts
 * @param timetableInterval how often the cycle timetable is checked for due runs
 */
@ConfigurationProperties("oms.batch")
record BatchProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("1s") Duration pollInterval,
        @DefaultValue("100") int chunkSize,
        @DefaultValue("4") int maxWorkers,
        @DefaultValue("10m") Duration lease,
        @DefaultValue("1000") int printVolumeSize,
        @DefaultValue("536870912") long maxUploadBytes,
        @DefaultValue("30s") Duration timetableInterval) {
    BatchProperties {
        if (chunkSize < 1 || chunkSize > 10_000 || maxWorkers < 1 || maxWorkers > 99 || printVolumeSize < 1) {
            throw new IllegalArgumentException(
                    "oms.batch: chunk-size 1-10000, max-workers 1-99 and print-volume-size >= 1 are required");
        }
    }
}
