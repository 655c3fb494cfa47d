package io.pgferry.function;

import java.nio.file.Path;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The end-to-end suite again, against the packaged application started as its own process. */
@QuarkusIntegrationTest
class PackagedCopyFunctionIT extends BaseCopyFunction {
    /** Where {@code @QuarkusIntegrationTest} sends the application's output. */
    @Override
    Path logFile() {
        return Path.of("target/quarkus.log");
    }
}
