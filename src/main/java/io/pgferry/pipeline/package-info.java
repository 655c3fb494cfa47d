/**
 * Runs a pipeline: activities in dependsOn order, ForEach iterations, IfCondition branches, variables, and one
 * database snapshot for every read of the run.
 */
package io.pgferry.pipeline;
