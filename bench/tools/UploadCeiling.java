import java.nio.file.Path;
import java.time.Duration;

import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.ParallelTransferOptions;
import com.azure.storage.blob.options.BlobUploadFromFileOptions;

/**
 * The sink's ceiling: the Azure SDK's own uploadFromFile of a finished file, with pgferry's default block size and
 * concurrency. Usage: UploadCeiling connectionString container blobName file blockSizeMiB concurrency
 */
public class UploadCeiling {
    public static void main(String[] args) {
        var service = new BlobServiceClientBuilder().connectionString(args[0]).buildClient();
        var container = service.getBlobContainerClient(args[1]);
        container.createIfNotExists();
        BlobClient blob = container.getBlobClient(args[2]);
        long blockSize = Long.parseLong(args[4]) * 1024 * 1024;
        blob.uploadFromFileWithResponse(new BlobUploadFromFileOptions(Path.of(args[3]).toString())
                .setParallelTransferOptions(new ParallelTransferOptions().setBlockSizeLong(blockSize)
                        .setMaxSingleUploadSizeLong(blockSize).setMaxConcurrency(Integer.parseInt(args[5]))),
                Duration.ofHours(1), null);
        System.out.println(blob.getProperties().getBlobSize());
    }
}
