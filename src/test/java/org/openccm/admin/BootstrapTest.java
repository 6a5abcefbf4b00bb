package org.openccm.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.openccm.OpenCcmApplication;
import org.openccm.generation.ProductCatalog;
import org.openccm.session.Authenticator;
import org.openccm.session.Authenticator.LoginAttempt;
import org.openccm.session.Directory;
import org.openccm.support.TestDatabase;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** First start on an empty database, without a configured password. */
@SpringBootTest(classes = OpenCcmApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
class BootstrapTest {
    static final Path DATA_DIR = createDataDir();

    @Autowired
    Directory directory;

    @Autowired
    ProductCatalog catalog;

    @Autowired
    Authenticator authenticator;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("oms.storage.data-dir", DATA_DIR::toString);
        registry.add("oms.bootstrap.cabinet", () -> "firstCabinet");
        registry.add("oms.bootstrap.username", () -> "chief");
        registry.add("oms.bootstrap.password", () -> "");
        TestDatabase.register(registry, "_boot");
    }

    private static Path createDataDir() {
        try {
            return Files.createTempDirectory("openccm-bootstrap");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void generatedPasswordIsWrittenForTheOwnerOnlyAndWorks() throws IOException {
        Path file = DATA_DIR.resolve(BootstrapFirstCabinet.CREDENTIALS_FILE);

        assertThat(Files.getPosixFilePermissions(file))
                .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
        Properties credentials = new Properties();
        try (var reader = Files.newBufferedReader(file)) {
            credentials.load(reader);
        }
        String password = credentials.getProperty("password");
        assertThat(password).hasSizeGreaterThanOrEqualTo(24);
        assertThat(authenticator.login("firstCabinet", new LoginAttempt("chief", password, "N", "", "Y")))
                .isNotBlank();
    }

    @Test
    void samplesAreLoadedIntoTheFirstCabinet() {
        Directory.Cabinet cabinet = directory.findCabinet("firstCabinet").orElseThrow();

        assertThat(catalog.list(cabinet.id()).stream().map(product -> product.name()))
                .contains("PDF_MAIL", "MAIL", "MAIL_JSON", "PRINT1");
    }
}
