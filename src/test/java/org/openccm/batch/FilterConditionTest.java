package org.openccm.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FilterConditionTest {
    private static final Map<String, Object> CLARA = Map.of(
            "Record",
            Map.of("city", "Bristol", "premium_amount", "1249.50", "country", "United Kingdom", "name", "O'Brien"));

    private static boolean matches(String condition) {
        return FilterCondition.parse(condition).matches(CLARA);
    }

    @Test
    void comparesNumbersAsNumbersAndTextAsText() {
        assertThat(matches("Record.premium_amount > 999")).isTrue();
        assertThat(matches("Record.premium_amount >= 1249.5")).isTrue();
        assertThat(matches("Record.premium_amount < 1000")).isFalse();
        assertThat(matches("Record.city = 'Bristol'")).isTrue();
        assertThat(matches("Record.city <> 'Bristol'")).isFalse();
        assertThat(matches("Record.name = 'O''Brien'")).isTrue();
    }

    @Test
    void combinesWithPrecedenceParenthesesAndNot() {
        assertThat(matches("Record.city = 'Lyon' OR Record.city = 'Bristol' AND Record.country = 'France'"))
                .isFalse();
        assertThat(matches("(Record.city = 'Lyon' OR Record.city = 'Bristol') AND NOT Record.country = 'France'"))
                .isTrue();
        assertThat(matches("Record.city in ('Lyon', 'Bristol')")).isTrue();
        assertThat(matches("Record.city NOT IN ('Lyon', 'Bristol')")).isFalse();
        assertThat(matches("Record.country LIKE 'United%'")).isTrue();
        assertThat(matches("Record.country LIKE 'Unit_d K%m'")).isTrue();
        assertThat(matches("Record.missing = 'x'")).isFalse();
        assertThat(FilterCondition.parse("Record.city = 'x' and Record.country = 'y'")
                        .fields())
                .containsExactly("Record.city", "Record.country");
    }

    @Test
    void refusesEverythingOutsideTheGrammar() {
        for (String bad : List.of(
                "Record.city = 'x'; delete from users",
                "Record.city = 'x' -- c",
                "Record.city = 'x' /* c */",
                "1 = 1",
                "Record.city = Record.country",
                "Record.city",
                "Record.city =",
                "(Record.city = 'x'",
                "Record.city = 'x')",
                "Record..city = 'x'",
                "Record.city = 'x' AND",
                "Record.city = 'x\u0000'",
                "Record.city = \"x\"",
                "Record.city = 1e9",
                "select = 'x' OR AND = 'y'",
                "x".repeat(251))) {
            assertThatThrownBy(() -> FilterCondition.parse(bad))
                    .as(bad)
                    .isInstanceOf(FilterCondition.InvalidFilterException.class);
        }
        assertThatThrownBy(() -> FilterCondition.parse("(".repeat(40) + "Record.city = 'x'" + ")".repeat(40)))
                .isInstanceOf(FilterCondition.InvalidFilterException.class);
        assertThatThrownBy(() -> FilterCondition.parse("NOT ".repeat(40) + "Record.city = 'x'"))
                .isInstanceOf(FilterCondition.InvalidFilterException.class);
        assertThatThrownBy(() -> FilterCondition.parse("Record.city = 'x' -- c"))
                .hasMessageContaining("comments");
        assertThatThrownBy(() -> FilterCondition.parse("Record.city =\t'x'")).hasMessageContaining("tabs");
    }

    @Test
    void likeOnAHostilePatternStaysLinearEnough() {
        String value = "a".repeat(60_000);
        long started = System.nanoTime();
        assertThat(FilterCondition.likeMatches(value, "%a%a%a%a%a%a%a%a%a%a%a%a%b"))
                .isFalse();
        assertThat(FilterCondition.likeMatches(value, "%a")).isTrue();
        assertThat(FilterCondition.likeMatches("", "%")).isTrue();
        assertThat(FilterCondition.likeMatches("abc", "a_c")).isTrue();
        assertThat(FilterCondition.likeMatches("abc", "a_")).isFalse();
        assertThat(System.nanoTime() - started).isLessThan(5_000_000_000L);
    }
}
