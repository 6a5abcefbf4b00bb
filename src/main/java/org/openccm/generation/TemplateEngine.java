package org.openccm.generation;

import freemarker.core.TemplateClassResolver;
import freemarker.core.XHTMLOutputFormat;
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
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * FreeMarker, locked down so that a template can read its data and nothing else: no class
 * instantiation ({@code ?new}), no Java API access ({@code ?api}), no template loader (so no
 * include or import of files), and a wrapper that exposes only maps, lists and plain values.
 * Output is XHTML with every data value escaped. Compiled templates are cached by key; a key
 * names immutable content (a template version id), so entries never go stale.
 */
final class TemplateEngine {
    private final Configuration configuration;
    private final Map<String, Template> compiled = new ConcurrentHashMap<>();

    TemplateEngine() {
        configuration = new Configuration(Configuration.VERSION_2_3_34);
        configuration.setObjectWrapper(new SimpleObjectWrapper(Configuration.VERSION_2_3_34));
        configuration.setNewBuiltinClassResolver(TemplateClassResolver.ALLOWS_NOTHING_RESOLVER);
        configuration.setAPIBuiltinEnabled(false);
        configuration.setTemplateLoader(null);
        configuration.setLocalizedLookup(false);
        configuration.setOutputFormat(XHTMLOutputFormat.INSTANCE);
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
        StringWriter out = new StringWriter(8192);
        try {
            template.process(withFunctions(model), out);
        } catch (TemplateException | IOException e) {
            throw new TemplateFailure(describe(e), e);
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
        Map<String, Object> extended = new java.util.HashMap<>(model);
        extended.put("asList", AS_LIST);
        return extended;
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
