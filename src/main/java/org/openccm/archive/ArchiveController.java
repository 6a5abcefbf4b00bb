package org.openccm.archive;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openccm.session.Authenticator;
import org.openccm.session.Caller;
import org.openccm.shared.errors.ErrorCode;
import org.openccm.shared.errors.OmsException;
import org.openccm.shared.web.QueryParameters;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Admin API over the archive (supervisors only): search the metadata, fetch the content. */
@RestController
@RequestMapping("/admin/archive")
class ArchiveController {
    private final Authenticator authenticator;
    private final DocumentArchive archive;

    ArchiveController(Authenticator authenticator, DocumentArchive archive) {
        this.authenticator = authenticator;
        this.archive = archive;
    }

    @GetMapping(produces = "application/json")
    List<Map<String, Object>> search(
            HttpServletRequest request,
            @RequestParam(required = false) String requestId,
            @RequestParam(required = false) String communicationId,
            @RequestParam(required = false) String productName,
            @RequestParam(required = false) String masterKey,
            @RequestParam(required = false) String from,
            @RequestParam(required = false) String to,
            @RequestParam(defaultValue = "100") String limit) {
        Caller caller = authenticator.requireSupervisor(request);
        DocumentArchive.Criteria criteria = new DocumentArchive.Criteria(
                QueryParameters.whole("requestId", requestId),
                communicationId,
                productName,
                masterKey,
                QueryParameters.instant("from", from),
                QueryParameters.instant("to", to));
        Long max = QueryParameters.whole("limit", limit);
        return archive.search(caller.cabinetId(), criteria, max == null ? 100 : max.intValue()).stream()
                .map(ArchiveController::describe)
                .toList();
    }

    @GetMapping("/{documentIndex}/content")
    ResponseEntity<byte[]> content(HttpServletRequest request, @PathVariable String documentIndex) throws IOException {
        Caller caller = authenticator.requireSupervisor(request);
        Long index = QueryParameters.whole("documentIndex", documentIndex);
        ArchivedDocument document = archive.find(caller.cabinetId(), index == null ? -1 : index)
                .orElseThrow(() ->
                        new OmsException(ErrorCode.PRODUCT_NOT_FOUND, "No archived document " + documentIndex + "."));
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType(document.contentType()))
                .header("X-Checksum-SHA256", document.checksumSha256())
                .body(archive.content(document));
    }

    private static Map<String, Object> describe(ArchivedDocument document) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("documentIndex", document.documentIndex());
        view.put("volumeIndex", document.volumeIndex());
        view.put("imageIndex", document.imageIndex());
        view.put("documentName", document.documentName());
        view.put("contentType", document.contentType());
        view.put("sizeBytes", document.sizeBytes());
        view.put("checksumSha256", document.checksumSha256());
        view.put("requestId", document.requestId());
        view.put("productName", document.productName());
        view.put("masterKey", document.masterKey());
        view.put("communicationId", document.communicationId());
        view.put("archivedAt", document.archivedAt().toString());
        return view;
    }
}
