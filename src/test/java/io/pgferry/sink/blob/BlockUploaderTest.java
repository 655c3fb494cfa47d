package io.pgferry.sink.blob;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The instance-wide budget for block buffers, as copies take and give back memory. */
class BlockUploaderTest {
    private static final int KIB = 1024;
    private static final int BLOCK = 1024 * KIB;

    @Test
    void aBlobStartsSmallAndGrowsToABlockTakingOnlyWhatItHolds() {
        BufferBudget budget = new BufferBudget(16L * BLOCK);
        try (BlockUploader uploader = new BlockUploader(budget, BLOCK, 2)) {
            byte[] first = uploader.start();
            assertThat(first).hasSize(BlockUploader.FIRST_BUFFER);
            assertThat(budget.freeKib()).isEqualTo(16 * 1024 - 64);
            first[0] = 42;

            byte[] second = uploader.grow(first, first.length);
            assertThat(second).hasSize(256 * KIB);
            assertThat(second[0]).isEqualTo((byte) 42);
            byte[] full = uploader.grow(second, second.length);
            assertThat(full).hasSize(BLOCK);
            assertThat(budget.freeKib()).isEqualTo(15 * 1024);

            uploader.release(full);
            assertThat(uploader.start()).as("a free block is reused").isSameAs(full);
        }
        assertThat(budget.freeKib()).as("all given back").isEqualTo(16 * 1024);
    }

    @Test
    void aBlockGoesToTheHttpClientInSlicesThatAreViewsOfItsBuffer() {
        byte[] buffer = new byte[BLOCK];
        int length = 2 * BlockUploader.SLICE + 1000;
        buffer[length - 1] = 7;

        List<ByteBuffer> slices = BlockUploader.slices(buffer, length);

        assertThat(slices)
                .extracting(ByteBuffer::remaining)
                .containsExactly(BlockUploader.SLICE, BlockUploader.SLICE, 1000);
        assertThat(slices).allSatisfy(slice -> assertThat(slice.array()).isSameAs(buffer));
        assertThat(slices.get(2).get(999)).as("the last byte staged").isEqualTo((byte) 7);
        assertThat(BlockUploader.slices(buffer, 0))
                .extracting(ByteBuffer::remaining)
                .containsExactly(0);
        assertThat(BlockUploader.slices(buffer, BlockUploader.SLICE))
                .extracting(ByteBuffer::remaining)
                .containsExactly(BlockUploader.SLICE);
    }

    @Test
    void aCopyThatHoldsMemoryStagesSmallerBlocksRatherThanWaitForMore() {
        BufferBudget budget = new BufferBudget(2L * BLOCK);
        BlockUploader other = new BlockUploader(budget, BLOCK, 2);
        try (BlockUploader uploader = new BlockUploader(budget, BLOCK, 2)) {
            byte[] small = uploader.start();
            byte[] hog = other.grow(other.grow(other.start(), 0), 0);
            assertThat(hog).hasSize(BLOCK);
            byte[] grown = uploader.grow(small, small.length);
            assertThat(grown).hasSize(BLOCK / 4);
            // 1 MiB + 256 KiB held of 2 MiB: a full block does not fit, so the buffer is to be staged as it is.
            assertThat(uploader.grow(grown, grown.length)).isNull();
            other.close();
            assertThat(uploader.grow(grown, grown.length)).hasSize(BLOCK);
        }
        assertThat(budget.freeKib()).isEqualTo(2 * 1024);
    }
}
