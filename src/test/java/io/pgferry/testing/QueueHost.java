package io.pgferry.testing;

import java.time.Duration;
import java.util.function.ToIntFunction;

import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.models.QueueMessageItem;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Plays the Functions host's queue listener against a real Azurite queue ({@code messageEncoding: none}): dequeues a
 * message with a lease, invokes the handler with the host's body, deletes the message on 2xx, else lets it reappear at
 * once ({@code visibilityTimeout} 0) and moves it to {@code <queue>-poison} after {@code maxDequeueCount} attempts.
 */
public final class QueueHost {
    private final QueueClient queue;
    private final QueueClient poison;
    private final int maxDequeueCount;
    private final ToIntFunction<ObjectNode> handler;

    /** @param handler posts an invocation body to {@code /copyOnQueue} and answers the HTTP status */
    public QueueHost(TestingAzurite azurite, String queueName, int maxDequeueCount, ToIntFunction<ObjectNode> handler) {
        this.queue = azurite.queue(queueName);
        this.poison = azurite.queue(queueName + "-poison");
        this.maxDequeueCount = maxDequeueCount;
        this.handler = handler;
    }

    public QueueClient queue() {
        return queue;
    }

    public QueueClient poison() {
        return poison;
    }

    /**
     * Handles the next visible message, if any.
     *
     * @return the handler's status, or -1 when the queue had nothing visible
     */
    public int deliverNext() {
        QueueMessageItem message = queue.receiveMessage();
        if (message == null) {
            return -1;
        }
        ObjectNode invocation = HostInvocations.queue(
                message.getBody().toString(),
                message.getMessageId(),
                message.getPopReceipt(),
                message.getDequeueCount());
        int status = handler.applyAsInt(invocation);
        if (status >= 200 && status < 300) {
            queue.deleteMessage(message.getMessageId(), message.getPopReceipt());
        } else if (message.getDequeueCount() >= maxDequeueCount) {
            poison.sendMessage(message.getBody());
            queue.deleteMessage(message.getMessageId(), message.getPopReceipt());
        } else {
            queue.updateMessage(message.getMessageId(), message.getPopReceipt(), null, Duration.ZERO);
        }
        return status;
    }

    /** Delivers until the queue is empty; answers how many deliveries it took. */
    public int drain() {
        int deliveries = 0;
        while (deliverNext() != -1) {
            deliveries++;
        }
        return deliveries;
    }
}
