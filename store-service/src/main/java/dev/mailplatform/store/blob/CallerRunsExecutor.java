package dev.mailplatform.store.blob;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs each task at once on the thread that submits it. OkHttp's dispatcher hands each asynchronous call to an
 * executor; the store's callers block on the call's future anyway, so a second thread only added two wake-ups per
 * request. The dispatcher still counts running calls against its limits; a call queued at a limit runs on the
 * thread whose call finishes and makes room.
 */
final class CallerRunsExecutor extends AbstractExecutorService {

    private volatile boolean shutdown;

    @Override
    public void execute(Runnable task) {
        task.run();
    }

    @Override
    public void shutdown() {
        shutdown = true;
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown = true;
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return shutdown;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return shutdown;
    }
}
