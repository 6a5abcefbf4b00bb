package org.openccm.generation;

import com.openhtmltopdf.outputdevice.helper.BaseRendererBuilder.FontStyle;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.apache.fontbox.ttf.TTFParser;
import org.apache.fontbox.ttf.TrueTypeFont;
import org.apache.pdfbox.io.RandomAccessReadBuffer;

/**
 * The open-licence fonts shipped with the server (Noto, SIL OFL 1.1), read from the classpath
 * once at start-up. Parsing a TrueType file costs more than laying out a one-page letter, so
 * parsed fonts are reused: a parsed font is not safe to share between threads, but it may serve
 * any number of documents one after another, because every document embeds its own subset. A
 * render borrows a {@link ParsedFaces} set for its whole duration and gives it back; at most
 * {@code idleSets} sets are kept between renders, so memory follows the number of renders
 * running at once, not the number of server threads.
 *
 * <p>NotoSans is shipped without its GSUB table: PDFBox rebuilds a pattern from the whole
 * ligature table for every text run it draws with a Latin GSUB font, which made Latin letters
 * several times slower; the cost is the loss of typographic ligatures such as "fi". The
 * Devanagari face keeps its GSUB table because conjuncts need it.
 */
final class FontLibrary {
    /** One font face: the bytes of a TrueType file and the CSS family, weight and style it serves. */
    record Face(String family, int weight, byte[] bytes) {
        FontStyle style() {
            return FontStyle.NORMAL;
        }

        TrueTypeFont parse() {
            try {
                return new TTFParser().parse(new RandomAccessReadBuffer(bytes));
            } catch (IOException e) {
                throw new UncheckedIOException("GEN_FONT_UNREADABLE: cannot parse " + family + " " + weight, e);
            }
        }
    }

    /** One parsed copy of every face, each parsed on first use; confined to one render at a time. */
    final class ParsedFaces {
        private final TrueTypeFont[] parsed = new TrueTypeFont[faces.size()];

        TrueTypeFont get(int index) {
            if (parsed[index] == null) {
                parsed[index] = faces.get(index).parse();
            }
            return parsed[index];
        }
    }

    private final List<Face> faces;
    private final BlockingQueue<ParsedFaces> idle;

    FontLibrary(int idleSets) {
        faces = List.of(
                load("NotoSans-Regular.ttf", "Noto Sans", 400),
                load("NotoSans-Bold.ttf", "Noto Sans", 700),
                load("NotoSansDevanagari-Regular.ttf", "Noto Sans Devanagari", 400),
                load("NotoSansDevanagari-Bold.ttf", "Noto Sans Devanagari", 700),
                load("NotoNaskhArabic-Regular.ttf", "Noto Naskh Arabic", 400),
                load("NotoNaskhArabic-Bold.ttf", "Noto Naskh Arabic", 700));
        idle = new ArrayBlockingQueue<>(Math.max(1, idleSets));
    }

    List<Face> faces() {
        return faces;
    }

    /** A set of parsed faces for one render; give it back when the document is written. */
    ParsedFaces borrow() {
        ParsedFaces set = idle.poll();
        return set != null ? set : new ParsedFaces();
    }

    void giveBack(ParsedFaces set) {
        idle.offer(set);
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
