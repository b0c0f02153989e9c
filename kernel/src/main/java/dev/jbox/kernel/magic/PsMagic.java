package dev.jbox.kernel.magic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbox.client.ProcessInfo;
import dev.jbox.client.local.LocalSandbox;
import dev.jbox.kernel.display.MimeBundle;
import dev.jbox.kernel.eval.EvalResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "%ps", sortOptions = false,
        description = {"Lists the session's processes: id, name, pid, state, exit code, start, runtime, bytes, command.",
                "The state is the backend's own name where it has one (HopX: queued, running, completed, failed, killed).",
                "Running ones and the last " + PsMagic.RECENT + " ended (--all: every one); %%bg, %%sh and Java-started alike.",
                "Processes adopted from a kernel of this session that died are marked with the session they came from.",
                "--orphans: processes that dead kernels (of any session) left and nobody adopted; see %%adopt."})
final class PsMagic extends MagicBase implements MagicCommand {

    static final int RECENT = 20;

    @Option(names = "--all", description = "Include every ended process.")
    boolean all;

    @Option(names = "--json", description = "Output JSON (application/json) instead of a table.")
    boolean json;

    @Option(names = "--orphans", description = "Processes of dead kernels that nobody adopted (local sandboxes on this machine).")
    boolean orphans;

    @Override
    public EvalResult run(MagicContext ctx) {
        if (orphans) {
            if (all) throw MagicException.usage("%ps: --orphans lists every orphan; it takes no --all");
            List<ProcessInfo> found = LocalSandbox.orphans(ctx.session().stateRoot());
            return json ? json(ProcessTable.json(found)) : EvalResult.ok(ProcessTable.renderOrphans(found, Instant.now()));
        }
        List<ProcessInfo> list = ctx.session().sandbox().commands().list();
        List<ProcessInfo> shown = all ? list : recent(list);
        if (json) return json(ProcessTable.json(shown));
        return EvalResult.ok(ProcessTable.render(shown, Instant.now()));
    }

    private static EvalResult json(List<?> data) {
        try {
            String text = new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(data);
            return EvalResult.ok(MimeBundle.of("application/json", data).with("text/plain", text));
        } catch (JsonProcessingException e) {
            throw MagicException.failed("%ps: cannot write JSON: " + e.getMessage());
        }
    }

    private static List<ProcessInfo> recent(List<ProcessInfo> list) {
        int ended = 0;
        for (ProcessInfo p : list) if (p.state().isFinal()) ended++;
        int skip = Math.max(0, ended - RECENT);
        List<ProcessInfo> out = new ArrayList<>();
        for (ProcessInfo p : list) {
            if (p.state().isFinal() && skip > 0) {
                skip--;
                continue;
            }
            out.add(p);
        }
        return out;
    }
}
