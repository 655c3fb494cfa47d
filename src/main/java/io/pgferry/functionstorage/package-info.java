/**
 * The function's own storage account ({@code AzureWebJobsStorage}), by connection string or identity.
 */
package io.pgferry.functionstorage;
