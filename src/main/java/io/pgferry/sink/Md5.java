package io.pgferry.sink;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Optional;

/**
 * The MD5 of a file's bytes, computed as they are written (what Blob Storage keeps as {@code Content-MD5}), so a file
 * is never read again to be described. A file whose first bytes are written last cannot have one.
 */
public final class Md5 {
    private MessageDigest digest = newDigest();
    private byte[] result;

    /** The MD5 another instance computed of a file's bytes, or an unknowable one (null). */
    public static Md5 known(byte[] md5) {
        Md5 known = new Md5();
        if (md5 == null) {
            known.unknowable();
        } else {
            known.result = md5.clone();
        }
        return known;
    }

    /** Adds bytes written in order. */
    public void update(byte[] bytes, int offset, int length) {
        if (digest != null) {
            digest.update(bytes, offset, length);
        }
    }

    /** The file's first bytes come last: no MD5 can be computed while streaming. */
    public void unknowable() {
        digest = null;
    }

    /** The digest of everything added; empty when {@link #unknowable()}. */
    public Optional<byte[]> value() {
        if (digest == null) {
            return Optional.empty();
        }
        if (result == null) {
            result = digest.digest();
        }
        return Optional.of(result.clone());
    }

    /** Base64, as {@code Content-MD5} writes it. */
    public static String base64(byte[] md5) {
        return Base64.getEncoder().encodeToString(md5);
    }

    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has MD5", e);
        }
    }
}
