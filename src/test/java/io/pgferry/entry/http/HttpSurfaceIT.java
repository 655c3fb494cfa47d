package io.pgferry.entry.http;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** What the HTTP surface answers beyond the copy: an index at {@code /}, 405 for the wrong method, 404 elsewhere. */
@QuarkusTest
class HttpSurfaceIT {
    @Test
    void theRootNamesTheServiceAndItsEndpoints() {
        given().get("/")
                .then()
                .statusCode(200)
                .contentType(ContentType.JSON)
                .body("name", equalTo("pgferry"))
                .body("endpoints.path", hasItems("/copy", "/runs", "/pipelines", "/openapi/openapi.json"));
    }

    @Test
    void aFunctionAnswersAnotherMethodWith405AndWhatItAllows() {
        for (String method : new String[] {"GET", "PUT", "DELETE"}) {
            given().request(method, "/copy")
                    .then()
                    .statusCode(405)
                    .header("Allow", "POST")
                    .body("errorCode", equalTo("MethodNotAllowed"));
        }
        given().get("/copyOnQueue").then().statusCode(405).header("Allow", "POST");
    }

    @Test
    void anUnknownPathIsA404WithAnAdfStyleBody() {
        given().get("/copy/extra")
                .then()
                .statusCode(404)
                .body("errorCode", equalTo("NotFound"))
                .body("failureType", equalTo("UserError"));
    }
}
