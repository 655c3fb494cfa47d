package io.pgferry.contract;

/** The file format of a sink dataset. */
public sealed interface SinkFormat permits DelimitedTextFormat, JsonFormat, ParquetFormat, AvroFormat {}
