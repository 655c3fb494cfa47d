package io.pgferry.entry.http;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
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
    void theApiDescriptionListsEveryErrorCodeTheEndpointsAnswer() {
        given().get("/openapi/swagger.json")
                .then()
                .statusCode(200)
                .body("paths.'/runs'.post.responses.'409'.description", containsString("RunInProgress"))
                .body("paths.'/runs'.post.responses.'502'.description", containsString("RunStoreUnavailable"))
                .body("paths.'/pipelines'.post.responses.'400'.description", containsString("ActivityFailed"))
                .body("definitions.Error.properties.errorCode.enum", hasItems("WatermarkColumnInvalid", "InstanceBusy"))
                .body("info.description", containsString("Avro"));
        given().get("/openapi/openapi.json")
                .then()
                .statusCode(200)
                .body("paths.'/runs'.post.responses.'409'.description", containsString("RunInProgress"))
                .body("components.schemas.Error.properties.errorCode.enum", hasItems("WatermarkColumnInvalid"));
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
