package dev.jbox.kernel.magic;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbox.client.ProcessInfo;
import dev.jbox.client.local.LocalSandbox;
import dev.jbox.kernel.display.MimeBundle;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jbox ps}: processes of local sandboxes on this machine, from their state directories, without a kernel.
 * By default the orphans (what dead kernels left and nobody adopted); {@code --all} every recorded process.
 */
@Command(name = "jbox ps", mixinStandardHelpOptions = true,
        description = {"Lists processes that dead kernels (or other local sandboxes) left and nobody adopted: running ones,",
                "and ones that ended while nobody watched. %%adopt ORPHAN in a notebook takes one over.",
                "State root: --state-dir, else JBOX_STATE_DIR, else ~/.local/share/jbox."})
public final class PsCommand implements Callable<Integer> {

    @Option(names = "--all", description = "Every recorded process, of live and dead sandboxes (session column: whose).")
    boolean all;

    @Option(names = "--json", description = "JSON instead of a table.")
    boolean json;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "The state root to look in.")
    Path stateDir;

    public static void main(String[] args) {
        System.exit(new CommandLine(new PsCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        List<ProcessInfo> found = all ? LocalSandbox.recorded(stateDir) : LocalSandbox.orphans(stateDir);
        if (json) {
            System.out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(ProcessTable.json(found)));
            return 0;
        }
        MimeBundle table = all ? ProcessTable.renderBySandbox(found, Instant.now(), "process", "no processes recorded")
                : ProcessTable.renderOrphans(found, Instant.now());
        System.out.println(table.data().get("text/plain"));
        return 0;
    }
}
