package io.pgferry.entry.http;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/** A standalone deployment with an API key: every endpoint wants it, the readiness probe does not. */
@QuarkusTest
@TestProfile(ApiKeyIT.WithApiKey.class)
class ApiKeyIT {
    private static final String KEY = "standalone-key-7f3c";

    public static final class WithApiKey implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pgferry.api.key", KEY);
        }
    }

    @Test
    void requestsWithoutTheKeyAre401WithoutEchoingAnything() throws Exception {
        given().contentType(ContentType.JSON)
                .body("{}")
                .post("/copy")
                .then()
                .statusCode(401)
                .body("errorCode", equalTo("Unauthorized"));
        given().contentType(ContentType.JSON)
                .header("x-functions-key", KEY + "x")
                .body("{}")
                .post("/runs")
                .then()
                .statusCode(401);
        given().contentType(ContentType.JSON)
                .queryParam("code", "wrong")
                .body("{}")
                .post("/copyOnQueue")
                .then()
                .statusCode(401);
        assertThat(Files.readString(Path.of("target/quarkus-test.log"))).doesNotContain(KEY);
    }

    @Test
    void theKeyInTheHeaderOrAsCodeLetsTheRequestThrough() {
        given().contentType(ContentType.JSON)
                .header("x-functions-key", KEY)
                .body("{}")
                .post("/copy")
                .then()
                .statusCode(400)
                .body("errorCode", equalTo("InvalidPayload"));
        given().contentType(ContentType.JSON)
                .queryParam("code", KEY)
                .body("{}")
                .post("/runs")
                .then()
                .statusCode(400)
                .body("errorCode", equalTo("InvalidPayload"));
        given().get("/").then().statusCode(org.hamcrest.Matchers.not(401));
    }
}
