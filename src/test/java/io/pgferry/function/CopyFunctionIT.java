package io.pgferry.function;

import java.nio.file.Path;

import io.quarkus.test.junit.QuarkusTest;

/** The end-to-end suite against the application running in the test JVM. */
@QuarkusTest
class CopyFunctionIT extends BaseCopyFunction {
    @Override
    Path logFile() {
        return Path.of("target/quarkus-test.log");
    }
}
