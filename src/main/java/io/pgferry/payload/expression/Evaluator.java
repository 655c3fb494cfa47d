package io.pgferry.payload.expression;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import io.pgferry.payload.expression.Expressions.ExpressionException;
import io.pgferry.payload.expression.Expressions.Scope;

/** Evaluates a parsed {@link Expression} in a scope; its recursion is as deep as the parser allowed, no deeper. */
final class Evaluator {
    private Evaluator() {}

    static JsonNode evaluate(Expression expression, Scope scope) {
        if (expression instanceof Expression.Literal literal) {
            return literal.value();
        }
        if (expression instanceof Expression.Call call) {
            List<JsonNode> arguments = new ArrayList<>(call.arguments().size());
            for (Expression argument : call.arguments()) {
                arguments.add(evaluate(argument, scope));
            }
            return Functions.call(call.name(), arguments, scope);
        }
        if (expression instanceof Expression.Member member) {
            JsonNode target = evaluate(member.target(), scope);
            if (!member.optional() && !target.has(member.name())) {
                throw new ExpressionException("refers to '" + member.name() + "', which is not given");
            }
            return target.path(member.name());
        }
        Expression.Index index = (Expression.Index) expression;
        JsonNode target = evaluate(index.target(), scope);
        JsonNode key = evaluate(index.key(), scope);
        return target.isArray() && key.canConvertToInt() && key.isIntegralNumber()
                ? target.path(key.intValue())
                : target.path(Expressions.asText(key));
    }
}
