package org.openccm.storage;

import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Chooses where generated output lives: an S3-compatible bucket when one is configured, else the data folder. */
@Configuration
class OutputStoreConfiguration {
    private static final Logger log = LoggerFactory.getLogger(OutputStoreConfiguration.class);

    @Bean
    OutputStore outputStore(StorageProperties properties) throws IOException {
        if (properties.s3().isConfigured()) {
            log.info("Generated output goes to bucket {}", properties.s3().bucket());
            return new S3OutputStore(properties.s3());
        }
        return new LocalFolderStore(properties);
    }
}
