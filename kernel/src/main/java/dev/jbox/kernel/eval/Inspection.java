package dev.jbox.kernel.eval;

/** Documentation of a symbol: plain text always, HTML when there is something to format. */
public record Inspection(String plainText, String html) {
}
