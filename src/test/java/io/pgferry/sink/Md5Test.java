package io.pgferry.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import org.junit.jupiter.api.Test;

/** The MD5 of a file's bytes as they are written, and Blob Storage's base64 of it. */
class Md5Test {

    @Test
    void theDigestOfBytesAddedInPiecesIsTheDigestOfTheWhole() throws Exception {
        byte[] bytes = "The quick brown fox jumps over the lazy dog".getBytes(StandardCharsets.US_ASCII);
        Md5 md5 = new Md5();
        md5.update(bytes, 0, 10);
        md5.update(bytes, 10, 0);
        md5.update(bytes, 10, bytes.length - 10);

        assertThat(md5.value()).hasValue(MessageDigest.getInstance("MD5").digest(bytes));
        // RFC 1321's well-known digest of this sentence, as Content-MD5 writes it.
        assertThat(Md5.base64(md5.value().orElseThrow())).isEqualTo("nhB9nTcrtoJr2B01QqQZ1g==");
    }

    @Test
    void theValueIsACopyAndStaysTheSame() {
        Md5 md5 = new Md5();
        byte[] first = md5.value().orElseThrow();
        first[0] ^= 1;

        assertThat(md5.value().orElseThrow()).isNotEqualTo(first);
        assertThat(Md5.base64(md5.value().orElseThrow())).as("MD5 of nothing").isEqualTo("1B2M2Y8AsgTpgAmY7PhCfg==");
    }

    @Test
    void aFileWhoseHeadComesLastHasNone() {
        Md5 md5 = new Md5();
        md5.update(new byte[] {1, 2, 3}, 0, 3);
        md5.unknowable();
        md5.update(new byte[] {4}, 0, 1);

        assertThat(md5.value()).isEmpty();
    }
}
