package io.pgferry.contract;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A pipeline run request whose structure has been checked: every activity is one pgferry runs, names are unique, and
 * each {@code dependsOn} names a sibling. Each activity's settings are read when it starts, since its expressions may
 * use what ran before it ({@code @activity(...)}, {@code @item()}, {@code @variables(...)}).
 *
 * @param request the whole request, from which each activity is read (datasets, linked services, parameters)
 * @param variables the pipeline's variables with their default values
 */
public record PipelineJob(
        String runId, String name, JsonNode request, List<Activity> activities, Map<String, JsonNode> variables) {
    public PipelineJob {
        requireNonNull(runId, "runId is null");
        requireNonNull(name, "name is null");
        requireNonNull(request, "request is null");
        activities = List.copyOf(activities);
        variables = Map.copyOf(variables);
    }

    /** The activity types pgferry runs. */
    public enum Type {
        Copy,
        Lookup,
        ForEach,
        IfCondition,
        SetVariable,
        Wait
    }

    /**
     * An activity as the pipeline defines it.
     *
     * @param pointer where the request gives it
     * @param json its definition, read when it starts
     * @param inner a ForEach's activities; an IfCondition's when true
     * @param otherwise an IfCondition's activities when false
     */
    public record Activity(
            String name,
            Type type,
            String pointer,
            JsonNode json,
            List<Dependency> dependsOn,
            List<Activity> inner,
            List<Activity> otherwise) {
        public Activity {
            requireNonNull(name, "name is null");
            requireNonNull(type, "type is null");
            dependsOn = List.copyOf(dependsOn);
            inner = List.copyOf(inner);
            otherwise = List.copyOf(otherwise);
        }
    }

    /** {@code dependsOn}: this activity runs when {@code activity} ended in one of {@code conditions}. */
    public record Dependency(String activity, Set<String> conditions) {
        public Dependency {
            requireNonNull(activity, "activity is null");
            conditions = Set.copyOf(conditions);
        }
    }
}
