package org.openccm.support;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.openccm.OpenCcmApplication;

/**
 * Further server instances in processes of their own, on the test's PostgreSQL schema and data
 * folder, for the tests that kill one; with the SMTP server those tests mail to. Close it after
 * the class: it ends every process it started.
 */
public final class ServerProcesses implements AutoCloseable {
    private final String schema;
    private final Path dataDir;
    private final List<Process> processes = new ArrayList<>();
    private final List<Path> logs = new ArrayList<>();

    public ServerProcesses(String schema, Path dataDir) {
        this.schema = schema;
        this.dataDir = dataDir;
    }

    /** A GreenMail SMTP server on 127.0.0.1 and a free port, already started. */
    public static GreenMail startSmtp() {
        GreenMail smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        return smtp;
    }

    /** Starts an instance with the common settings plus {@code settings} (each {@code --name=value}). */
    public Process start(String heap, List<String> settings) throws IOException {
        String url = System.getProperty("test.postgres.url", "jdbc:postgresql://127.0.0.1:5432/test")
                + "?currentSchema=" + schema;
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap,
                "-cp",
                System.getProperty("java.class.path"),
                OpenCcmApplication.class.getName(),
                "--server.address=127.0.0.1",
                "--oms.storage.data-dir=" + dataDir,
                "--spring.datasource.url=" + url,
                "--spring.datasource.username=" + System.getProperty("test.postgres.user", "postgres"),
                "--spring.datasource.password=",
                "--spring.flyway.enabled=false",
                "--spring.datasource.hikari.minimum-idle=1",
                "--spring.datasource.hikari.maximum-pool-size=8",
                "--logging.level.root=WARN"));
        command.addAll(settings);
        Path log = Files.createTempFile("server-instance", ".log");
        logs.add(log);
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        processes.add(process);
        return process;
    }

    /** The last lines of every instance's log, for assertion messages. */
    public String logTails(int lines) throws IOException {
        StringBuilder text = new StringBuilder();
        for (Path log : logs) {
            List<String> all = Files.readAllLines(log);
            text.append(String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size())));
        }
        return text.toString();
    }

    @Override
    public void close() {
        processes.forEach(Process::destroyForcibly);
    }
}
