package org.openccm;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The single deployable that serves the four OMS services. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class OpenCcmApplication {
    public static void main(String[] args) {
        SpringApplication.run(OpenCcmApplication.class, args);
    }
}
