package io.pgferry.payload;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

/**
 * A node of the request together with its RFC 6901 JSON pointer, so every violation can say where it is. Every
 * property a reader looks up is remembered (in a set the request's fields share), so what no reader looked at can be
 * found and refused rather than silently ignored.
 */
record Field(JsonNode node, String pointer, Set<String> consulted) {

    static Field root(JsonNode node) {
        return new Field(node == null ? MissingNode.getInstance() : node, "", new HashSet<>());
    }

    Field get(String name) {
        String child = pointer + "/" + name.replace("~", "~0").replace("/", "~1");
        consulted.add(child);
        return new Field(node.path(name), child, consulted);
    }

    Field get(int index) {
        return new Field(node.path(index), pointer + "/" + index, consulted);
    }

    /** Another value standing where this one stands (what an expression here evaluated to). */
    Field as(JsonNode value) {
        return new Field(value, pointer, consulted);
    }

    /** Absent and JSON {@code null} are the same to ADF. */
    boolean present() {
        return !node.isMissingNode() && !node.isNull();
    }

    /** This object's properties that no reader has looked up. */
    List<Field> unconsulted() {
        List<Field> unread = new ArrayList<>();
        node.fieldNames().forEachRemaining(name -> {
            String child = pointer + "/" + name.replace("~", "~0").replace("/", "~1");
            if (!consulted.contains(child) && !node.path(name).isNull()) {
                unread.add(new Field(node.path(name), child, consulted));
            }
        });
        return unread;
    }

    /** The name of the property this field is, or its index. */
    String name() {
        return pointer.substring(pointer.lastIndexOf('/') + 1)
                .replace("~1", "/")
                .replace("~0", "~");
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Field field && node.equals(field.node) && pointer.equals(field.pointer);
    }

    @Override
    public int hashCode() {
        return Objects.hash(node, pointer);
    }
}
