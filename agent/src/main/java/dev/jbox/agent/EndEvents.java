package dev.jbox.agent;

import dev.jbox.client.CommandResult;
import dev.jbox.client.remote.envd.Messages.EndEvent;

/** envd's end event for a finished command, with Go's wording of the status ("exit status 1", "signal: killed"). */
final class EndEvents {

    private EndEvents() {
    }

    static EndEvent of(CommandResult r) {
        return switch (r.state()) {
            case COMPLETED -> {
                int code = r.exitCode() == null ? 0 : r.exitCode();
                yield new EndEvent(code, true, "exit status " + code, r.error());
            }
            case KILLED -> signalled(9, r.error());
            case TIMED_OUT -> new EndEvent(-1, false, "signal: killed", r.error() != null ? r.error() : "command timed out");
            case FAILED -> new EndEvent(r.exitCode() == null ? -1 : r.exitCode(), false, "failed",
                    r.error() != null ? r.error() : "the command failed to run");
            default -> new EndEvent(-1, false, r.state().name().toLowerCase(java.util.Locale.ROOT), r.error());
        };
    }

    private static EndEvent signalled(int sig, String error) {
        String name = switch (sig) {
            case 9 -> "killed";
            case 15 -> "terminated";
            case 2 -> "interrupt";
            case 1 -> "hangup";
            case 3 -> "quit";
            default -> "signal " + sig;
        };
        return new EndEvent(-1, false, "signal: " + name, error);
    }
}
