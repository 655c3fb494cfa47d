package io.pgferry.testing;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.models.QueueMessageItem;
import com.azure.storage.queue.models.UpdateMessageResult;

/**
 * Plays one instance's Functions host listening on a queue ({@code messageEncoding: none}), in a thread of its own:
 * takes a message under a lease that it renews while the handler runs (as the host does), invokes the function, deletes
 * the message on 2xx, else lets it reappear at once and moves it to {@code <queue>-poison} after
 * {@code maxDequeueCount} deliveries. When the handler cannot be reached (the instance was killed) the listener stops
 * and leaves the message to reappear once its lease runs out, as a dead instance's message does.
 */
public final class QueueListener implements AutoCloseable {
    private final TestingFunctionsHost host;
    private final String function;
    private final QueueClient queue;
    private final QueueClient poison;
    private final int maxDequeueCount;
    private final Duration lease;
    private final Thread thread;
    private final AtomicInteger handled = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean stopped;

    /** @param poison the queue's {@code -poison} queue */
    public QueueListener(
            TestingFunctionsHost host,
            String function,
            QueueClient queue,
            QueueClient poison,
            int maxDequeueCount,
            Duration lease) {
        this.host = host;
        this.function = function;
        this.queue = queue;
        this.poison = poison;
        this.maxDequeueCount = maxDequeueCount;
        this.lease = lease;
        this.thread = new Thread(this::listen, "listener-" + function);
        thread.setDaemon(true);
        thread.start();
    }

    /** Messages handled to an answer (any status). */
    public int handled() {
        return handled.get();
    }

    /** Whether an invocation is running now. */
    public boolean busy() {
        return inFlight.get() > 0;
    }

    private void listen() {
        ScheduledExecutorService renewals = Executors.newSingleThreadScheduledExecutor();
        try {
            while (!stopped) {
                QueueMessageItem message = queue.receiveMessages(1, lease, null, null).stream()
                        .findFirst()
                        .orElse(null);
                if (message == null) {
                    Thread.sleep(100);
                    continue;
                }
                AtomicReference<String> popReceipt = new AtomicReference<>(message.getPopReceipt());
                long every = lease.toMillis() / 3;
                var renewal = renewals.scheduleAtFixedRate(
                        () -> {
                            UpdateMessageResult renewed =
                                    queue.updateMessage(message.getMessageId(), popReceipt.get(), null, lease);
                            popReceipt.set(renewed.getPopReceipt());
                        },
                        every,
                        every,
                        TimeUnit.MILLISECONDS);
                int status;
                inFlight.incrementAndGet();
                try {
                    status = host.invoke(
                                    function,
                                    HostInvocations.queue(
                                            message.getBody().toString(),
                                            message.getMessageId(),
                                            message.getPopReceipt(),
                                            message.getDequeueCount()))
                            .statusCode();
                } catch (IOException e) {
                    // The instance is gone: so is its host, which neither renews nor deletes the message.
                    renewal.cancel(false);
                    stopped = true;
                    return;
                } finally {
                    inFlight.decrementAndGet();
                }
                renewal.cancel(false);
                try {
                    renewal.get();
                } catch (Exception e) {
                    // cancelled, or a renewal failed: the pop receipt below is the last good one
                }
                handled.incrementAndGet();
                if (status >= 200 && status < 300) {
                    queue.deleteMessage(message.getMessageId(), popReceipt.get());
                } else if (message.getDequeueCount() >= maxDequeueCount) {
                    poison.sendMessage(message.getBody());
                    queue.deleteMessage(message.getMessageId(), popReceipt.get());
                } else {
                    queue.updateMessage(message.getMessageId(), popReceipt.get(), null, Duration.ZERO);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            renewals.shutdownNow();
        }
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
    }
}
