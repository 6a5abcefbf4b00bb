package org.openccm.datasource;

import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openccm.session.Authenticator;
import org.openccm.session.Caller;
import org.openccm.shared.errors.ErrorCode;
import org.openccm.shared.errors.OmsException;
import org.openccm.shared.web.RequestBodies;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * Admin API for a cabinet's JDBC data sources (supervisors only). The password goes in and never
 * comes back out: answers show {@code ****} when one is stored.
 */
@RestController
@RequestMapping(path = "/admin/datasources", produces = "application/json")
class DataSourceController {
    private final Authenticator authenticator;
    private final RequestBodies bodies;
    private final DataSourceCatalog catalog;
    private final DataSources dataSources;

    DataSourceController(
            Authenticator authenticator, RequestBodies bodies, DataSourceCatalog catalog, DataSources dataSources) {
        this.authenticator = authenticator;
        this.bodies = bodies;
        this.catalog = catalog;
        this.dataSources = dataSources;
    }

    @GetMapping
    List<Map<String, Object>> list(HttpServletRequest request) {
        Caller caller = authenticator.requireSupervisor(request);
        return catalog.list(caller.cabinetId()).stream()
                .map(DataSourceController::describe)
                .toList();
    }

    @GetMapping("/{name}")
    Map<String, Object> show(HttpServletRequest request, @PathVariable String name) {
        Caller caller = authenticator.requireSupervisor(request);
        return describe(require(caller, name));
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    Map<String, Object> create(HttpServletRequest request) {
        Caller caller = authenticator.requireSupervisor(request);
        JsonNode body = bodies.readObject(request, ErrorCode.INVALID_INPUT);
        String name = RequestBodies.text(body, "name");
        try {
            catalog.create(caller.cabinetId(), name, settings(body));
        } catch (IllegalArgumentException e) {
            throw OmsException.invalidInput(e.getMessage());
        }
        return describe(require(caller, name));
    }

    @PutMapping("/{name}")
    Map<String, Object> replace(HttpServletRequest request, @PathVariable String name) {
        Caller caller = authenticator.requireSupervisor(request);
        JsonNode body = bodies.readObject(request, ErrorCode.INVALID_INPUT);
        try {
            if (!catalog.replace(caller.cabinetId(), name, settings(body))) {
                throw notFound(name);
            }
        } catch (IllegalArgumentException e) {
            throw OmsException.invalidInput(e.getMessage());
        }
        dataSources.evict(caller.cabinetId(), name);
        return describe(require(caller, name));
    }

    @DeleteMapping("/{name}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(HttpServletRequest request, @PathVariable String name) {
        Caller caller = authenticator.requireSupervisor(request);
        try {
            if (!catalog.delete(caller.cabinetId(), name)) {
                throw notFound(name);
            }
        } catch (IllegalArgumentException e) {
            throw OmsException.invalidInput(e.getMessage());
        }
        dataSources.evict(caller.cabinetId(), name);
    }

    private DataSourceDefinition require(Caller caller, String name) {
        return catalog.find(caller.cabinetId(), name).orElseThrow(() -> notFound(name));
    }

    private static OmsException notFound(String name) {
        String shown = name.matches("[A-Za-z0-9_.-]{1,32}") ? name : "(invalid name)";
        return new OmsException(ErrorCode.NOT_FOUND, "No data source named '" + shown + "' in this cabinet.");
    }

    private static DataSourceCatalog.Settings settings(JsonNode body) {
        return new DataSourceCatalog.Settings(
                RequestBodies.text(body, "url"),
                RequestBodies.text(body, "username"),
                RequestBodies.text(body, "password"),
                RequestBodies.text(body, "poolSize"));
    }

    private static Map<String, Object> describe(DataSourceDefinition definition) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("name", definition.name());
        view.put("url", definition.url());
        view.put("username", definition.username());
        view.put("password", definition.hasPassword() ? DataSourceCatalog.MASK : "");
        view.put("poolSize", definition.poolSize());
        return view;
    }
}
