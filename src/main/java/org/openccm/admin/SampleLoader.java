package org.openccm.admin;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openccm.batch.CycleDefinitions;
import org.openccm.delivery.Channels;
import org.openccm.generation.Product;
import org.openccm.generation.ProductCatalog;
import org.openccm.generation.TemplateVersion;
import org.openccm.servicemanager.Services;
import org.openccm.session.Directory.Cabinet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Loads the sample products and channels from {@code classpath:samples}. A product folder holds
 * {@code product.json} in the admin API's format, with each version naming its template files.
 */
@Component
class SampleLoader {
    private static final Logger log = LoggerFactory.getLogger(SampleLoader.class);
    private final ProductCatalog catalog;
    private final Channels channels;
    private final Services services;
    private final ObjectMapper json = JsonMapper.builder().build();
    private final CycleDefinitions cycles;

    SampleLoader(ProductCatalog catalog, Channels channels, Services services, CycleDefinitions cycles) {
        this.cycles = cycles;
        this.services = services;
        this.catalog = catalog;
        this.channels = channels;
    }

    void load(Cabinet cabinet) throws IOException {
        PathMatchingResourcePatternResolver resolver = new PathMatchingResourcePatternResolver();
        for (JsonNode channel : json.readTree(read(resolver.getResource("classpath:samples/channels.json")))) {
            Map<String, String> settings = new LinkedHashMap<>();
            channel.path("settings")
                    .properties()
                    .forEach(entry ->
                            settings.put(entry.getKey(), entry.getValue().asString()));
            channels.create(
                    cabinet.id(),
                    channel.get("name").asString(),
                    channel.get("type").asString(),
                    settings);
        }
        for (JsonNode service : json.readTree(read(resolver.getResource("classpath:samples/services.json")))) {
            services.register(
                    cabinet.id(),
                    service.get("id").asLong(),
                    service.get("name").asString(),
                    service.get("type").asString(),
                    service.path("channel").isString() ? service.get("channel").asString() : null,
                    service.path("work").isString() ? service.get("work").asString() : null,
                    service.path("count").asInt(0));
        }
        Resource[] definitions = resolver.getResources("classpath:samples/products/*/product.json");
        for (Resource definition : definitions) {
            loadProduct(cabinet, definition);
        }
        cycles.defineSamples(cabinet.id(), json.readTree(read(resolver.getResource("classpath:samples/cycles.json"))));
        log.info("Loaded {} sample products into cabinet {}", definitions.length, cabinet.name());
    }

    private void loadProduct(Cabinet cabinet, Resource definition) throws IOException {
        JsonNode spec = json.readTree(read(definition));
        Product product = catalog.create(
                cabinet.id(),
                spec.get("name").asString(),
                spec.get("reportType").asString(),
                Product.DataKind.valueOf(spec.get("dataKind").asString()),
                spec.path("docxOutput").asBoolean(false),
                optional(spec, "dataQuery"),
                optional(spec, "recipientPath"),
                optional(spec, "mailSubject"),
                optional(spec, "phonePath"),
                optional(spec, "socialIdPath"));
        for (JsonNode version : spec.get("versions")) {
            String document =
                    read(definition.createRelative(version.get("template").asString()));
            String mailBody = version.hasNonNull("mailTemplate")
                    ? read(definition.createRelative(version.get("mailTemplate").asString()))
                    : null;
            String messageText = version.hasNonNull("messageTemplate")
                    ? read(definition.createRelative(
                            version.get("messageTemplate").asString()))
                    : null;
            TemplateVersion added = catalog.addVersion(product, document, mailBody, messageText);
            if (version.path("baselined").asBoolean(false)) {
                catalog.baseline(product, added.version());
            }
        }
    }

    private static String optional(JsonNode spec, String field) {
        return spec.path(field).isString() ? spec.get(field).asString() : null;
    }

    private static String read(Resource resource) throws IOException {
        try (InputStream in = resource.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
