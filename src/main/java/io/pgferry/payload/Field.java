package io.pgferry.payload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

/** A node of the request together with its RFC 6901 JSON pointer, so every violation can say where it is. */
record Field(JsonNode node, String pointer) {

    static Field root(JsonNode node) {
        return new Field(node == null ? MissingNode.getInstance() : node, "");
    }

    Field get(String name) {
        return new Field(
                node.path(name), pointer + "/" + name.replace("~", "~0").replace("/", "~1"));
    }

    Field get(int index) {
        return new Field(node.path(index), pointer + "/" + index);
    }

    /** Absent and JSON {@code null} are the same to ADF. */
    boolean present() {
        return !node.isMissingNode() && !node.isNull();
    }
}
