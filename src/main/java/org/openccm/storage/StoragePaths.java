package org.openccm.storage;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The rules for client-supplied storage paths (contract A40): relative to the cabinet's storage
 * root, forward slashes only, no "." or ".." segments, no drive letters, colons, backslashes or
 * control characters. Checked before anything touches storage; the store checks again.
 */
public final class StoragePaths {
    /** Backslash, colon, and Unicode control (C0, C1) and format characters (e.g. bidi overrides). */
    private static final Pattern FORBIDDEN = Pattern.compile("[\\\\:\\p{Cc}\\p{Cf}]");

    /** Most bytes of one name in a folder; file systems allow 255, and we append _requestId.docx. */
    private static final int MAX_SEGMENT_BYTES = 255;

    private static final int MAX_FILE_NAME_BYTES = 200;

    private StoragePaths() {}

    /** @return the reason the folder is refused, or null when it is acceptable ("" is the root) */
    public static String folderProblem(String folder) {
        if (folder.isEmpty()) {
            return null;
        }
        if (folder.startsWith("/")) {
            return "must be relative to the cabinet's storage root, not absolute";
        }
        if (FORBIDDEN.matcher(folder).find()) {
            return "must not contain backslashes, colons or control characters";
        }
        String trimmed = folder.endsWith("/") ? folder.substring(0, folder.length() - 1) : folder;
        for (String segment : trimmed.split("/", -1)) {
            String problem = segmentProblem(segment);
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    /** @return the reason the file name is refused, or null when it is acceptable */
    public static String fileNameProblem(String name) {
        if (name.isEmpty()) {
            return null;
        }
        if (name.contains("/") || FORBIDDEN.matcher(name).find()) {
            return "must not contain path separators, colons or control characters";
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_FILE_NAME_BYTES) {
            return "must not be longer than " + MAX_FILE_NAME_BYTES + " bytes in UTF-8";
        }
        return segmentProblem(name);
    }

    private static String segmentProblem(String segment) {
        if (segment.isEmpty()) {
            return "must not contain empty path segments";
        }
        if (segment.equals(".") || segment.equals("..")) {
            return "must not contain '.' or '..' segments";
        }
        if (!segment.equals(segment.strip())) {
            return "must not have path segments that start or end with white space";
        }
        if (segment.getBytes(StandardCharsets.UTF_8).length > MAX_SEGMENT_BYTES) {
            return "must not have a path segment longer than " + MAX_SEGMENT_BYTES + " bytes in UTF-8";
        }
        return null;
    }

    /** Joins a checked folder and a file name into a storage key with forward slashes. */
    public static String join(String folder, String fileName) {
        if (folder.isEmpty()) {
            return fileName;
        }
        return folder.endsWith("/") ? folder + fileName : folder + "/" + fileName;
    }
}
