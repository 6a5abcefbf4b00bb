package org.openccm.storage;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param dataDir the data folder of the embedded default: database, generated output and the
 *     bootstrap credentials file (OMS_DATA_DIR)
 */
@ConfigurationProperties("oms.storage")
public record StorageProperties(@DefaultValue("./data") Path dataDir) {}
