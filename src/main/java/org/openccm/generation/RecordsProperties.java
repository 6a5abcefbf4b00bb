package org.openccm.generation;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where processUsingDB products read their records.
 *
 * @param url JDBC URL of a read-only account to run record queries with; empty means a
 *     restricted account that the server creates in its own database
 * @param username that account's user
 * @param password that account's password
 * @param tables tables the self-created restricted account may read
 * @param queryTimeout longest a record query may run
 */
@ConfigurationProperties("oms.records")
public record RecordsProperties(
        @DefaultValue("") String url,
        @DefaultValue("") String username,
        @DefaultValue("") String password,
        @DefaultValue("sample_customer") List<String> tables,
        @DefaultValue("5s") Duration queryTimeout) {

    @Override
    public String toString() {
        return "RecordsProperties[url=" + url + ", username=" + username + ", password=****, tables=" + tables + "]";
    }
}
