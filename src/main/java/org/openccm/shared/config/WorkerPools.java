package org.openccm.shared.config;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** Fixed pools of named daemon threads for the background workers, and their orderly end. */
public final class WorkerPools {
    private WorkerPools() {}

    public static ExecutorService daemons(String threadName, int size) {
        return Executors.newFixedThreadPool(size, runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Lets running work finish for up to 30 seconds; queued work that has not started is dropped. */
    public static void shutdown(ExecutorService pool) throws InterruptedException {
        pool.shutdown();
        pool.awaitTermination(30, TimeUnit.SECONDS);
    }
}
