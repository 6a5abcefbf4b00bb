package org.openccm.session;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * OAuth mode needs a registered application before anybody can log in, even to register one.
 * When the first cabinet has none, this registers one named "default" and logs its appId (an
 * identifier, not a secret). Runs after the first cabinet is created.
 */
@Component
@Order(2)
class RegisterFirstApplication implements ApplicationRunner {
    private static final Logger log = LoggerFactory.getLogger(RegisterFirstApplication.class);

    private final SessionProperties properties;
    private final Directory directory;
    private final Applications applications;
    private final String firstCabinet;

    RegisterFirstApplication(
            SessionProperties properties,
            Directory directory,
            Applications applications,
            @Value("${oms.bootstrap.cabinet:omsCabinetName}") String firstCabinet) {
        this.properties = properties;
        this.directory = directory;
        this.applications = applications;
        this.firstCabinet = firstCabinet;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (!properties.oauth()) {
            return;
        }
        directory.findCabinet(firstCabinet).ifPresent(cabinet -> {
            if (applications.list(cabinet.id()).isEmpty()) {
                Applications.Application application = applications.register(cabinet.id(), "default");
                log.info(
                        "OAuth mode: registered application 'default' with appId {} in cabinet {}",
                        application.appId(),
                        cabinet.name());
            }
        });
    }
}
