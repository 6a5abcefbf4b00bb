package org.openccm.datasource;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Limits of the per-cabinet data sources.
 *
 * @param queryTimeout longest a record query for one masterKey may run
 * @param streamTimeout longest a streamed query (all rows of a batch) may run
 * @param connectionTimeout longest a caller waits for a connection before the query fails
 * @param maxPoolSize the largest pool size a supervisor may give one data source
 * @param allowedHosts host names or addresses a data source URL may name; empty allows any
 */
@ConfigurationProperties("oms.datasources")
public record DataSourcesProperties(
        @DefaultValue("5s") Duration queryTimeout,
        @DefaultValue("30m") Duration streamTimeout,
        @DefaultValue("5s") Duration connectionTimeout,
        @DefaultValue("20") int maxPoolSize,
        @DefaultValue("") List<String> allowedHosts) {

    public DataSourcesProperties {
        if (maxPoolSize < 1) {
            throw new IllegalArgumentException("oms.datasources.max-pool-size must be at least 1");
        }
        if (queryTimeout.isNegative() || streamTimeout.isNegative() || connectionTimeout.toMillis() < 250) {
            throw new IllegalArgumentException(
                    "oms.datasources timeouts must not be negative; connection-timeout is at least 250ms");
        }
    }

    /** The allowed hosts in lower case, blanks dropped. */
    Set<String> allowedHostSet() {
        return allowedHosts == null
                ? Set.of()
                : allowedHosts.stream()
                        .map(String::strip)
                        .filter(host -> !host.isEmpty())
                        .map(host -> host.toLowerCase(Locale.ROOT))
                        .collect(Collectors.toUnmodifiableSet());
    }
}
