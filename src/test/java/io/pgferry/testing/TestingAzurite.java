package io.pgferry.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.azure.core.http.HttpClient;
import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueClientBuilder;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

/**
 * A throwaway Azurite blob service (the version pinned in {@code package.json}, installed with {@code npm ci} when
 * {@code node_modules} lacks it) on a free port, keeping its data in a temporary directory that {@link #close()}
 * deletes.
 */
public final class TestingAzurite implements AutoCloseable {
    /** Azurite's documented development account. */
    public static final String ACCOUNT = "devstoreaccount1";

    public static final String KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private final Process process;
    private final Path directory;
    private final String origin;
    private final int port;
    private final int queuePort;
    private final HttpClient httpClient;

    private TestingAzurite(
            Process process, Path directory, String origin, int port, int queuePort, HttpClient httpClient) {
        this.process = process;
        this.directory = directory;
        this.origin = origin;
        this.port = port;
        this.queuePort = queuePort;
        this.httpClient = httpClient;
    }

    public static TestingAzurite start() {
        return start(List.of(), "http://127.0.0.1", HttpClient.createDefault());
    }

    /**
     * Azurite over HTTPS at {@code localhost} with the certificate {@code certificates} sign, accepting OAuth bearer
     * tokens as well as keys ({@code --oauth basic}: it checks a token's issuer, audience and lifetime, not its
     * signature). This instance's clients trust the certificates' authority.
     */
    public static TestingAzurite startWithOAuth(TestingCertificates certificates) {
        try {
            SslContext trusting = SslContextBuilder.forClient()
                    .trustManager(certificates.authority().toFile())
                    .build();
            return start(
                    List.of(
                            "--oauth",
                            "basic",
                            "--cert",
                            certificates.serverCertificate().toString(),
                            "--key",
                            certificates.serverKey().toString()),
                    "https://localhost",
                    new NettyAsyncHttpClientBuilder(reactor.netty.http.client.HttpClient.create()
                                    .secure(tls -> tls.sslContext(trusting)))
                            .build());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static TestingAzurite start(List<String> options, String origin, HttpClient httpClient) {
        Path project = Path.of("").toAbsolutePath();
        Path azurite = project.resolve("node_modules/.bin/azurite");
        if (!Files.isExecutable(azurite)) {
            Processes.run(List.of("npm", "ci", "--no-audit", "--no-fund"), project);
        }
        try {
            Path directory = Files.createTempDirectory("pgferry-azurite-");
            int port = Processes.freePort();
            int queuePort = Processes.freePort();
            int tablePort = Processes.freePort();
            Path log = directory.resolve("azurite.log");
            List<String> command = new ArrayList<>(List.of(
                    azurite.toString(),
                    "--blobHost",
                    "127.0.0.1",
                    "--blobPort",
                    Integer.toString(port),
                    "--queueHost",
                    "127.0.0.1",
                    "--queuePort",
                    Integer.toString(queuePort),
                    "--tableHost",
                    "127.0.0.1",
                    "--tablePort",
                    Integer.toString(tablePort),
                    "--location",
                    directory.toString(),
                    "--skipApiVersionCheck",
                    "--silent"));
            command.addAll(options);
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            Processes.awaitPort(port, Duration.ofSeconds(60), process, log);
            Processes.awaitPort(queuePort, Duration.ofSeconds(60), process, log);
            return new TestingAzurite(process, directory, origin, port, queuePort, httpClient);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start Azurite from " + azurite, e);
        }
    }

    public String connectionString() {
        return connectionString(KEY);
    }

    /** The connection string with another account key, which Azurite refuses. */
    public String connectionString(String accountKey) {
        return "DefaultEndpointsProtocol=" + origin.substring(0, origin.indexOf(':')) + ";AccountName=" + ACCOUNT
                + ";AccountKey=" + accountKey + ";BlobEndpoint=" + blobEndpoint() + ";QueueEndpoint=" + origin + ":"
                + queuePort + "/" + ACCOUNT + ";";
    }

    /** The blob service's URL, as a linked service's {@code serviceEndpoint} gives it. */
    public String blobEndpoint() {
        return origin + ":" + port + "/" + ACCOUNT;
    }

    public QueueClient queue(String name) {
        QueueClient queue = new QueueClientBuilder()
                .connectionString(connectionString())
                .queueName(name)
                .buildClient();
        queue.createIfNotExists();
        return queue;
    }

    public BlobServiceClient client() {
        return new BlobServiceClientBuilder()
                .connectionString(connectionString())
                .httpClient(httpClient)
                .buildClient();
    }

    public BlobContainerClient container(String name) {
        return client().getBlobContainerClient(name);
    }

    /** The names of the container's blobs, in name order; none when the container does not exist. */
    public List<String> names(String container) {
        BlobContainerClient client = container(container);
        return client.exists()
                ? client.listBlobs().stream().map(BlobItem::getName).toList()
                : List.of();
    }

    /**
     * Downloads the data files under {@code prefix}, in name order, into files of {@code into}: as Spark, Synapse and
     * Hive read a folder, names beginning with '_' (the copy's manifest) are left out.
     */
    public List<Path> download(String container, String prefix, Path into) throws IOException {
        BlobContainerClient client = container(container);
        List<Path> files = new ArrayList<>();
        for (BlobItem item : client.listBlobs(new ListBlobsOptions().setPrefix(prefix), null)) {
            if (item.getName().substring(item.getName().lastIndexOf('/') + 1).startsWith("_")) {
                continue;
            }
            Path file = into.resolve(container + "-" + item.getName().replace('/', '_'));
            Files.write(
                    file, client.getBlobClient(item.getName()).downloadContent().toBytes());
            files.add(file);
        }
        return files;
    }

    @Override
    public void close() {
        Processes.stop(process);
        Processes.deleteRecursively(directory);
    }
}
