package io.pgferry.function;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The end-to-end suite again, against the packaged application started as its own process. */
@QuarkusIntegrationTest
class PackagedCopyFunctionIT extends BaseCopyFunction {}
