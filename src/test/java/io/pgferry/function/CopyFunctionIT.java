package io.pgferry.function;

import io.quarkus.test.junit.QuarkusTest;

/** The end-to-end suite against the application running in the test JVM. */
@QuarkusTest
class CopyFunctionIT extends BaseCopyFunction {
}
