package org.openccm.admin;

import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openccm.audit.AuditAction;
import org.openccm.audit.AuditTrail;
import org.openccm.datasource.DataSources;
import org.openccm.generation.Product;
import org.openccm.generation.ProductCatalog;
import org.openccm.generation.ProductCatalog.InvalidProductException;
import org.openccm.generation.TemplateVersion;
import org.openccm.session.Authenticator;
import org.openccm.session.Caller;
import org.openccm.shared.errors.ErrorCode;
import org.openccm.shared.errors.OmsException;
import org.openccm.shared.web.RequestBodies;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * The admin REST API for products and their template versions (supervisors only). Credentials
 * are the same headers as the OMS operations: cabinetName and sessionId.
 */
@RestController
@RequestMapping(path = "/admin", produces = "application/json")
class AdminController {
    private final Authenticator authenticator;
    private final RequestBodies bodies;
    private final ProductCatalog catalog;
    private final AuditTrail audit;
    private final DataSources dataSources;

    AdminController(
            Authenticator authenticator,
            RequestBodies bodies,
            ProductCatalog catalog,
            AuditTrail audit,
            DataSources dataSources) {
        this.authenticator = authenticator;
        this.bodies = bodies;
        this.catalog = catalog;
        this.audit = audit;
        this.dataSources = dataSources;
    }

    @GetMapping("/products")
    List<Map<String, Object>> listProducts(HttpServletRequest request) {
        Caller caller = requireSupervisor(request);
        return catalog.list(caller.cabinetId()).stream()
                .map(AdminController::describe)
                .toList();
    }

    @PostMapping("/products")
    @ResponseStatus(HttpStatus.CREATED)
    Map<String, Object> createProduct(HttpServletRequest request) {
        Caller caller = requireSupervisor(request);
        JsonNode body = bodies.readObject(request, ErrorCode.INVALID_INPUT);
        Product.DataKind dataKind = dataKind(RequestBodies.text(body, "dataKind"));
        String dataSource = RequestBodies.text(body, "dataSource");
        if (!dataSource.isEmpty() && !dataSources.exists(caller.cabinetId(), dataSource)) {
            throw OmsException.invalidInput("No data source named '" + printable(dataSource) + "' in this cabinet.");
        }
        try {
            Product product = catalog.create(
                    caller.cabinetId(),
                    RequestBodies.text(body, "name"),
                    RequestBodies.text(body, "reportType"),
                    dataKind,
                    "true".equals(RequestBodies.text(body, "docxOutput")),
                    RequestBodies.text(body, "dataQuery"),
                    RequestBodies.text(body, "recipientPath"),
                    RequestBodies.text(body, "mailSubject"),
                    RequestBodies.text(body, "phonePath"),
                    RequestBodies.text(body, "socialIdPath"),
                    dataSource);
            audit.record(
                    caller.cabinetName(),
                    caller.userName(),
                    AuditAction.PRODUCT_CREATED,
                    product.name(),
                    "reportType " + product.reportType() + ", dataKind " + product.dataKind());
            return describe(product);
        } catch (InvalidProductException e) {
            throw OmsException.invalidInput(e.getMessage());
        }
    }

    @GetMapping("/products/{name}/versions")
    List<Map<String, Object>> listVersions(HttpServletRequest request, @PathVariable String name) {
        Caller caller = requireSupervisor(request);
        return catalog.versions(requireProduct(caller, name)).stream()
                .map(AdminController::describe)
                .toList();
    }

    @PostMapping("/products/{name}/versions")
    @ResponseStatus(HttpStatus.CREATED)
    Map<String, Object> addVersion(HttpServletRequest request, @PathVariable String name) {
        Caller caller = requireSupervisor(request);
        Product product = requireProduct(caller, name);
        JsonNode body = bodies.readObject(request, ErrorCode.INVALID_INPUT);
        try {
            TemplateVersion added = catalog.addVersion(
                    product,
                    RequestBodies.text(body, "template"),
                    RequestBodies.text(body, "mailTemplate"),
                    RequestBodies.text(body, "messageTemplate"));
            audit.record(
                    caller.cabinetName(),
                    caller.userName(),
                    AuditAction.VERSION_ADDED,
                    product.name(),
                    "version " + added.version());
            return describe(added);
        } catch (InvalidProductException e) {
            throw OmsException.invalidInput(e.getMessage());
        }
    }

    @PostMapping("/products/{name}/versions/{version}/baseline")
    Map<String, Object> baseline(HttpServletRequest request, @PathVariable String name, @PathVariable String version) {
        Caller caller = requireSupervisor(request);
        if (!version.matches("[1-9][0-9]{0,2}")) {
            throw OmsException.invalidInput("A version is a whole number from 1 to 999.");
        }
        try {
            TemplateVersion baselined = catalog.baseline(requireProduct(caller, name), Integer.parseInt(version));
            audit.record(
                    caller.cabinetName(),
                    caller.userName(),
                    AuditAction.VERSION_BASELINED,
                    name,
                    "version " + baselined.version());
            return describe(baselined);
        } catch (InvalidProductException e) {
            throw new OmsException(ErrorCode.PRODUCT_NOT_FOUND, e.getMessage());
        }
    }

    private Caller requireSupervisor(HttpServletRequest request) {
        return authenticator.requireSupervisor(request);
    }

    private Product requireProduct(Caller caller, String name) {
        return catalog.find(caller.cabinetId(), name)
                .orElseThrow(() -> new OmsException(ErrorCode.PRODUCT_NOT_FOUND, "No product named '" + name + "'."));
    }

    private static String printable(String name) {
        return name.matches("[A-Za-z0-9_.-]{1,32}") ? name : "(invalid name)";
    }

    private static Product.DataKind dataKind(String value) {
        try {
            return Product.DataKind.valueOf(value);
        } catch (IllegalArgumentException e) {
            throw OmsException.invalidInput("dataKind must be XML, JSON or DB.");
        }
    }

    private static Map<String, Object> describe(Product product) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("name", product.name());
        view.put("reportType", product.reportType());
        view.put("dataKind", product.dataKind().name());
        view.put("docxOutput", product.docxOutput());
        view.put("dataQuery", product.dataQuery());
        view.put("recipientPath", product.recipientPath());
        view.put("mailSubject", product.mailSubject());
        view.put("phonePath", product.phonePath());
        view.put("socialIdPath", product.socialIdPath());
        view.put("dataSource", product.dataSource());
        return view;
    }

    private static Map<String, Object> describe(TemplateVersion version) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("version", version.version());
        view.put("baselined", version.isBaselined());
        view.put(
                "baselinedAt",
                version.baselinedAt() == null ? null : version.baselinedAt().toString());
        view.put("hasMailBody", version.mailBodyHtml() != null);
        return view;
    }
}
