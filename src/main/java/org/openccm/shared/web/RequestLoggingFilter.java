package org.openccm.shared.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Gives every HTTP call a trace id (taken from X-Request-Id when the caller sends a sane one),
 * puts it in the MDC and logs one line per call with the outcome and duration. Bodies, headers
 * and credentials are never logged.
 */
@Component
public class RequestLoggingFilter extends OncePerRequestFilter {
    private static final Logger log = LoggerFactory.getLogger(RequestLoggingFilter.class);
    public static final String TRACE_ID = "traceId";

    /** Request attribute holding the contract's result code of the call, for the end-of-call line. */
    public static final String OUTCOME_ATTRIBUTE = "oms.outcome";

    /**
     * The contract's clients read JSON whatever they send in Accept (A09: every outcome is HTTP
     * 200 with a JSON body), so the OMS operations answer JSON to any Accept header.
     */
    private static final class JsonOnly extends HttpServletRequestWrapper {
        JsonOnly(HttpServletRequest request) {
            super(request);
        }

        @Override
        public String getHeader(String name) {
            return "Accept".equalsIgnoreCase(name) ? "application/json" : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return "Accept".equalsIgnoreCase(name)
                    ? Collections.enumeration(List.of("application/json"))
                    : super.getHeaders(name);
        }
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String traceId = request.getHeader("X-Request-Id");
        if (traceId == null || !traceId.matches("[A-Za-z0-9._-]{1,64}")) {
            traceId = UUID.randomUUID().toString();
        }
        long started = System.nanoTime();
        MDC.put(TRACE_ID, traceId);
        response.setHeader("X-Request-Id", traceId);
        try {
            chain.doFilter(request.getRequestURI().startsWith("/OMS") ? new JsonOnly(request) : request, response);
        } finally {
            long millis = (System.nanoTime() - started) / 1_000_000;
            Object outcome = request.getAttribute(OUTCOME_ATTRIBUTE);
            log.info(
                    "{} {} answered HTTP {} with result {} in {} ms",
                    request.getMethod(),
                    request.getRequestURI(),
                    response.getStatus(),
                    outcome == null ? "-" : outcome,
                    millis);
            MDC.clear();
        }
    }
}
