package dev.jbox.client;

/** Which output stream of a process. */
public enum StreamKind { STDOUT, STDERR }
