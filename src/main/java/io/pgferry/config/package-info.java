/**
 * Settings of this deployment ({@code pgferry.*} in application.properties and the environment), as typed
 * config mappings.
 */
package io.pgferry.config;
