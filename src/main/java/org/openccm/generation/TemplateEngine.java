package org.openccm.generation;

import freemarker.core.OutputFormat;
import freemarker.core.TemplateClassResolver;
import freemarker.template.Configuration;
import freemarker.template.SimpleObjectWrapper;
import freemarker.template.Template;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;
import freemarker.template.TemplateMethodModelEx;
import freemarker.template.TemplateModel;
import freemarker.template.TemplateModelException;
import freemarker.template.TemplateSequenceModel;
import freemarker.template.utility.DeepUnwrap;
import java.io.IOException;
import java.io.StringReader;
import java.io.Writer;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * FreeMarker, locked down so that a template can read its data and nothing else: no class
 * instantiation ({@code ?new}), no Java API access ({@code ?api}), no template loader (so no
 * include or import of files), and a wrapper that exposes only maps, lists and plain values.
 * Output is XHTML with every data value escaped. Compiled templates are cached by key; a key
 * names immutable content (a template version id), so entries never go stale.
 */
final class TemplateEngine {
    private final Configuration configuration;
    private static final int CACHED_TEMPLATES = 500;

    private final Map<String, Template> compiled = Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Template> eldest) {
            return size() > CACHED_TEMPLATES;
        }
    });
    private final int maxOutputChars;

    /** @param maxOutputChars largest output one rendering may produce; past it the rendering fails */
    TemplateEngine(int maxOutputChars, OutputFormat outputFormat) {
        this.maxOutputChars = maxOutputChars;
        configuration = new Configuration(Configuration.VERSION_2_3_34);
        configuration.setObjectWrapper(new SimpleObjectWrapper(Configuration.VERSION_2_3_34));
        configuration.setNewBuiltinClassResolver(TemplateClassResolver.ALLOWS_NOTHING_RESOLVER);
        configuration.setAPIBuiltinEnabled(false);
        configuration.setTemplateLoader(null);
        configuration.setLocalizedLookup(false);
        configuration.setOutputFormat(outputFormat);
        configuration.setAutoEscapingPolicy(Configuration.ENABLE_IF_DEFAULT_AUTO_ESCAPING_POLICY);
        configuration.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
        configuration.setLogTemplateExceptions(false);
        configuration.setWrapUncheckedExceptions(true);
        configuration.setFallbackOnNullLoopVariable(false);
        configuration.setDefaultEncoding("UTF-8");
        configuration.setNumberFormat("0.######");
        configuration.setBooleanFormat("c");
    }

    /** Thrown for a template that does not compile or fails while rendering. */
    static class TemplateFailure extends RuntimeException {
        TemplateFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Compiles (once per key) and renders a template with the given model. */
    String render(String key, String source, Map<String, Object> model) {
        Template template = compiled.computeIfAbsent(key, k -> compile(k, source));
        StringBuilder out = new StringBuilder(8192);
        try {
            template.process(withFunctions(model), new BoundedWriter(out, maxOutputChars));
        } catch (TemplateException e) {
            throw new TemplateFailure(describeWithoutValues(e), e);
        } catch (IOException e) {
            throw new TemplateFailure(e.getMessage(), e);
        }
        return out.toString();
    }

    /** Checks that a template compiles, without caching it. */
    void validate(String name, String source) {
        compile(name, source);
    }

    private Template compile(String name, String source) {
        try {
            return new Template(name, new StringReader(source), configuration);
        } catch (IOException e) {
            throw new TemplateFailure("Template does not compile: " + describe(e), e);
        }
    }

    private static Map<String, Object> withFunctions(Map<String, Object> model) {
        Map<String, Object> extended = new HashMap<>(model);
        extended.put("asList", AS_LIST);
        return extended;
    }

    /**
     * Where a rendering failed and on which expression, but never the values involved: FreeMarker's
     * own messages quote data, and data is personal.
     */
    private static String describeWithoutValues(TemplateException e) {
        StringBuilder text =
                new StringBuilder("GEN_TEMPLATE_ERROR ").append(e.getClass().getSimpleName());
        if (e.getLineNumber() != null) {
            text.append(" at line ")
                    .append(e.getLineNumber())
                    .append(", column ")
                    .append(e.getColumnNumber());
        }
        String expression = e.getBlamedExpressionString();
        if (expression != null) {
            text.append(", expression ").append(expression.length() > 120 ? expression.substring(0, 120) : expression);
        }
        return text.toString();
    }

    /** Collects output up to a limit, so that a runaway template cannot fill the heap. */
    private static final class BoundedWriter extends Writer {
        private final StringBuilder target;
        private final int limit;

        BoundedWriter(StringBuilder target, int limit) {
            this.target = target;
            this.limit = limit;
        }

        @Override
        public void write(char[] buffer, int offset, int length) throws IOException {
            if (target.length() + length > limit) {
                throw new IOException(
                        "GEN_TEMPLATE_TOO_LARGE: the template produced more than " + limit + " characters");
            }
            target.append(buffer, offset, length);
        }

        @Override
        public void write(String text, int offset, int length) throws IOException {
            if (target.length() + length > limit) {
                throw new IOException(
                        "GEN_TEMPLATE_TOO_LARGE: the template produced more than " + limit + " characters");
            }
            target.append(text, offset, offset + length);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }

    private static String describe(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String firstLine = message.lines().findFirst().orElse(message);
        return firstLine.length() > 300 ? firstLine.substring(0, 300) : firstLine;
    }

    /** asList(x): a list stays a list, a single map becomes a one-item list, nothing becomes empty. */
    private static final TemplateMethodModelEx AS_LIST = arguments -> {
        if (arguments.size() != 1) {
            throw new TemplateModelException("asList takes exactly one argument");
        }
        Object argument = arguments.get(0);
        if (argument == null) {
            return List.of();
        }
        if (argument instanceof TemplateSequenceModel) {
            return argument;
        }
        return List.of(DeepUnwrap.unwrap((TemplateModel) argument));
    };
}
