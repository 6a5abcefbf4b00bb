package org.openccm.generation;

import com.openhtmltopdf.util.Diagnostic;
import com.openhtmltopdf.util.XRLogger;
import java.util.logging.Level;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends openhtmltopdf's diagnostics to SLF4J, so that they carry the MDC and follow the log
 * format and levels of the rest of the server instead of going to a console handler of their own.
 */
final class LayoutLogBridge implements XRLogger {
    private final Logger log = LoggerFactory.getLogger("com.openhtmltopdf");

    @Override
    public void log(String where, Level level, String message) {
        log(where, level, message, null);
    }

    @Override
    public void log(String where, Level level, String message, Throwable failure) {
        if (level.intValue() >= Level.SEVERE.intValue()) {
            log.error("[{}] {}", where, message, failure);
        } else if (level.intValue() >= Level.WARNING.intValue()) {
            log.warn("[{}] {}", where, message, failure);
        } else if (level.intValue() >= Level.INFO.intValue()) {
            log.debug("[{}] {}", where, message, failure);
        } else {
            log.trace("[{}] {}", where, message, failure);
        }
    }

    @Override
    public void setLevel(String logger, Level level) {
        // levels come from the server's logging configuration
    }

    @Override
    public boolean isLogLevelEnabled(Diagnostic diagnostic) {
        return diagnostic.getLevel().intValue() >= Level.WARNING.intValue()
                ? log.isWarnEnabled()
                : log.isDebugEnabled();
    }
}
