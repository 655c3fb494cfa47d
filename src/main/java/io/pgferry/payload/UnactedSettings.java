package io.pgferry.payload;

import java.util.List;

/**
 * The settings of a Copy activity, its source and its sink that pgferry does not act on: each is refused when it asks
 * for something pgferry does not do, and read (so not refused as unknown) when ADF gives it no effect here.
 */
final class UnactedSettings {
    private UnactedSettings() {}

    /**
     * The Copy activity's settings that pgferry does not act on: refused when they ask for something pgferry does not
     * do, accepted when ADF gives them no effect for a database source and a file sink.
     */
    static void activity(Reading reading, Field typeProperties) {
        refuseWhenTrue(reading, typeProperties.get("enableStaging"), "staged copy is not supported");
        refuseWhenTrue(
                reading,
                typeProperties.get("enableSkipIncompatibleRow"),
                "skipping incompatible rows is not supported: a row pgferry cannot write fails the copy, and nothing"
                        + " is written");
        if (typeProperties.get("redirectIncompatibleRowSettings").present()) {
            reading.violation(
                    typeProperties.get("redirectIncompatibleRowSettings"),
                    "is not supported: pgferry skips no rows, so it redirects none");
        }
        refuseWhenTrue(
                reading,
                typeProperties.get("logSettings").get("enableCopyActivityLog"),
                "the copy activity's session log is not supported; the run's statistics and manifest say what was"
                        + " copied");
        for (String noEffect : List.of(
                "logSettings",
                "stagingSettings",
                "dataIntegrationUnits",
                "preserve",
                "preserveRules",
                "skipErrorFile")) {
            // Compute is the function's own; the others apply to staged or file-to-file copies only.
            typeProperties.get(noEffect);
        }
        Field logSettings = typeProperties.get("logSettings");
        if (logSettings.node().isObject()) {
            reading.strict(logSettings);
            logSettings.get("logLocationSettings");
            logSettings.get("copyActivityLogSettings");
        }
    }

    /**
     * ADF retries a failed read or write within the activity; pgferry's unit of retry is the whole copy (the queue and
     * Event Grid redeliver, {@code /runs} callers start again), so it refuses these rather than ignore them.
     * {@code disableMetricsCollection} has no effect: pgferry asks the stores for no metrics.
     */
    static void retries(Reading reading, Field settings) {
        String side = settings.name();
        for (String retry : List.of(side + "RetryCount", side + "RetryWait")) {
            if (settings.get(retry).present()) {
                reading.violation(
                        settings.get(retry),
                        "is not supported: pgferry retries a whole copy, not a read or a write within it;"
                                + " let the trigger redeliver, or start the run again");
            }
        }
        reading.bool(settings.get("disableMetricsCollection"), false);
    }

    private static void refuseWhenTrue(Reading reading, Field field, String reason) {
        if (reading.bool(field, false)) {
            reading.violation(field, reason + "; remove it or set false");
        }
    }
}
