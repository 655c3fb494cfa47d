package io.pgferry.payload.expression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

class ExpressionsTest {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final Expressions.Scope SCOPE = new Expressions.Scope(
            pipeline(),
            JSON.objectNode().put("folder", "in/box"),
            JSON.objectNode().put("db", "shop"),
            JSON.objectNode().put("startTime", "2026-11-24T08:00:00Z"),
            Instant.parse("2026-11-24T08:09:10.5Z"));

    private static ObjectNode pipeline() {
        ObjectNode pipeline = JSON.objectNode().put("RunId", "run-1");
        pipeline.set(
                "parameters",
                Expressions.parameters(
                        JSON.objectNode(),
                        Map.of(
                                "n",
                                JSON.numberNode(42),
                                "day",
                                JSON.textNode("2024-03-10T01:30:00Z"),
                                "name",
                                JSON.textNode("O'Brien"))));
        return pipeline;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "@pipeline().parameters.n|42",
                "n = @{pipeline().parameters.n}!|n = 42!",
                "@@pipeline()|@pipeline()",
                "@concat('a', 'b''c', pipeline().RunId)|ab'crun-1",
                "@formatDateTime(pipeline().parameters.day, 'yyyy/MM/dd')|2024/03/10",
                "@{formatDateTime(addDays(pipeline().parameters.day, -1), 'yyyy-MM-dd')}|2024-03-09",
                "@addHours(trigger().startTime, 2, 'HH:mm')|10:00",
                "@utcnow()|2026-11-24T08:09:10.5000000Z",
                "@utcNow('yyyyMMdd')|20261124",
                "@dataset().folder|in/box",
                "@toUpper(linkedService().db)|SHOP",
                "@coalesce(pipeline()?.missing, 'fallback')|fallback",
                "x/@{pipeline().parameters.name}/y|x/O'Brien/y"
            })
    void evaluatesTheSubsetUsersSend(String expression, String expected) {
        assertThat(Expressions.asText(Expressions.evaluate(expression, SCOPE))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "@activity('Lookup').output.firstRow.id|activity 'Lookup', which has not run",
                "@pipeline().parameters.absent|'absent', which is not given",
                "@variables('x')|variable 'x'",
                "@concat('a|unterminated string",
                "@concat('a'|expects ')'",
                "@{pipeline().RunId|unclosed"
            })
    void refusesWhatItCannotEvaluate(String expression, String reason) {
        assertThatThrownBy(() -> Expressions.evaluate(expression, SCOPE))
                .isInstanceOf(Expressions.ExpressionException.class)
                .hasMessageContaining(reason);
    }

    @ParameterizedTest(name = "nesting {0}")
    @ValueSource(ints = {33, 100_000})
    void refusesNestingBeyondItsLimitWithoutOverflowingTheStack(int depth) {
        String expression = "@" + "concat(".repeat(depth) + "'x'" + ")".repeat(depth);
        assertThatThrownBy(() -> Expressions.evaluate(expression, SCOPE))
                .isInstanceOf(Expressions.ExpressionException.class)
                .hasMessageContaining("nests deeper than 32");
    }

    @Test
    void parsesOnceAndEvaluatesInEachScope() {
        Template template = Template.parse("out/@{dataset().folder}/@{pipeline().parameters.list[1]}");
        assertThat(template).isInstanceOf(Template.Interpolated.class);
        ObjectNode pipeline = JSON.objectNode();
        pipeline.set(
                "parameters",
                JSON.objectNode().set("list", JSON.arrayNode().add("a").add("b")));
        Expressions.Scope first = new Expressions.Scope(
                pipeline, JSON.objectNode().put("folder", "one"), JSON.objectNode(), JSON.objectNode(), Instant.EPOCH);
        assertThat(template.evaluate(first).textValue()).isEqualTo("out/one/b");
        assertThat(template.evaluate(first.withDataset(JSON.objectNode().put("folder", "two")))
                        .textValue())
                .isEqualTo("out/two/b");
    }

    @Test
    void buildsATreeOfCallsMembersAndIndexes() {
        Expression expression = ExpressionParser.parse("pipeline()?.parameters['x'].y");
        assertThat(expression)
                .isEqualTo(new Expression.Member(
                        new Expression.Index(
                                new Expression.Member(
                                        new Expression.Call("pipeline", java.util.List.of()), "parameters", true),
                                new Expression.Literal(JSON.textNode("x"))),
                        "y",
                        false));
    }

    /** The innermost argument is a level of its own. */
    @Test
    void evaluatesNestingUpToItsLimit() {
        int calls = ExpressionParser.MAX_DEPTH - 1;
        String expression = "@" + "concat(".repeat(calls) + "'x'" + ")".repeat(calls);
        assertThat(Expressions.asText(Expressions.evaluate(expression, SCOPE))).isEqualTo("x");
    }

    /** The text that took seconds per 100k characters when each '}' re-scanned the interpolation's start. */
    @Test
    void interpolationFindsItsClosingBraceInOnePass() {
        String braces = "}".repeat(400_000);
        String text = "@{'" + braces + "'}";
        assertThat(Expressions.asText(Expressions.evaluate(text, SCOPE))).isEqualTo(braces);
        assertThatThrownBy(() -> Expressions.evaluate("@{'" + braces, SCOPE))
                .isInstanceOf(Expressions.ExpressionException.class)
                .hasMessageContaining("unclosed @{");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "@addDays(utcnow(), 1000000000000000000)",
                "@addHours(utcnow(), 9223372036854775807)",
                "@concat(99999999999999999999)",
                "@concat(-)",
                "@concat(1.2.3)"
            })
    void numbersAndDatesOutOfRangeAreTheRequestsFault(String expression) {
        assertThatThrownBy(() -> Expressions.evaluate(expression, SCOPE))
                .isInstanceOf(Expressions.ExpressionException.class)
                .hasMessageContaining("out of range");
    }
}
