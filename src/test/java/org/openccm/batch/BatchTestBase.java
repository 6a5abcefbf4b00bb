package org.openccm.batch;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.openccm.support.ApiTestBase;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** What the batch tests share: the running batch service, a job over the sample customers, waiting for a spool. */
abstract class BatchTestBase extends ApiTestBase {
    @Autowired
    JdbcClient jdbc;

    /** Other test classes share the database and may have left the batch service stopped. */
    @BeforeEach
    void batchServiceRuns() {
        jdbc.sql("update oms_service set desired_count = 2 where work_kind = 'BATCH'")
                .update();
    }

    /** A print job over the three sample customers with PRINT1, writing under batch/{folder}. */
    static Map<String, Object> sampleCustomerJob(String name, String folder) {
        Map<String, Object> job = new LinkedHashMap<>();
        job.put("name", name);
        job.put("type", "P");
        job.put("productName", "PRINT1");
        job.put("dataQuery", "select * from sample_customer order by customer_no");
        job.put("filePath", "batch/" + folder);
        return job;
    }

    /** Polls the spool until it reaches the state, failing after 90 seconds. */
    JsonNode awaitSpool(String session, String spoolId, String state) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        JsonNode spool;
        do {
            spool = get("/admin/spools/" + spoolId, auth(session)).body();
            if (state.equals(spool.get("state").asString())) {
                return spool;
            }
            sleep(200);
        } while (Instant.now().isBefore(deadline));
        throw new AssertionError("spool " + spoolId + " stayed " + spool);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
