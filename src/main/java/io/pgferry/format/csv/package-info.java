/**
 * DelimitedText: PostgreSQL's own CSV COPY, passed through with ADF's header and options.
 */
package io.pgferry.format.csv;
