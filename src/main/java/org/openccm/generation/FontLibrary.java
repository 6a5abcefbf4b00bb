package org.openccm.generation;

import com.openhtmltopdf.outputdevice.helper.BaseRendererBuilder.FontStyle;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.fontbox.ttf.TTFParser;
import org.apache.fontbox.ttf.TrueTypeFont;
import org.apache.pdfbox.io.RandomAccessReadBuffer;

/**
 * The open-licence fonts shipped with the server (Noto, SIL OFL 1.1), read from the classpath
 * once at start-up. Parsing a TrueType file costs more than laying out a one-page letter, so each
 * rendering thread parses a face once, on first use, and keeps it: a parsed font is not safe to
 * share between threads, but it is safe to reuse for any number of documents, because every
 * document embeds its own subset.
 *
 * <p>NotoSans is shipped without its GSUB table: PDFBox rebuilds a pattern from the whole
 * ligature table for every text run it draws with a Latin GSUB font, which made Latin letters
 * several times slower; the cost is the loss of typographic ligatures such as "fi". The
 * Devanagari face keeps its GSUB table because conjuncts need it.
 */
final class FontLibrary {
    /** One font face: the bytes of a TrueType file and the CSS family, weight and style it serves. */
    static final class Face {
        private final String family;
        private final int weight;
        private final byte[] bytes;
        private final ThreadLocal<TrueTypeFont> parsed;

        Face(String family, int weight, byte[] bytes) {
            this.family = family;
            this.weight = weight;
            this.bytes = bytes;
            this.parsed = ThreadLocal.withInitial(this::parse);
        }

        String family() {
            return family;
        }

        int weight() {
            return weight;
        }

        FontStyle style() {
            return FontStyle.NORMAL;
        }

        /** This thread's parsed copy of the face; callers must not close it. */
        TrueTypeFont forThisThread() {
            return parsed.get();
        }

        private TrueTypeFont parse() {
            try {
                return new TTFParser().parse(new RandomAccessReadBuffer(bytes));
            } catch (IOException e) {
                throw new UncheckedIOException("GEN_FONT_UNREADABLE: cannot parse " + family + " " + weight, e);
            }
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
            return new Face(family, weight, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("GEN_FONT_MISSING: cannot read font " + file, e);
        }
    }
}
