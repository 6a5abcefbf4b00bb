package org.openccm.batch;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.openccm.generation.RecordData;

/**
 * approveJob's filterCondition (A32): a small condition language evaluated on each record in
 * memory, never turned into SQL.
 *
 * <pre>
 * condition  := or
 * or         := and ( "OR" and )*
 * and        := unary ( "AND" unary )*
 * unary      := "NOT" unary | "(" or ")" | comparison
 * comparison := field op value | field "LIKE" string | field [ "NOT" ] "IN" "(" value ( "," value )* ")"
 * op         := "=" | "!=" | "&lt;&gt;" | "&lt;" | "&lt;=" | "&gt;" | "&gt;="
 * field      := name ( "." name )*     name := letter ( letter | digit | "_" | "-" )*
 * value      := 'text' (a quote inside is written '') | number
 * </pre>
 *
 * Keywords are case-insensitive. A field is a dotted path into the record, as in a product's
 * recipientPath (Record.city for a database row). Two numbers compare as numbers, anything else as
 * text; a field the record lacks matches no comparison except {@code !=}. LIKE takes % (any run)
 * and _ (one character).
 */
final class FilterCondition {
    static final int MAX_LENGTH = 250;
    private static final int MAX_DEPTH = 16;
    private static final int MAX_TERMS = 32;
    private static final Pattern NUMBER = Pattern.compile("-?[0-9]{1,18}(\\.[0-9]{1,18})?");

    private final Predicate<Map<String, Object>> predicate;
    private final Set<String> fields;

    private FilterCondition(Predicate<Map<String, Object>> predicate, Set<String> fields) {
        this.predicate = predicate;
        this.fields = fields;
    }

    /** A filterCondition that cannot be read; the message says where and why. */
    static final class InvalidFilterException extends RuntimeException {
        InvalidFilterException(String message) {
            super(message, null, false, false);
        }
    }

    static FilterCondition matchAll() {
        return new FilterCondition(record -> true, Set.of());
    }

    static FilterCondition parse(String text) {
        if (text == null || text.isBlank()) {
            return matchAll();
        }
        if (text.length() > MAX_LENGTH) {
            throw new InvalidFilterException("filterCondition is longer than " + MAX_LENGTH + " characters.");
        }
        Parser parser = new Parser(tokenize(text));
        Predicate<Map<String, Object>> predicate = parser.or(0);
        if (parser.position < parser.tokens.size()) {
            throw new InvalidFilterException(
                    "filterCondition has unexpected '" + parser.tokens.get(parser.position).text + "'.");
        }
        return new FilterCondition(predicate, parser.fields);
    }

    boolean matches(Map<String, Object> record) {
        return predicate.test(record);
    }

    /** The field paths the condition names, to check against the job's records. */
    Set<String> fields() {
        return fields;
    }

    /** Whether the record has the field at all, so that misspelt fields are refused up front. */
    static boolean hasField(Map<String, Object> record, String path) {
        Object current = record;
        for (String step : path.split("\\.")) {
            if (current instanceof List<?> list) {
                current = list.isEmpty() ? null : list.get(0);
            }
            if (!(current instanceof Map<?, ?> map) || !map.containsKey(step)) {
                return false;
            }
            current = map.get(step);
        }
        return true;
    }

    // ---- tokens --------------------------------------------------------------------------------

    private enum Kind {
        NAME,
        TEXT,
        NUMBER,
        OPERATOR,
        OPEN,
        CLOSE,
        COMMA
    }

    private record Token(Kind kind, String text, int at) {
        boolean isKeyword(String word) {
            return kind == Kind.NAME && text.equalsIgnoreCase(word);
        }
    }

    private static List<Token> tokenize(String text) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == ' ') {
                i++;
            } else if (c == '(' || c == ')' || c == ',') {
                tokens.add(new Token(c == '(' ? Kind.OPEN : c == ')' ? Kind.CLOSE : Kind.COMMA, String.valueOf(c), i));
                i++;
            } else if (c == '\'') {
                StringBuilder value = new StringBuilder();
                int start = i++;
                while (true) {
                    if (i >= text.length()) {
                        throw new InvalidFilterException("filterCondition has a text value without its closing quote.");
                    }
                    char d = text.charAt(i++);
                    if (Character.isISOControl(d)) {
                        throw new InvalidFilterException("filterCondition may not contain control characters.");
                    }
                    if (d == '\'') {
                        if (i < text.length() && text.charAt(i) == '\'') {
                            value.append('\'');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        value.append(d);
                    }
                }
                tokens.add(new Token(Kind.TEXT, value.toString(), start));
            } else if ("=!<>".indexOf(c) >= 0) {
                int start = i;
                i++;
                if (i < text.length() && (text.charAt(i) == '=' || (c == '<' && text.charAt(i) == '>'))) {
                    i++;
                }
                String op = text.substring(start, i);
                if (op.equals("!")) {
                    throw new InvalidFilterException("filterCondition has '!' without '='.");
                }
                tokens.add(new Token(Kind.OPERATOR, op, start));
            } else if (c == '-' && i + 1 < text.length() && text.charAt(i + 1) == '-') {
                throw new InvalidFilterException("filterCondition may not contain comments ('--').");
            } else if (c == '-' || Character.isDigit(c)) {
                int start = i++;
                while (i < text.length() && (Character.isDigit(text.charAt(i)) || text.charAt(i) == '.')) {
                    i++;
                }
                String number = text.substring(start, i);
                if (!NUMBER.matcher(number).matches()) {
                    throw new InvalidFilterException("filterCondition has a malformed number '" + number + "'.");
                }
                tokens.add(new Token(Kind.NUMBER, number, start));
            } else if (isAsciiLetter(c)) {
                int start = i++;
                while (i < text.length() && isNameChar(text.charAt(i))) {
                    i++;
                }
                tokens.add(new Token(Kind.NAME, text.substring(start, i), start));
            } else {
                throw new InvalidFilterException("filterCondition may not contain '"
                        + (Character.isISOControl(c) ? "control characters such as tabs and line breaks" : c)
                        + "' (position " + (i + 1) + ").");
            }
            if (tokens.size() > MAX_TERMS * 8) {
                throw new InvalidFilterException("filterCondition is too complex.");
            }
        }
        return tokens;
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isNameChar(char c) {
        return isAsciiLetter(c) || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
    }

    // ---- grammar -------------------------------------------------------------------------------

    private static final class Parser {
        private final List<Token> tokens;
        private final Set<String> fields = new LinkedHashSet<>();
        private int position;
        private int terms;

        Parser(List<Token> tokens) {
            this.tokens = tokens;
        }

        private Token peek() {
            return position < tokens.size() ? tokens.get(position) : null;
        }

        private Token next(String expected) {
            Token token = peek();
            if (token == null) {
                throw new InvalidFilterException("filterCondition ends where " + expected + " was expected.");
            }
            position++;
            return token;
        }

        Predicate<Map<String, Object>> or(int depth) {
            if (depth > MAX_DEPTH) {
                throw new InvalidFilterException("filterCondition nests parentheses too deeply.");
            }
            Predicate<Map<String, Object>> left = and(depth);
            while (peek() != null && peek().isKeyword("OR")) {
                position++;
                left = left.or(and(depth));
            }
            return left;
        }

        private Predicate<Map<String, Object>> and(int depth) {
            Predicate<Map<String, Object>> left = unary(depth);
            while (peek() != null && peek().isKeyword("AND")) {
                position++;
                left = left.and(unary(depth));
            }
            return left;
        }

        private Predicate<Map<String, Object>> unary(int depth) {
            Token token = next("a condition");
            if (token.isKeyword("NOT")) {
                if (depth > MAX_DEPTH) {
                    throw new InvalidFilterException("filterCondition nests NOT too deeply.");
                }
                return unary(depth + 1).negate();
            }
            if (token.kind == Kind.OPEN) {
                Predicate<Map<String, Object>> inner = or(depth + 1);
                if (next("')'").kind != Kind.CLOSE) {
                    throw new InvalidFilterException("filterCondition misses a closing parenthesis.");
                }
                return inner;
            }
            if (token.kind != Kind.NAME || isReserved(token.text)) {
                throw new InvalidFilterException("filterCondition expects a field name at '" + token.text + "'.");
            }
            if (++terms > MAX_TERMS) {
                throw new InvalidFilterException("filterCondition has more than " + MAX_TERMS + " comparisons.");
            }
            return comparison(token.text);
        }

        private Predicate<Map<String, Object>> comparison(String field) {
            if (field.startsWith(".") || field.endsWith(".") || field.contains("..")) {
                throw new InvalidFilterException("filterCondition has a malformed field name '" + field + "'.");
            }
            fields.add(field);
            Token op = next("an operator");
            if (op.isKeyword("LIKE")) {
                Token pattern = next("a quoted pattern");
                if (pattern.kind != Kind.TEXT) {
                    throw new InvalidFilterException("LIKE takes a quoted pattern.");
                }
                String like = pattern.text;
                return record -> {
                    String value = RecordData.textAt(record, field);
                    return value != null && likeMatches(value, like);
                };
            }
            boolean negated = false;
            if (op.isKeyword("NOT")) {
                negated = true;
                op = next("IN");
            }
            if (op.isKeyword("IN")) {
                if (next("'('").kind != Kind.OPEN) {
                    throw new InvalidFilterException("IN takes a list in parentheses.");
                }
                List<String> values = new ArrayList<>();
                do {
                    values.add(value());
                    if (values.size() > MAX_TERMS) {
                        throw new InvalidFilterException(
                                "filterCondition: an IN list holds at most " + MAX_TERMS + " values.");
                    }
                } while (peek() != null && peek().kind == Kind.COMMA && position++ >= 0);
                if (next("')'").kind != Kind.CLOSE) {
                    throw new InvalidFilterException("IN misses its closing parenthesis.");
                }
                Predicate<Map<String, Object>> in = record -> {
                    String value = RecordData.textAt(record, field);
                    return value != null && values.stream().anyMatch(v -> compare(value, v) == 0);
                };
                return negated ? record -> RecordData.textAt(record, field) != null && !in.test(record) : in;
            }
            if (negated || op.kind != Kind.OPERATOR) {
                throw new InvalidFilterException("filterCondition expects an operator after '" + field + "'.");
            }
            String operator = op.text;
            String expected = value();
            return record -> {
                String value = RecordData.textAt(record, field);
                if (value == null) {
                    return operator.equals("!=") || operator.equals("<>");
                }
                int order = compare(value, expected);
                return switch (operator) {
                    case "=" -> order == 0;
                    case "!=", "<>" -> order != 0;
                    case "<" -> order < 0;
                    case "<=" -> order <= 0;
                    case ">" -> order > 0;
                    case ">=" -> order >= 0;
                    default -> throw new InvalidFilterException("Unknown operator " + operator);
                };
            };
        }

        private String value() {
            Token token = next("a value");
            if (token.kind != Kind.TEXT && token.kind != Kind.NUMBER) {
                throw new InvalidFilterException(
                        "filterCondition expects a quoted text or a number at '" + token.text + "'.");
            }
            return token.text;
        }
    }

    private static boolean isReserved(String word) {
        String upper = word.toUpperCase(Locale.ROOT);
        return upper.equals("AND")
                || upper.equals("OR")
                || upper.equals("NOT")
                || upper.equals("IN")
                || upper.equals("LIKE");
    }

    private static int compare(String actual, String expected) {
        if (NUMBER.matcher(actual).matches() && NUMBER.matcher(expected).matches()) {
            return new BigDecimal(actual).compareTo(new BigDecimal(expected));
        }
        return actual.compareTo(expected);
    }

    /**
     * LIKE by the classic two-pointer wildcard walk: time bounded by value length times pattern
     * length, with no regular expression that a crafted pattern could make backtrack.
     */
    static boolean likeMatches(String value, String like) {
        int v = 0;
        int p = 0;
        int starP = -1;
        int starV = 0;
        while (v < value.length()) {
            if (p < like.length() && (like.charAt(p) == '_' || like.charAt(p) == value.charAt(v))) {
                v++;
                p++;
            } else if (p < like.length() && like.charAt(p) == '%') {
                starP = p++;
                starV = v;
            } else if (starP >= 0) {
                p = starP + 1;
                v = ++starV;
            } else {
                return false;
            }
        }
        while (p < like.length() && like.charAt(p) == '%') {
            p++;
        }
        return p == like.length();
    }
}
