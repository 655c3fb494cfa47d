package io.pgferry.sink.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FileChunk} in a temporary folder: written under its temporary name, invisible under its own until the commit
 * renames it over any earlier file, and checked, deleted or discarded as the chunk contract says.
 */
class FileChunkTest {
    @TempDir
    Path folder;

    @Test
    void theFileAppearsWholeUnderItsNameOnlyAtCommit() throws Exception {
        Path target = folder.resolve("data_00000.csv");
        Path temporary = folder.resolve(".pgferry-1.tmp");
        FileChunk chunk = new FileChunk(target, temporary, () -> {});
        byte[] bytes = utf8("id,name\n1,é\n");

        chunk.write(bytes, 0, 3);
        chunk.write(bytes, 3, bytes.length - 3);
        chunk.finish();

        assertThat(target).doesNotExist();
        assertThat(temporary).hasBinaryContent(bytes);
        chunk.commit();
        assertThat(target).hasBinaryContent(bytes);
        assertThat(temporary).doesNotExist();
        assertThat(chunk.bytes()).isEqualTo(bytes.length);
        assertThat(chunk.md5()).hasValue(MessageDigest.getInstance("MD5").digest(bytes));
        assertThat(chunk.path()).isEqualTo(target.toString());
    }

    @Test
    void aCommitReplacesAnEarlierFileAndADiscardLeavesItAsItWas() throws Exception {
        Path target = Files.writeString(folder.resolve("orders.csv"), "old\n");
        FileChunk replaced = new FileChunk(target, folder.resolve(".a.tmp"), () -> {});
        FileChunk discarded = new FileChunk(target, folder.resolve(".b.tmp"), () -> {});

        discarded.write(utf8("never\n"), 0, 6);
        discarded.discard();
        discarded.discard();
        assertThat(target).hasContent("old");
        assertThat(folder.resolve(".b.tmp")).doesNotExist();

        replaced.write(utf8("new\n"), 0, 4);
        replaced.finish();
        replaced.commit();
        assertThat(target).hasContent("new");
    }

    @Test
    void reservedBytesAreZerosUntilFilledAndLeaveNoMd5() throws Exception {
        Path target = folder.resolve("a.tar");
        FileChunk chunk = new FileChunk(target, folder.resolve(".a.tmp"), () -> {});

        chunk.reserve(4);
        chunk.write(utf8("body"), 0, 4);
        assertThatThrownBy(() -> chunk.fillReserved(new byte[3])).hasMessage("3 bytes for 4 reserved");
        chunk.fillReserved(utf8("head"));
        chunk.finish();
        chunk.commit();

        assertThat(target).hasContent("headbody");
        assertThat(chunk.bytes()).isEqualTo(8);
        assertThat(chunk.md5()).isEmpty();
        chunk.verify();
    }

    @Test
    void verifyFindsAFileOfAnotherSizeOrOtherBytes() throws Exception {
        Path target = folder.resolve("v.csv");
        FileChunk chunk = new FileChunk(target, folder.resolve(".v.tmp"), () -> {});
        chunk.write(utf8("abc\n"), 0, 4);
        chunk.finish();
        chunk.commit();
        chunk.verify();

        Files.writeString(target, "abcd\n");
        assertThatThrownBy(chunk::verify).hasMessage(target + " holds 5 bytes, not the 4 written");
        Files.writeString(target, "abd\n");
        assertThatThrownBy(chunk::verify).hasMessage(target + " has another MD5 than the bytes written");
    }

    @Test
    void aFailedCheckBeforeCommitLeavesTheTargetUntouched() throws Exception {
        Path target = folder.resolve("c.csv");
        FileChunk chunk = new FileChunk(target, folder.resolve(".c.tmp"), () -> {
            throw new IllegalStateException("the folder moved");
        });
        chunk.write(utf8("x\n"), 0, 2);
        chunk.finish();

        assertThatThrownBy(chunk::commit).hasMessage("the folder moved");
        assertThat(target).doesNotExist();
    }

    @Test
    void anExistingTemporaryNameOrLinkIsNeverWrittenThrough() throws Exception {
        Path victim = Files.writeString(folder.resolve("victim"), "keep");
        Path link = Files.createSymbolicLink(folder.resolve(".link.tmp"), victim);

        assertThatThrownBy(() -> new FileChunk(folder.resolve("t.csv"), link, () -> {}))
                .isInstanceOf(FileAlreadyExistsException.class);
        assertThat(victim).hasContent("keep");
    }

    @Test
    void deleteRemovesTheCommittedFileAndIsSafeWhenItIsGone() throws Exception {
        Path target = folder.resolve("d.csv");
        FileChunk chunk = new FileChunk(target, folder.resolve(".d.tmp"), () -> {});
        chunk.finish();
        chunk.commit();
        assertThat(target).exists().isEmptyFile();

        chunk.delete();
        chunk.delete();

        assertThat(target).doesNotExist();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
