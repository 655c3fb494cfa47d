package io.pgferry.payload;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.pgferry.contract.PipelineJob;

/**
 * A pipeline's activities as a tree, checked before anything runs: each is of a type pgferry runs, names are unique
 * in the pipeline, {@code dependsOn} names siblings with ADF's conditions and makes no circle.
 */
final class PipelineStructure {
    private static final Set<String> CONDITIONS = Set.of("Succeeded", "Failed", "Skipped", "Completed");
    private static final String TYPES =
            Arrays.stream(PipelineJob.Type.values()).map(Enum::name).collect(Collectors.joining(", "));

    private final Reading reading;

    PipelineStructure(Reading reading) {
        this.reading = reading;
    }

    /** @param names every activity name of the pipeline so far (ADF's names are unique in a pipeline) */
    List<PipelineJob.Activity> activities(Field array, Set<String> names) {
        if (!array.node().isArray() || array.node().isEmpty()) {
            reading.violation(array, array.present() ? "must be a non-empty array of activities" : "is required");
            return List.of();
        }
        List<PipelineJob.Activity> activities = new ArrayList<>();
        Map<String, Field> siblings = new HashMap<>();
        for (int i = 0; i < array.node().size(); i++) {
            Field activity = array.get(i);
            if (reading.object(activity) == null) {
                continue;
            }
            String name = reading.string(activity.get("name"), true);
            if (name != null && !names.add(name)) {
                reading.violation(activity.get("name"), "repeats the activity name '" + name + "'");
            }
            if (name != null) {
                siblings.put(name, activity);
            }
        }
        for (int i = 0; i < array.node().size(); i++) {
            Field activity = array.get(i);
            String name = activity.node().path("name").asText(null);
            PipelineJob.Type type = type(activity.get("type"));
            List<PipelineJob.Dependency> dependsOn = dependsOn(activity.get("dependsOn"), siblings.keySet(), name);
            if (name == null || type == null) {
                continue;
            }
            Field typeProperties = activity.get("typeProperties");
            List<PipelineJob.Activity> inner =
                    switch (type) {
                        case ForEach -> activities(typeProperties.get("activities"), names);
                        case IfCondition ->
                            typeProperties.get("ifTrueActivities").present()
                                    ? activities(typeProperties.get("ifTrueActivities"), names)
                                    : List.of();
                        default -> List.of();
                    };
            List<PipelineJob.Activity> otherwise = type == PipelineJob.Type.IfCondition
                            && typeProperties.get("ifFalseActivities").present()
                    ? activities(typeProperties.get("ifFalseActivities"), names)
                    : List.of();
            activities.add(new PipelineJob.Activity(
                    name, type, activity.pointer(), activity.node(), dependsOn, inner, otherwise));
        }
        refuseCircles(array, activities);
        return activities;
    }

    private PipelineJob.Type type(Field field) {
        String type = reading.string(field, true);
        if (type == null) {
            return null;
        }
        try {
            return PipelineJob.Type.valueOf(type);
        } catch (IllegalArgumentException e) {
            reading.violation(
                    field,
                    "'" + type + "' is an activity pgferry cannot run; it runs " + TYPES
                            + " (nothing of the pipeline ran)");
            return null;
        }
    }

    private List<PipelineJob.Dependency> dependsOn(Field field, Set<String> siblings, String self) {
        List<PipelineJob.Dependency> dependencies = new ArrayList<>();
        if (!field.present()) {
            return dependencies;
        }
        if (!field.node().isArray()) {
            reading.violation(field, "must be an array of {\"activity\", \"dependencyConditions\"}");
            return dependencies;
        }
        for (int i = 0; i < field.node().size(); i++) {
            Field dependency = field.get(i);
            String activity = reading.string(dependency.get("activity"), true);
            if (activity != null && (!siblings.contains(activity) || activity.equals(self))) {
                reading.violation(
                        dependency.get("activity"),
                        "names '" + activity + "', which is not another" + " activity beside this one");
                continue;
            }
            Field conditions = dependency.get("dependencyConditions");
            Set<String> named = new HashSet<>();
            if (!conditions.node().isArray() || conditions.node().isEmpty()) {
                reading.violation(conditions, "must list one or more of " + CONDITIONS);
                continue;
            }
            for (int j = 0; j < conditions.node().size(); j++) {
                if (reading.oneOf(conditions.get(j), CONDITIONS)) {
                    named.add(conditions.get(j).node().asText());
                }
            }
            if (activity != null) {
                dependencies.add(new PipelineJob.Dependency(activity, named));
            }
        }
        return dependencies;
    }

    /** Activities that wait for one another in a circle would never run. */
    private void refuseCircles(Field array, List<PipelineJob.Activity> activities) {
        Map<String, PipelineJob.Activity> byName = new HashMap<>();
        activities.forEach(activity -> byName.put(activity.name(), activity));
        Set<String> done = new HashSet<>();
        for (PipelineJob.Activity activity : activities) {
            if (circle(activity, byName, new HashSet<>(), done)) {
                reading.violation(
                        array,
                        "has activities whose dependsOn make a circle (one of them is '" + activity.name() + "')");
                return;
            }
        }
    }

    private static boolean circle(
            PipelineJob.Activity activity,
            Map<String, PipelineJob.Activity> byName,
            Set<String> path,
            Set<String> done) {
        if (done.contains(activity.name())) {
            return false;
        }
        if (!path.add(activity.name())) {
            return true;
        }
        for (PipelineJob.Dependency dependency : activity.dependsOn()) {
            PipelineJob.Activity before = byName.get(dependency.activity());
            if (before != null && circle(before, byName, path, done)) {
                return true;
            }
        }
        path.remove(activity.name());
        done.add(activity.name());
        return false;
    }
}
