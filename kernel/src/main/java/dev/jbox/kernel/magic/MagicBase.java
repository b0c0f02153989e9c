package dev.jbox.kernel.magic;

import picocli.CommandLine.Option;

/** Options every magic has. */
abstract class MagicBase {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
    boolean help;
}
