package org.openccm.generation;

import com.openhtmltopdf.outputdevice.helper.BaseRendererBuilder.FontStyle;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The open-licence fonts shipped with the server (Noto, SIL OFL 1.1), read from the classpath
 * once at start-up and kept in memory. Each is embedded as a subset of the glyphs a document uses.
 */
final class FontLibrary {
    /** One font face: the bytes of a TrueType file and the CSS family, weight and style it serves. */
    record Face(String family, int weight, FontStyle style, byte[] bytes) {
        InputStream open() {
            return new ByteArrayInputStream(bytes);
        }
    }

    private final List<Face> faces;

    FontLibrary() {
        faces = List.of(
                load("NotoSans-Regular.ttf", "Noto Sans", 400),
                load("NotoSans-Bold.ttf", "Noto Sans", 700),
                load("NotoSansDevanagari-Regular.ttf", "Noto Sans Devanagari", 400),
                load("NotoSansDevanagari-Bold.ttf", "Noto Sans Devanagari", 700),
                load("NotoNaskhArabic-Regular.ttf", "Noto Naskh Arabic", 400),
                load("NotoNaskhArabic-Bold.ttf", "Noto Naskh Arabic", 700));
    }

    List<Face> faces() {
        return faces;
    }

    private static Face load(String file, String family, int weight) {
        try (InputStream in = FontLibrary.class.getResourceAsStream("/fonts/" + file)) {
            if (in == null) {
                throw new IllegalStateException("GEN_FONT_MISSING: font " + file + " is not on the classpath");
            }
            return new Face(family, weight, FontStyle.NORMAL, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("GEN_FONT_MISSING: cannot read font " + file, e);
        }
    }
}
