package io.pgferry.payload.expression;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A parsed expression: what {@link ExpressionParser} makes of the text after {@code @} or inside {@code @{...}}, to be
 * evaluated any number of times against a {@link Expressions.Scope} (once per ForEach item, say).
 */
public sealed interface Expression {
    /** A string or number literal. */
    record Literal(JsonNode value) implements Expression {}

    /** {@code name(arguments...)}: a function, or a scope such as {@code pipeline()}. */
    record Call(String name, List<Expression> arguments) implements Expression {
        public Call {
            arguments = List.copyOf(arguments);
        }
    }

    /** {@code target.name}, or {@code target?.name} ({@code optional}: missing instead of an error). */
    record Member(Expression target, String name, boolean optional) implements Expression {}

    /** {@code target[key]}: a property by name, or an array element by position. */
    record Index(Expression target, Expression key) implements Expression {}
}
