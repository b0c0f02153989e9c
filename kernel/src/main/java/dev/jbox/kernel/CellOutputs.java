package dev.jbox.kernel;

import dev.jbox.kernel.wire.Message;
import java.util.concurrent.ScheduledExecutorService;

/** Makes the {@link KernelCellOutput} of each execute_request from the kernel's shared publisher, stdin and timer. */
record CellOutputs(Publisher publisher, StdinChannel stdin, ScheduledExecutorService timer) {

    KernelCellOutput open(Message request, boolean allowStdin, boolean silent) {
        return new KernelCellOutput(publisher, stdin, timer, request.header(), request.identities(), allowStdin, silent);
    }
}
