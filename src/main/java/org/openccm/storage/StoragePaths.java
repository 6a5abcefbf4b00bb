package org.openccm.storage;

import java.util.regex.Pattern;

/**
 * The rules for client-supplied storage paths (contract A40): relative to the cabinet's storage
 * root, forward slashes only, no "." or ".." segments, no drive letters, colons, backslashes or
 * control characters. Checked before anything touches storage; the store checks again.
 */
public final class StoragePaths {
    private static final Pattern FORBIDDEN = Pattern.compile("[\\\\:\\p{Cntrl}]");

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
