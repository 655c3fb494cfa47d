package io.pgferry.sink.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.BinaryData;
import com.azure.core.util.FluxUtil;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.specialized.BlockBlobClient;
import com.azure.storage.blob.specialized.SpecializedBlobClientBuilder;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@link StagedBlob} over a real {@link BlockBlobClient} whose HTTP client is a Blob Storage in memory
 * ({@link MemoryBlobService}, the SDK's own transport interface): the blocks staged (ids, order, sizes), the block list
 * committed, the headers and metadata the commit sets, and what {@code verify}, {@code delete} and {@code discard} do.
 * No network and no Azurite.
 */
class StagedBlobTest {
    private static final int KIB = 1024;
    private static final int BLOCK = 256 * KIB;
    private static final String PREFIX = "0123456789abcdef";

    private final MemoryBlobService service = new MemoryBlobService();
    private final BufferBudget budget = new BufferBudget(64L * BLOCK);
    private final BlockUploader uploader = new BlockUploader(budget, BLOCK, 2);

    @AfterEach
    void close() {
        uploader.close();
    }

    @Test
    void blocksAreStagedFullSizeInOrderAndCommittedAsOneBlobOfTheBytesWritten() throws Exception {
        // Buffers for every block, so none is staged smaller for want of one (see the test below).
        BlockUploader roomy = new BlockUploader(budget, BLOCK, 8);
        StagedBlob blob = new StagedBlob(client("out/data_00000.csv"), roomy, PREFIX, new BlobHttpHeaders(), Map.of());
        byte[] content = random(4 * BLOCK + 100);

        writeInPieces(blob, content);
        blob.finish();
        blob.commit();

        List<String> ids = service.committedIds("out/data_00000.csv");
        assertThat(ids).hasSize(5);
        assertThat(ids)
                .extracting(StagedBlobTest::decoded)
                .containsExactly(
                        PREFIX + "-000000",
                        PREFIX + "-000001",
                        PREFIX + "-000002",
                        PREFIX + "-000003",
                        PREFIX + "-000004");
        assertThat(ids).extracting(String::length).containsOnly(ids.get(0).length());
        assertThat(ids)
                .extracting(id -> service.staged.get(id).length)
                .containsExactly(BLOCK, BLOCK, BLOCK, BLOCK, 100);
        assertThat(service.blobs.get("out/data_00000.csv")).isEqualTo(content);
        assertThat(blob.bytes()).isEqualTo(content.length);
        roomy.close();
    }

    @Test
    void whileUploadsLagSmallerBlocksAreStagedAndTheBlobKeepsItsOrder() throws Exception {
        service.holdStaging();
        StagedBlob blob = blob("out/lag.csv");
        byte[] content = random(2 * BLOCK + 4 * BlockUploader.FIRST_BUFFER);

        // Two uploads at once, three blocks' worth of buffers: two full ones uploading or queued, nothing uploaded
        // yet, and what is left of the bound staged in smaller blocks.
        writeInPieces(blob, content);
        service.releaseStaging();
        blob.finish();
        blob.commit();

        assertThat(service.committedIds("out/lag.csv"))
                .extracting(id -> service.staged.get(id).length)
                .containsExactly(BLOCK, BLOCK, 65_536, 65_536, 65_536, 65_536);
        assertThat(service.blobs.get("out/lag.csv")).isEqualTo(content);
    }

    /**
     * BlockUploader's promise: a copy holds at most {@code blockSize × (maxConcurrentConnections + 1)} in buffers, full
     * or smaller; once it does, reading waits for its own uploads (it once took ever more small buffers from the
     * instance-wide budget instead, bounded only by a quarter of the heap).
     */
    @Test
    void whileUploadsLagReadingWaitsOnceMaxConcurrentConnectionsPlusOneBlocksAreHeld() throws Exception {
        service.holdStaging();
        StagedBlob blob = blob("out/bounded.csv");
        byte[] content = random(6 * BLOCK);
        Thread reader = new Thread(() -> writeInPieces(blob, content));
        reader.setDaemon(true);
        try {
            reader.start();
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (reader.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }

            assertThat(reader.getState()).as("reading waits for an upload").isEqualTo(Thread.State.WAITING);
            assertThat(64L * BLOCK / KIB - budget.freeKib()).as("KiB held").isLessThanOrEqualTo(3L * BLOCK / KIB);
        } finally {
            service.releaseStaging();
            reader.join(10_000);
        }
    }

    @Test
    void theCommitSetsContentTypeEncodingMd5AndTheRunsMetadata() throws Exception {
        StagedBlob blob = new StagedBlob(
                client("out/data.csv.gz"),
                uploader,
                PREFIX,
                new BlobHttpHeaders().setContentType("text/csv").setContentEncoding("gzip"),
                Map.of("pgferry_run_id", "run-7", "team", "lake"));
        byte[] content = random(1000);

        blob.write(content, 0, content.length);
        blob.finish();
        blob.commit();

        HttpHeaders headers = service.commitHeaders.get("out/data.csv.gz");
        byte[] md5 = MessageDigest.getInstance("MD5").digest(content);
        assertThat(headers.getValue(HttpHeaderName.fromString("x-ms-blob-content-type")))
                .isEqualTo("text/csv");
        assertThat(headers.getValue(HttpHeaderName.fromString("x-ms-blob-content-encoding")))
                .isEqualTo("gzip");
        assertThat(headers.getValue(HttpHeaderName.fromString("x-ms-blob-content-md5")))
                .isEqualTo(Base64.getEncoder().encodeToString(md5));
        assertThat(headers.getValue(HttpHeaderName.fromString("x-ms-meta-pgferry_run_id")))
                .isEqualTo("run-7");
        assertThat(headers.getValue(HttpHeaderName.fromString("x-ms-meta-team")))
                .isEqualTo("lake");
        assertThat(blob.md5()).hasValue(md5);
        assertThat(service.committedIds("out/data.csv.gz")).hasSize(1);
    }

    @Test
    void aBlobWithoutBytesCommitsAnEmptyBlockList() {
        StagedBlob blob = blob("out/empty.csv");

        blob.finish();
        blob.commit();

        assertThat(service.committedIds("out/empty.csv")).isEmpty();
        assertThat(service.blobs.get("out/empty.csv")).isEmpty();
        assertThat(service.staged).isEmpty();
        assertThat(blob.bytes()).isZero();
    }

    @Test
    void aFinishAfterAFullBlockStagesNoEmptyBlock() {
        StagedBlob blob = blob("out/exact.csv");
        byte[] content = random(BLOCK);

        blob.write(content, 0, content.length);
        blob.finish();
        blob.commit();

        assertThat(service.committedIds("out/exact.csv")).hasSize(1);
        assertThat(service.blobs.get("out/exact.csv")).isEqualTo(content);
    }

    @Test
    void reservedBytesAreTheFirstBlockStagedWhenFilledAndLeaveNoMd5() {
        StagedBlob blob = blob("out/a.tar");
        byte[] body = random(BLOCK + 10);
        byte[] head = random(512);

        blob.reserve(head.length);
        blob.write(body, 0, body.length);
        assertThatThrownBy(() -> blob.fillReserved(new byte[511]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("511 bytes for 512 reserved");
        blob.fillReserved(head);
        blob.finish();
        blob.commit();

        List<String> ids = service.committedIds("out/a.tar");
        assertThat(ids).extracting(StagedBlobTest::decoded).first().isEqualTo(PREFIX + "-000000");
        assertThat(ids).hasSize(3);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(head);
        expected.writeBytes(body);
        assertThat(service.blobs.get("out/a.tar")).isEqualTo(expected.toByteArray());
        assertThat(blob.bytes()).isEqualTo(512 + BLOCK + 10);
        assertThat(blob.md5()).isEmpty();
        assertThat(service.commitHeaders.get("out/a.tar").getValue(HttpHeaderName.fromString("x-ms-blob-content-md5")))
                .isNull();
    }

    @Test
    void aRefusedUploadFailsTheFinishWithTheServicesAnswer() {
        service.refuseStaging = true;
        StagedBlob blob = blob("out/refused.csv");
        byte[] content = random(100);
        blob.write(content, 0, content.length);

        assertThatThrownBy(blob::finish)
                .isInstanceOfSatisfying(BlobStorageException.class, e -> assertThat(e.getStatusCode())
                        .isEqualTo(403));
        assertThat(service.blobs).doesNotContainKey("out/refused.csv");
    }

    @Test
    void verifyComparesTheStoresSizeAndMd5WithWhatWasWritten() {
        StagedBlob blob = blob("out/v.csv");
        byte[] content = random(5000);
        blob.write(content, 0, content.length);
        blob.finish();
        blob.commit();

        blob.verify();

        service.blobs.put("out/v.csv", random(4999));
        assertThatThrownBy(blob::verify)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("container/out/v.csv holds 4999 bytes, not the 5000 written");
        service.blobs.put("out/v.csv", content);
        service.md5s.put("out/v.csv", new byte[16]);
        assertThatThrownBy(blob::verify)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("container/out/v.csv has another MD5 than the bytes written");
    }

    @Test
    void deleteRemovesTheCommittedBlobAndIsSafeWhenItIsGone() {
        StagedBlob blob = blob("out/d.csv");
        blob.write(new byte[] {1}, 0, 1);
        blob.finish();
        blob.commit();

        blob.delete();
        blob.delete();

        assertThat(service.blobs).doesNotContainKey("out/d.csv");
        assertThat(blob.path()).isEqualTo("container/out/d.csv");
    }

    @Test
    void discardGivesTheBufferBackAndStagesNothing() {
        long free = budget.freeKib();
        StagedBlob blob = blob("out/x.csv");
        blob.write(new byte[100], 0, 100);
        assertThat(budget.freeKib()).as("a first buffer taken").isEqualTo(free - BlockUploader.FIRST_BUFFER / KIB);

        blob.discard();
        blob.discard();

        assertThat(budget.freeKib()).isEqualTo(free);
        assertThat(service.staged).isEmpty();
        assertThat(service.blobs).isEmpty();
    }

    private StagedBlob blob(String name) {
        return new StagedBlob(client(name), uploader, PREFIX, new BlobHttpHeaders(), Map.of());
    }

    private BlockBlobClient client(String name) {
        return new SpecializedBlobClientBuilder()
                .endpoint("https://account.blob.core.windows.net/container/" + name)
                .httpClient(service)
                .retryOptions(new RequestRetryOptions(RetryPolicyType.FIXED, 1, (Integer) null, null, null, null))
                .buildBlockBlobClient();
    }

    /** Writes in pieces of 1 byte to 100 KiB, as encoders and compressors do. */
    private static void writeInPieces(StagedBlob blob, byte[] content) {
        Random random = new Random(content.length);
        int offset = 0;
        while (offset < content.length) {
            int n = Math.min(content.length - offset, 1 + random.nextInt(100 * KIB));
            blob.write(content, offset, n);
            offset += n;
        }
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private static String decoded(String blockId) {
        return new String(Base64.getDecoder().decode(blockId), StandardCharsets.US_ASCII);
    }

    /**
     * Block blobs in memory, answering the Blob REST API's calls that {@link StagedBlob} makes: Put Block, Put Block
     * List, Get Blob Properties and Delete Blob. Staging runs on the uploader's threads, so the maps are concurrent.
     */
    static final class MemoryBlobService implements HttpClient {
        private static final Pattern LATEST = Pattern.compile("<Latest>([^<]*)</Latest>");

        final Map<String, byte[]> staged = new ConcurrentHashMap<>();
        final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
        final Map<String, byte[]> md5s = new ConcurrentHashMap<>();
        final Map<String, List<String>> blockLists = new ConcurrentHashMap<>();
        final Map<String, HttpHeaders> commitHeaders = new ConcurrentHashMap<>();
        volatile boolean refuseStaging;
        private volatile java.util.concurrent.CountDownLatch staging = new java.util.concurrent.CountDownLatch(0);

        /** Put Block calls wait until {@link #releaseStaging()}. */
        void holdStaging() {
            staging = new java.util.concurrent.CountDownLatch(1);
        }

        void releaseStaging() {
            staging.countDown();
        }

        List<String> committedIds(String blob) {
            return blockLists.get(blob);
        }

        @Override
        public Mono<HttpResponse> send(HttpRequest request) {
            return Mono.fromCallable(() -> answer(request));
        }

        private HttpResponse answer(HttpRequest request) {
            String blob = URLDecoder.decode(
                    request.getUrl().getPath().substring("/container/".length()), StandardCharsets.UTF_8);
            Map<String, String> query = query(request.getUrl().getQuery());
            String comp = query.getOrDefault("comp", "");
            HttpMethod method = request.getHttpMethod();
            if (method == HttpMethod.PUT && comp.equals("block")) {
                if (refuseStaging) {
                    return error(request, 403, "AuthorizationFailure");
                }
                try {
                    staging.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
                staged.put(query.get("blockid"), body(request));
                return new Answer(request, 201, new HttpHeaders(), new byte[0]);
            }
            if (method == HttpMethod.PUT && comp.equals("blocklist")) {
                List<String> ids = new ArrayList<>();
                Matcher latest = LATEST.matcher(new String(body(request), StandardCharsets.UTF_8));
                ByteArrayOutputStream content = new ByteArrayOutputStream();
                while (latest.find()) {
                    ids.add(latest.group(1));
                    content.writeBytes(staged.get(latest.group(1)));
                }
                blockLists.put(blob, Collections.unmodifiableList(ids));
                commitHeaders.put(blob, request.getHeaders());
                blobs.put(blob, content.toByteArray());
                String md5 = request.getHeaders().getValue(HttpHeaderName.fromString("x-ms-blob-content-md5"));
                if (md5 != null) {
                    md5s.put(blob, Base64.getDecoder().decode(md5));
                }
                return new Answer(request, 201, new HttpHeaders().set(HttpHeaderName.ETAG, "\"1\""), new byte[0]);
            }
            if (method == HttpMethod.HEAD && blobs.containsKey(blob)) {
                HttpHeaders headers = new HttpHeaders()
                        .set(HttpHeaderName.CONTENT_LENGTH, Integer.toString(blobs.get(blob).length))
                        .set(HttpHeaderName.fromString("x-ms-blob-type"), "BlockBlob");
                if (md5s.containsKey(blob)) {
                    headers.set(HttpHeaderName.CONTENT_MD5, Base64.getEncoder().encodeToString(md5s.get(blob)));
                }
                return new Answer(request, 200, headers, new byte[0]);
            }
            if (method == HttpMethod.DELETE) {
                return blobs.remove(blob) != null
                        ? new Answer(request, 202, new HttpHeaders(), new byte[0])
                        : error(request, 404, "BlobNotFound");
            }
            return error(request, 400, "UnsupportedByMemoryBlobService");
        }

        private static Map<String, String> query(String query) {
            Map<String, String> parameters = new HashMap<>();
            if (query != null) {
                for (String pair : query.split("&")) {
                    int equals = pair.indexOf('=');
                    parameters.put(
                            pair.substring(0, equals),
                            URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
                }
            }
            return parameters;
        }

        private static byte[] body(HttpRequest request) {
            BinaryData data = request.getBodyAsBinaryData();
            if (data != null) {
                return data.toBytes();
            }
            Flux<ByteBuffer> body = request.getBody();
            return body == null
                    ? new byte[0]
                    : FluxUtil.collectBytesInByteBufferStream(body).block();
        }

        private static HttpResponse error(HttpRequest request, int status, String code) {
            byte[] body = ("<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>" + code + "</Code><Message>" + code
                            + "</Message></Error>")
                    .getBytes(StandardCharsets.UTF_8);
            HttpHeaders headers = new HttpHeaders()
                    .set(HttpHeaderName.fromString("x-ms-error-code"), code)
                    .set(HttpHeaderName.CONTENT_TYPE, "application/xml")
                    .set(HttpHeaderName.CONTENT_LENGTH, Integer.toString(body.length));
            return new Answer(
                    request, status, headers, request.getHttpMethod() == HttpMethod.HEAD ? new byte[0] : body);
        }
    }

    /** A complete answer, its body in memory. */
    private static final class Answer extends HttpResponse {
        private final int status;
        private final HttpHeaders headers;
        private final byte[] body;

        Answer(HttpRequest request, int status, HttpHeaders headers, byte[] body) {
            super(request);
            this.status = status;
            this.headers = headers;
            this.body = body;
        }

        @Override
        public int getStatusCode() {
            return status;
        }

        @Override
        @Deprecated
        public String getHeaderValue(String name) {
            return headers.getValue(name);
        }

        @Override
        public HttpHeaders getHeaders() {
            return headers;
        }

        @Override
        public Flux<ByteBuffer> getBody() {
            return body.length == 0 ? Flux.empty() : Flux.just(ByteBuffer.wrap(body));
        }

        @Override
        public Mono<byte[]> getBodyAsByteArray() {
            return Mono.just(body);
        }

        @Override
        public Mono<String> getBodyAsString() {
            return Mono.just(new String(body, StandardCharsets.UTF_8));
        }

        @Override
        public Mono<String> getBodyAsString(Charset charset) {
            return Mono.just(new String(body, charset));
        }
    }
}
