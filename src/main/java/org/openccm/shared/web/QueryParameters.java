package org.openccm.shared.web;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.openccm.shared.errors.OmsException;

/** Reads the query parameters of the admin API's searches, refusing bad values with 541. */
public final class QueryParameters {
    private QueryParameters() {}

    /** A whole number, or null when the parameter is absent or empty. */
    public static Long whole(String name, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (!value.matches("[0-9]{1,18}")) {
            throw OmsException.invalidInput(name + " must be a whole number.");
        }
        return Long.parseLong(value);
    }

    /** An ISO-8601 instant within years 1 to 9999, or null when absent or empty. */
    public static Instant instant(String name, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            Instant instant = Instant.parse(value);
            if (instant.isBefore(Instant.parse("0001-01-01T00:00:00Z"))
                    || instant.isAfter(Instant.parse("9999-12-31T23:59:59Z"))) {
                throw OmsException.invalidInput(name + " must lie between the years 1 and 9999.");
            }
            return instant;
        } catch (DateTimeParseException e) {
            throw OmsException.invalidInput(name + " must be an ISO-8601 instant such as 2026-01-31T00:00:00Z.");
        }
    }
}
