package org.openccm.admin;

import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openccm.datasource.DataSources;
import org.openccm.delivery.Channels;
import org.openccm.session.Authenticator;
import org.openccm.session.Caller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Seals the stored channel and data source secrets again under the current secrets key, the
 * second step of a key rotation (see {@code SecretBox}). A supervisor does it for his cabinet with
 * {@code POST /admin/secrets/reseal}; with {@code oms.secrets.reseal-on-start} an instance does it
 * for every cabinet when it starts. Either is safe to repeat and to run on several instances at
 * once: a value already sealed with the current key is left alone, and a value changed meanwhile
 * is not overwritten.
 */
@RestController
class ResealSecrets implements ApplicationRunner {
    private static final Logger log = LoggerFactory.getLogger(ResealSecrets.class);

    private final Authenticator authenticator;
    private final Channels channels;
    private final DataSources dataSources;
    private final boolean onStart;

    ResealSecrets(
            Authenticator authenticator,
            Channels channels,
            DataSources dataSources,
            @Value("${oms.secrets.reseal-on-start:false}") boolean onStart) {
        this.authenticator = authenticator;
        this.channels = channels;
        this.dataSources = dataSources;
        this.onStart = onStart;
    }

    @PostMapping(path = "/admin/secrets/reseal", produces = "application/json")
    Map<String, Object> resealCabinet(HttpServletRequest request) {
        Caller caller = authenticator.requireSupervisor(request);
        return reseal(caller.cabinetId());
    }

    @Override
    public void run(ApplicationArguments arguments) {
        if (onStart) {
            reseal(null);
        }
    }

    /** @param cabinetId one cabinet, or every cabinet when null */
    Map<String, Object> reseal(Long cabinetId) {
        int channelCount = channels.resealSecrets(cabinetId);
        int dataSourceCount = dataSources.resealPasswords(cabinetId);
        log.info(
                "Secrets sealed again under the current key for {}: {} channels, {} data sources",
                cabinetId == null ? "every cabinet" : "cabinet " + cabinetId,
                channelCount,
                dataSourceCount);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("channels", channelCount);
        answer.put("dataSources", dataSourceCount);
        return answer;
    }
}
