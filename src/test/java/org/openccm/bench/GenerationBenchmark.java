package org.openccm.bench;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.openccm.OpenCcmApplication;
import org.openccm.generation.DocumentGenerator;
import org.openccm.generation.Product;
import org.openccm.generation.ProductCatalog;
import org.openccm.generation.RecordData;
import org.openccm.generation.TemplateVersion;
import org.openccm.session.Directory;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Measures the PDF_MAIL sample letter (a) rendered in-process (XML parse, template, layout to PDF)
 * and (b) through processUsingXML over HTTP, each with 1, 2, 4 and 8 concurrent callers: documents
 * per second, p50 and p99 latency and the peak heap of the phase. Run it with bench/run.sh.
 *
 * <p>System properties: bench.seconds (measured seconds per step, default 10), bench.warmup
 * (warm-up seconds per step, default 5), bench.threads (default 1,2,4,8).
 */
public final class GenerationBenchmark {
    static final String XML = "<Root><Message1>FOR INTERNAL USE ONLY</Message1><Message2>NEWGEN SOFTWARE TECHNOLOGY"
            + " LIMITED</Message2><Message3>speed and agility.</Message3><GroupingElement><Int_Element>100"
            + "</Int_Element><String_Element>email.sender@newgensoft.com</String_Element><Decimal_Element>11330.0"
            + "</Decimal_Element><Date_Element>2022-01-01</Date_Element><Boolean_Element>true</Boolean_Element>"
            + "</GroupingElement><GroupingElement><Int_Element>20</Int_Element><String_Element>String2"
            + "</String_Element><Decimal_Element>1320.1</Decimal_Element><Date_Element>2022-02-01</Date_Element>"
            + "<Boolean_Element>true</Boolean_Element></GroupingElement><GroupingElement><Int_Element>33"
            + "</Int_Element><String_Element>String3</String_Element><Decimal_Element>1034.01</Decimal_Element>"
            + "<Date_Element>2022-03-01</Date_Element><Boolean_Element>false</Boolean_Element>"
            + "</GroupingElement></Root>";

    private GenerationBenchmark() {}

    /** One task the load loop repeats; returns normally on success. */
    interface Call {
        void run() throws Exception;
    }

    record Result(String path, int threads, long documents, double seconds, List<Long> latenciesNanos, long peakHeap) {
        double perSecond() {
            return documents / seconds;
        }

        double percentileMillis(double p) {
            if (latenciesNanos.isEmpty()) {
                return Double.NaN;
            }
            int index = (int) Math.ceil(p * latenciesNanos.size()) - 1;
            return latenciesNanos.get(Math.max(0, index)) / 1e6;
        }
    }

    public static void main(String[] args) throws Exception {
        int seconds = Integer.getInteger("bench.seconds", 10);
        int warmup = Integer.getInteger("bench.warmup", 5);
        int[] threadCounts = java.util.Arrays.stream(
                        System.getProperty("bench.threads", "1,2,4,8").split(","))
                .mapToInt(Integer::parseInt)
                .toArray();
        Path dataDir = Files.createTempDirectory("openccm-bench");
        String password = "bench-" + System.nanoTime();
        ConfigurableApplicationContext context = SpringApplication.run(
                OpenCcmApplication.class,
                "--server.port=0",
                "--oms.storage.data-dir=" + dataDir,
                "--oms.bootstrap.username=bench",
                "--oms.bootstrap.password=" + password,
                "--logging.level.org.openccm=WARN",
                "--oms.queue.poll-interval=20ms",
                "--oms.queue.batch-size=50",
                "--logging.level.root=WARN");
        try {
            int port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
            Directory.Cabinet cabinet = context.getBean(Directory.class)
                    .findCabinet("omsCabinetName")
                    .orElseThrow();
            ProductCatalog catalog = context.getBean(ProductCatalog.class);
            DocumentGenerator generator = context.getBean(DocumentGenerator.class);
            Product product = catalog.find(cabinet.id(), "PDF_MAIL").orElseThrow();
            TemplateVersion version = catalog.latestBaselined(product).orElseThrow();
            Map<String, String> facts = Map.of(
                    "productName", "PDF_MAIL",
                    "requestId", "1",
                    "communicationId", "",
                    "generatedDate", "2026-01-01",
                    "cabinetName", cabinet.name(),
                    "version", "1");
            Call inProcess =
                    () -> generator.render(product, version, RecordData.fromXml(XML, 64, 10_000, 65_536), facts);

            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            String sessionId = connect(http, port, password);
            String body = "{\"attachmentsLocation\":\"\",\"doArchive\":\"N\",\"encodedPDFRequired\":\"N\","
                    + "\"fileName\":\"PDF_MAIL\",\"filePath\":\"PDF_MAIL_PATH\",\"productName\":\"PDF_MAIL\","
                    + "\"reportVersion\":\"\",\"sendMail\":\"N\",\"skipApproval\":\"Y\",\"skipEditing\":\"Y\","
                    + "\"xmlData\":\"" + XML + "\",\"sendWhatsapp\":\"N\",\"channelName\":\"mailChannelName\"}";
            HttpRequest request = HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/OMSCommunicationService/processUsingXML"))
                    .header("cabinetName", "omsCabinetName")
                    .header("sessionId", sessionId)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build();
            Call overHttp = () -> {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200 || !response.body().startsWith("{\"status\":0")) {
                    throw new IllegalStateException("Unexpected answer: " + response.body());
                }
            };

            List<Result> results = new ArrayList<>();
            for (int threads : threadCounts) {
                results.add(measure("in-process render", threads, inProcess, warmup, seconds));
                results.add(measure("HTTP processUsingXML", threads, overHttp, warmup, seconds));
            }
            print(results);
            int mails = Integer.getInteger("bench.mails", 500);
            if (mails > 0) {
                measureQueuedMail(context, http, port, sessionId, mails);
            }
        } finally {
            context.close();
        }
    }

    /**
     * Queued mail delivery: generates the letters with sendMail Y while the queue is held back,
     * releases all items at once and times the workers until an SMTP server (GreenMail, on
     * 127.0.0.1) has received every mail with its PDF attached.
     */
    private static void measureQueuedMail(
            ConfigurableApplicationContext context, HttpClient http, int port, String sessionId, int mails)
            throws Exception {
        JdbcClient jdbc = context.getBean(JdbcClient.class);
        GreenMail smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        try {
            String channel = "{\"name\":\"BENCH_SMTP\",\"type\":\"MAIL\",\"settings\":{\"transport\":\"SMTP\","
                    + "\"host\":\"127.0.0.1\",\"port\":\"" + smtp.getSmtp().getPort() + "\",\"security\":\"NONE\","
                    + "\"fallbackRecipient\":\"reader@example.com\"}}";
            http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/admin/channels"))
                            .header("cabinetName", "omsCabinetName")
                            .header("sessionId", sessionId)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(channel))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            String body = "{\"doArchive\":\"N\",\"fileName\":\"MAILBENCH\",\"filePath\":\"mailbench\","
                    + "\"productName\":\"PDF_MAIL\",\"sendMail\":\"Y\",\"skipApproval\":\"Y\",\"skipEditing\":\"Y\","
                    + "\"xmlData\":\"" + XML + "\",\"channelName\":\"BENCH_SMTP\"}";
            Timestamp later = Timestamp.from(java.time.Instant.now().plusSeconds(3600));
            jdbc.sql("update work_item set next_attempt_at = ? where state = 'PENDING'")
                    .param(later)
                    .update();
            for (int i = 0; i < mails; i++) {
                http.send(
                        HttpRequest.newBuilder(URI.create(
                                        "http://127.0.0.1:" + port + "/OMSCommunicationService/processUsingXML"))
                                .header("cabinetName", "omsCabinetName")
                                .header("sessionId", sessionId)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                jdbc.sql("update work_item set next_attempt_at = ? where state = 'PENDING'")
                        .param(later)
                        .update();
            }
            System.gc();
            HeapMeter.reset();
            int deliveredEarly = smtp.getReceivedMessages().length;
            long started = System.nanoTime();
            jdbc.sql("update work_item set next_attempt_at = ? where state = 'PENDING'")
                    .param(Timestamp.from(java.time.Instant.now()))
                    .update();
            long deadline = started + 600_000_000_000L;
            while (smtp.getReceivedMessages().length < mails && System.nanoTime() < deadline) {
                smtp.waitForIncomingEmail(1000, mails);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            int received = smtp.getReceivedMessages().length - deliveredEarly;
            System.out.printf(
                    "%nQueued mail over SMTP (PDF attached, default 4 workers): %d of %d mails in %.1f s = %.1f mails/s,"
                            + " peak heap %.1f MB%n",
                    received, mails - deliveredEarly, seconds, received / seconds, HeapMeter.peak() / 1024.0 / 1024.0);
        } finally {
            smtp.stop();
        }
    }

    private static String connect(HttpClient http, int port, String password) throws Exception {
        HttpRequest login = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/OMSSessionManagement/connectCabinet"))
                .header("cabinetName", "omsCabinetName")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"userName\":\"bench\",\"userPassword\":\"" + password
                        + "\",\"connectForcefully\":\"Y\",\"encrFlag\":\"N\"}"))
                .build();
        String answer = http.send(login, HttpResponse.BodyHandlers.ofString()).body();
        int start = answer.indexOf("\"sessionId\":\"") + 13;
        return answer.substring(start, answer.indexOf('"', start));
    }

    private static Result measure(String path, int threads, Call call, int warmupSeconds, int seconds)
            throws Exception {
        run(threads, call, warmupSeconds);
        System.gc();
        HeapMeter.reset();
        long started = System.nanoTime();
        List<Long> latencies = run(threads, call, seconds);
        double elapsed = (System.nanoTime() - started) / 1e9;
        Collections.sort(latencies);
        return new Result(path, threads, latencies.size(), elapsed, latencies, HeapMeter.peak());
    }

    private static List<Long> run(int threads, Call call, int seconds) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicBoolean stop = new AtomicBoolean();
        List<Future<List<Long>>> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            workers.add(pool.submit(() -> {
                List<Long> latencies = new ArrayList<>();
                while (!stop.get()) {
                    long start = System.nanoTime();
                    call.run();
                    latencies.add(System.nanoTime() - start);
                }
                return latencies;
            }));
        }
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        timer.schedule(() -> stop.set(true), seconds, TimeUnit.SECONDS);
        timer.shutdown();
        List<Long> all = new ArrayList<>();
        for (Future<List<Long>> worker : workers) {
            all.addAll(worker.get());
        }
        pool.shutdown();
        return all;
    }

    private static void print(List<Result> results) {
        System.out.printf(
                "%n%-22s %7s %10s %9s %9s %12s%n", "path", "clients", "docs/s", "p50 ms", "p99 ms", "peak heap MB");
        for (Result result : results) {
            System.out.printf(
                    "%-22s %7d %10.1f %9.2f %9.2f %12.1f%n",
                    result.path(),
                    result.threads(),
                    result.perSecond(),
                    result.percentileMillis(0.50),
                    result.percentileMillis(0.99),
                    result.peakHeap() / 1024.0 / 1024.0);
        }
        for (int i = 0; i + 1 < results.size(); i += 2) {
            System.out.printf(
                    "HTTP / in-process at %d clients: %.0f%%%n",
                    results.get(i).threads(),
                    100 * results.get(i + 1).perSecond() / results.get(i).perSecond());
        }
    }
}
