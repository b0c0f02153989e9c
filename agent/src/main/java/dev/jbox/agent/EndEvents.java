package dev.jbox.agent;

import dev.jbox.client.CommandResult;
import dev.jbox.client.remote.envd.Messages.EndEvent;

/** envd's end event for a finished command, with Go's wording of the status ("exit status 1", "signal: killed"). */
final class EndEvents {

    private EndEvents() {
    }

    static EndEvent of(CommandResult r) {
        int code = r.exitCode() == null ? -1 : r.exitCode();
        return switch (r.state()) {
            case COMPLETED -> new EndEvent(code, true, "exit status " + code, null);
            // a non-zero exit is FAILED for jbox; a start failure is FAILED with an error and no exit
            case FAILED -> r.error() == null ? new EndEvent(code, true, "exit status " + code, null)
                    : new EndEvent(-1, false, "failed", r.error());
            case KILLED -> signalled(code > 128 && code < 160 ? code - 128 : 9, null);
            case TIMED_OUT -> new EndEvent(-1, false, "signal: killed", r.error() != null ? r.error() : "timed out");
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
