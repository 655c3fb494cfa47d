package io.pgferry.testing;

import static io.restassured.RestAssured.given;

import java.time.Duration;

import io.restassured.response.Response;

/** Polls a run's status URL as Logic Apps does: until the first answer that is not 202. */
public final class AsyncRuns {
    private AsyncRuns() {}

    public static Response pollUntilNot202(String location) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            Response response = given().get(location);
            if (response.statusCode() != 202) {
                return response;
            }
            Processes.sleep(100);
        }
        throw new AssertionError("still 202 after 60 s: " + location);
    }
}
