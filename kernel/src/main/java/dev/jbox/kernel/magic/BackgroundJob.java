package dev.jbox.kernel.magic;

import dev.jbox.client.CommandHandle;
import dev.jbox.client.Subscription;

/** A process started by {@code %bg}: its handle, the pump streaming into the originating cell, its panel. */
record BackgroundJob(CommandHandle handle, OutputPump pump, StatusPanel panel, Subscription subscription) {
}
