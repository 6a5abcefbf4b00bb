package org.openccm.admin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.openccm.session.Directory;
import org.openccm.session.Directory.Cabinet;
import org.openccm.session.Role;
import org.openccm.shared.security.Tokens;
import org.openccm.storage.StorageProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * On the first start against an empty database, creates the first cabinet with its supervisor
 * and loads the samples. Safe when several instances start together: the loser of the race finds
 * the cabinet taken and leaves it alone.
 */
@Component
@Order(1)
class BootstrapFirstCabinet implements ApplicationRunner {
    private static final Logger log = LoggerFactory.getLogger(BootstrapFirstCabinet.class);
    static final String CREDENTIALS_FILE = "bootstrap-credentials.txt";

    private final Directory directory;
    private final BootstrapProperties properties;
    private final StorageProperties storage;
    private final SampleLoader samples;
    private final TransactionTemplate transactions;

    BootstrapFirstCabinet(
            Directory directory,
            BootstrapProperties properties,
            StorageProperties storage,
            SampleLoader samples,
            TransactionTemplate transactions) {
        this.transactions = transactions;
        this.directory = directory;
        this.properties = properties;
        this.storage = storage;
        this.samples = samples;
    }

    /**
     * One transaction: a crash half-way leaves an empty database, so the next start tries again;
     * an instance that loses the race to another finds the cabinet taken and leaves it alone.
     */
    @Override
    public void run(ApplicationArguments args) throws IOException {
        if (directory.hasAnyCabinet()) {
            return;
        }
        boolean generated = properties.password().isEmpty();
        String password = generated ? strongPassword() : properties.password();
        Cabinet cabinet;
        try {
            cabinet = transactions.execute(status -> createFirstCabinet(password));
        } catch (DuplicateKeyException raced) {
            log.info("Another instance created the first cabinet; nothing to bootstrap");
            return;
        }
        log.info("Created cabinet {} with supervisor {}", cabinet.name(), properties.username());
        if (generated) {
            Path file = writeOwnerOnly(
                    storage.dataDir().resolve(CREDENTIALS_FILE),
                    "cabinet=" + cabinet.name() + "\nusername=" + properties.username() + "\npassword=" + password
                            + "\n");
            // Printed once, on purpose, to the console (set OMS_BOOTSTRAP_PASSWORD where the console is a log).
            System.out.println("\n=== OpenCCM first start: cabinet '" + cabinet.name() + "', supervisor '"
                    + properties.username() + "', generated password: " + password + "\n=== (also written to "
                    + file.toAbsolutePath() + ", readable by this user only)\n");
        }
    }

    private Cabinet createFirstCabinet(String password) {
        Cabinet cabinet = directory.createCabinet(properties.cabinet());
        directory.createUser(cabinet.id(), properties.username(), password, Role.SUPERVISOR);
        if (properties.loadSamples()) {
            try {
                samples.load(cabinet);
            } catch (IOException e) {
                throw new UncheckedIOException("The samples cannot be read", e);
            }
        }
        return cabinet;
    }

    private static String strongPassword() {
        return Tokens.randomUrlSafe(18);
    }

    private static Path writeOwnerOnly(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            log.warn("The file system has no POSIX permissions; restrict access to {} by hand", file);
            Files.createFile(file);
        }
        try (Writer writer =
                Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING)) {
            writer.write(content);
        }
        return file;
    }
}
