package io.pgferry.testing;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/** Requests to the application under test, as a caller sends them. */
public final class Requests {
    private Requests() {}

    /** {@code POST path} with the JSON body. */
    public static ValidatableResponse postJson(String path, ObjectNode body) {
        return given().contentType(ContentType.JSON)
                .body(body.toString())
                .post(path)
                .then();
    }
}
