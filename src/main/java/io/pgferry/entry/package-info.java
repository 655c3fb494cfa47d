/**
 * The ways in, one package per function of {@code function-app/}: each parses its host's envelope, hands the
 * payload to {@code intake.CopyIntake} and shapes the answer.
 */
package io.pgferry.entry;
