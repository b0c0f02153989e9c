package dev.jbox.kernel;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Routes requests by {@code msg_type} to handlers (a plain map, no reflection) and wraps each in
 * {@code busy}/{@code idle} status. Unknown types and requests missing required content fields are logged
 * and dropped.
 *
 * <pre>{@code
 * Dispatcher d = new Dispatcher(publisher).on("kernel_info_request", info::handle);
 * d.dispatch(request);
 * }</pre>
 */
final class Dispatcher {

    private static final System.Logger LOG = System.getLogger("jbox.kernel");

    private record Route(Handler handler, List<String> requiredFields) {
    }

    private final Publisher publisher;
    private final Map<String, Route> routes = new HashMap<>();

    Dispatcher(Publisher publisher) {
        this.publisher = publisher;
    }

    /** Registers {@code handler} for {@code msgType}; the request is dropped when a required content field is missing. */
    Dispatcher on(String msgType, Handler handler, String... requiredFields) {
        routes.put(msgType, new Route(handler, List.of(requiredFields)));
        return this;
    }

    boolean handles(String msgType) {
        return routes.containsKey(msgType);
    }

    void dispatch(Request request) {
        String type = request.message().msgType();
        Route route = routes.get(type);
        if (route == null) {
            LOG.log(System.Logger.Level.WARNING, "dropped a message of unknown msg_type '" + type + "'");
            return;
        }
        for (String field : route.requiredFields()) {
            if (!request.content().has(field)) {
                LOG.log(System.Logger.Level.WARNING, "dropped " + type + ": content lacks '" + field + "'");
                return;
            }
        }
        dispatchWith(request, route.handler());
    }

    /** Runs {@code handler} for {@code request} between busy and idle. */
    void dispatchWith(Request request, Handler handler) {
        String type = request.message().msgType();
        publisher.status("busy", request.header());
        try {
            handler.handle(request);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "handling " + type + " failed", e);
        } finally {
            publisher.status("idle", request.header());
        }
    }
}
