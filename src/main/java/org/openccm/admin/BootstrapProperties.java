package org.openccm.admin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What the first start on an empty database creates.
 *
 * @param cabinet name of the first cabinet (OMS_BOOTSTRAP_CABINET)
 * @param username its supervisor (OMS_BOOTSTRAP_USERNAME)
 * @param password the supervisor's password (OMS_BOOTSTRAP_PASSWORD); when empty a strong one is
 *     generated, printed once and written to an owner-only file in the data folder
 * @param loadSamples load the sample products, channels and data into the first cabinet
 */
@ConfigurationProperties("oms.bootstrap")
public record BootstrapProperties(
        @DefaultValue("omsCabinetName") String cabinet,
        @DefaultValue("supervisor") String username,
        @DefaultValue("") String password,
        @DefaultValue("true") boolean loadSamples) {

    @Override
    public String toString() {
        return "BootstrapProperties[cabinet=" + cabinet + ", username=" + username + ", password=****]";
    }
}
