package org.openccm.generation;

import java.io.StringReader;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Turns a record's data (XML, JSON or a database row) into the one shape templates see: nested
 * maps keyed by element or field name, lists for repeated elements, and strings for every value.
 * XML {@code <A><B>1</B></A>} and JSON {@code {"A":{"B":1}}} both become {@code {A={B="1"}}}, so
 * one template serves both.
 */
public final class RecordData {
    private static final XMLInputFactory XML = safeXmlFactory();

    private RecordData() {}

    /** Thrown when the data cannot be read; the message is safe to show to the client. */
    public static class UnreadableDataException extends RuntimeException {
        public UnreadableDataException(String message) {
            super(message);
        }
    }

    private static XMLInputFactory safeXmlFactory() {
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        factory.setProperty(XMLInputFactory.IS_COALESCING, true);
        factory.setXMLResolver((publicId, systemId, base, namespace) -> {
            throw new XMLStreamException("External resources are not allowed");
        });
        return factory;
    }

    /**
     * Parses an XML document without DTDs, entities or external resources.
     *
     * @throws UnreadableDataException for malformed XML, a DOCTYPE, or a document over the bounds
     */
    public static Map<String, Object> fromXml(String xml, int maxDepth, int maxElements, int maxValueChars) {
        XMLStreamReader reader = null;
        try {
            reader = parserStep(() -> XML.createXMLStreamReader(new StringReader(xml)));
            Deque<Map<String, Object>> open = new ArrayDeque<>();
            Deque<StringBuilder> texts = new ArrayDeque<>();
            Deque<String> names = new ArrayDeque<>();
            Map<String, Object> root = new LinkedHashMap<>();
            open.push(root);
            int elements = 0;
            XMLStreamReader parser = reader;
            while (parserStep(parser::hasNext)) {
                int event = parserStep(parser::next);
                switch (event) {
                    case XMLStreamConstants.DTD ->
                        throw new UnreadableDataException("xmlData must not contain a DOCTYPE declaration.");
                    case XMLStreamConstants.ENTITY_REFERENCE ->
                        throw new UnreadableDataException(
                                "xmlData must not use entity references other than the predefined ones.");
                    case XMLStreamConstants.START_ELEMENT -> {
                        if (++elements > maxElements) {
                            throw new UnreadableDataException("xmlData has more than " + maxElements + " elements.");
                        }
                        if (names.size() >= maxDepth) {
                            throw new UnreadableDataException("xmlData is nested deeper than " + maxDepth + " levels.");
                        }
                        Map<String, Object> element = new LinkedHashMap<>();
                        for (int i = 0; i < reader.getAttributeCount(); i++) {
                            element.put(
                                    "@" + reader.getAttributeLocalName(i),
                                    checkedValue(reader.getAttributeValue(i), maxValueChars, "xmlData"));
                        }
                        open.push(element);
                        texts.push(new StringBuilder());
                        names.push(reader.getLocalName());
                    }
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                        if (!texts.isEmpty()) {
                            texts.peek().append(reader.getText());
                        }
                    }
                    case XMLStreamConstants.END_ELEMENT -> {
                        Map<String, Object> element = open.pop();
                        String text = texts.pop().toString();
                        String name = names.pop();
                        checkedValue(text, maxValueChars, "xmlData");
                        Object value = element.isEmpty() ? clean(text.strip()) : withText(element, clean(text));
                        addChild(open.peek(), name, value);
                    }
                    default -> {
                        // comments and processing instructions carry no data
                    }
                }
            }
            return root;
        } catch (XMLStreamException e) {
            throw new UnreadableDataException("xmlData is not well-formed XML: " + lastLine(e.getMessage()));
        } finally {
            if (reader != null) {
                try {
                    reader.close();
                } catch (XMLStreamException ignored) {
                    // nothing left to release
                }
            }
        }
    }

    /** One call into the JDK's StAX parser. */
    private interface ParserStep<T> {
        T run() throws XMLStreamException;
    }

    /**
     * Runs a parser step, turning the parser's own runtime failures into a refusal: for some
     * malformed input the JDK parser fails with an unchecked exception instead of an
     * XMLStreamException (a DOCTYPE with an invalid character ends in a MissingResourceException
     * while it formats its message), and that is still malformed input, not a server fault.
     */
    private static <T> T parserStep(ParserStep<T> step) throws XMLStreamException {
        try {
            return step.run();
        } catch (RuntimeException e) {
            throw new UnreadableDataException("xmlData is not well-formed XML.");
        }
    }

    private static Object withText(Map<String, Object> element, String text) {
        if (!text.isBlank() && element.keySet().stream().allMatch(key -> key.startsWith("@"))) {
            element.put("#text", text.strip());
        }
        return element;
    }

    @SuppressWarnings("unchecked")
    private static void addChild(Map<String, Object> parent, String name, Object value) {
        Object existing = parent.get(name);
        if (existing == null) {
            parent.put(name, value);
        } else if (existing instanceof List<?> list) {
            ((List<Object>) list).add(value);
        } else {
            List<Object> list = new ArrayList<>();
            list.add(existing);
            list.add(value);
            parent.put(name, list);
        }
    }

    /**
     * Parses a JSON document given as a string.
     *
     * @param mapper a mapper whose read constraints bound depth and size
     */
    public static Map<String, Object> fromJson(String json, ObjectMapper mapper, int maxValueChars) {
        JsonNode node;
        try {
            node = mapper.readTree(json);
        } catch (JacksonException e) {
            throw new UnreadableDataException("jsonData is not valid JSON or is nested too deeply.");
        }
        if (node == null || !node.isObject()) {
            throw new UnreadableDataException("jsonData must be a JSON object.");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) toPlain(node, maxValueChars);
        return map;
    }

    private static Object toPlain(JsonNode node, int maxValueChars) {
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                if (!field.getValue().isNull()) {
                    map.put(field.getKey(), toPlain(field.getValue(), maxValueChars));
                }
            }
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>();
            for (JsonNode item : node) {
                list.add(toPlain(item, maxValueChars));
            }
            return list;
        }
        return checkedValue(node.asString(), maxValueChars, "jsonData");
    }

    /**
     * The text at a dotted path such as {@code SampleData.Email}; where a step meets a list, the
     * first item is taken. Null when the path leads nowhere or to something that is not text.
     */
    public static String textAt(Map<String, Object> data, String path) {
        Object current = data;
        for (String step : path.split("\\.")) {
            if (current instanceof List<?> list) {
                current = list.isEmpty() ? null : list.get(0);
            }
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(step);
        }
        if (current instanceof List<?> list) {
            current = list.isEmpty() ? null : list.get(0);
        }
        return current instanceof String text && !text.isBlank() ? text.strip() : null;
    }

    /** One database row as {@code {Record={column=value}}}, column names in lower case. */
    public static Map<String, Object> fromRow(ResultSet row) throws SQLException {
        ResultSetMetaData meta = row.getMetaData();
        Map<String, Object> record = new LinkedHashMap<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            Object value = row.getObject(i);
            if (value != null) {
                String text = value instanceof BigDecimal decimal ? decimal.toPlainString() : value.toString();
                record.put(meta.getColumnLabel(i).toLowerCase(Locale.ROOT), clean(text));
            }
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("Record", record);
        return root;
    }

    private static String checkedValue(String value, int maxValueChars, String field) {
        if (value.length() > maxValueChars) {
            throw new UnreadableDataException(field + " has a value longer than " + maxValueChars + " characters.");
        }
        return clean(value);
    }

    /**
     * Drops characters that XHTML cannot carry (C0 controls other than tab and line ends, lone
     * surrogates, U+FFFE and U+FFFF), so that valid data never breaks the layout.
     */
    static String clean(String value) {
        int length = value.length();
        for (int i = 0; i < length; i++) {
            if (!isXmlChar(value, i)) {
                StringBuilder cleaned = new StringBuilder(length);
                for (int j = 0; j < length; j++) {
                    if (isXmlChar(value, j)) {
                        cleaned.append(value.charAt(j));
                    }
                }
                return cleaned.toString();
            }
        }
        return value;
    }

    private static boolean isXmlChar(String value, int index) {
        char c = value.charAt(index);
        if (c < 0x20) {
            return c == '\t' || c == '\n' || c == '\r';
        }
        if (Character.isHighSurrogate(c)) {
            return index + 1 < value.length() && Character.isLowSurrogate(value.charAt(index + 1));
        }
        if (Character.isLowSurrogate(c)) {
            return index > 0 && Character.isHighSurrogate(value.charAt(index - 1));
        }
        return c != 0xFFFE && c != 0xFFFF;
    }

    /** The JDK's StAX messages end with the reason, after a line naming the position. */
    private static String lastLine(String message) {
        if (message == null) {
            return "parse error";
        }
        String line = message.lines().reduce((first, second) -> second).orElse(message);
        return line.length() > 200 ? line.substring(0, 200) : line;
    }
}
