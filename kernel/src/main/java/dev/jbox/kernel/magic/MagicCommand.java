package dev.jbox.kernel.magic;

import dev.jbox.kernel.eval.EvalResult;

/**
 * One magic: a picocli-annotated class whose fields receive the options; {@link #run} does the work.
 * A fresh instance is parsed for every use.
 */
interface MagicCommand {

    EvalResult run(MagicContext ctx) throws InterruptedException;
}
