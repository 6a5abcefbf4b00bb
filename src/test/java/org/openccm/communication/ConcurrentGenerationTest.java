package org.openccm.communication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openccm.communication.GenerationApiTest.XML;
import static org.openccm.communication.GenerationApiTest.sample;
import static org.openccm.communication.GenerationApiTest.withoutDeliveryOrArchival;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.openccm.session.Role;
import org.openccm.support.ApiTestBase;
import tools.jackson.databind.node.ObjectNode;

class ConcurrentGenerationTest extends ApiTestBase {

    @Test
    void fiftyParallelRequestsGetDistinctIdsAndTheirOwnFiles() throws Exception {
        String session = sessionOfNewUser(Role.OPERATOR);
        ExecutorService clients = Executors.newFixedThreadPool(50);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Answer>> answers = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            ObjectNode body = withoutDeliveryOrArchival(sample("process-xml.json"));
            body.put("communicationId", Integer.toString(i + 1));
            body.put("filePath", "parallel");
            String json = json(body);
            answers.add(clients.submit(() -> {
                start.await();
                return post(XML, auth(session), json);
            }));
        }

        start.countDown();

        Set<String> requestIds = new HashSet<>();
        Set<String> files = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            Answer answer = answers.get(i).get();
            assertThat(answer.body().get("status").asInt()).as(answer.raw()).isZero();
            assertThat(answer.text("communicationId")).isEqualTo(Integer.toString(i + 1));
            requestIds.add(answer.text("requestId"));
            files.add(answer.text("filePathName"));
            assertThat(outputFile(answer.text("filePathName"))).isNotEmptyFile();
        }
        clients.shutdown();
        assertThat(requestIds).hasSize(50);
        assertThat(files).hasSize(50);
    }
}
