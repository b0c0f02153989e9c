package dev.jbox.kernel.magic;

import dev.jbox.client.CommandHandle;
import dev.jbox.client.SandboxException;
import dev.jbox.kernel.display.MimeBundle;
import dev.jbox.kernel.eval.EvalResult;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "%stdin", sortOptions = false,
        description = {"Sends a line of input to a background process started with --stdin, or closes its stdin.",
                "Example: %%stdin p1 hello world    %%stdin p1 --eof"})
final class StdinMagic extends MagicBase implements MagicCommand {

    @Option(names = "--eof", description = "Close the process's stdin (end of input).")
    boolean eof;

    @Option(names = "--no-newline", description = "Do not add a newline after TEXT.")
    boolean noNewline;

    @Parameters(index = "0", paramLabel = "ID", description = "Process id or name.")
    String id;

    @Parameters(index = "1..*", paramLabel = "TEXT", description = "The text (words joined by one space; quote to keep spacing).")
    List<String> text = new ArrayList<>();

    @Override
    public EvalResult run(MagicContext ctx) {
        CommandHandle h = ctx.session().resolve(id);
        if (h.state().isFinal()) throw MagicException.failed("%stdin: " + h.id() + " has already ended");
        if (!eof && text.isEmpty()) throw MagicException.usage("%stdin: give TEXT to send or --eof; see %stdin --help");
        try {
            String msg = "";
            if (!text.isEmpty()) {
                String t = String.join(" ", text) + (noNewline ? "" : "\n");
                h.sendStdin(t);
                msg = "sent " + t.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + " bytes to " + h.id();
            }
            if (eof) {
                h.closeStdin();
                msg = (msg.isEmpty() ? "" : msg + "; ") + "closed the stdin of " + h.id();
            }
            return EvalResult.ok(MimeBundle.text(msg));
        } catch (SandboxException | IllegalStateException e) {
            throw MagicException.failed("%stdin: " + e.getMessage());
        }
    }
}
