package dev.jbox.client.remote.hopx;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * One command's part of a poll's answer (see poll.sh): sizes (final once it ended), exit code, pid, liveness, and
 * the bytes read from the asked offsets (null: none were read).
 *
 * @param alive 1 running, 0 ended (with or without an exit code), 2 not started yet
 */
record PollReport(String key, long outSize, long errSize, Integer exitCode, long pid, int alive, byte[] out, byte[] err) {

    boolean ended() {
        return alive == 0;
    }

    /** Parses a poll's stdout; lines it does not understand are skipped. */
    static List<PollReport> parse(String text) {
        List<PollReport> out = new ArrayList<>();
        String key = null;
        long outSize = -1;
        long errSize = -1;
        Integer exit = null;
        long pid = -1;
        int alive = 2;
        byte[] o = null;
        byte[] e = null;
        for (String line : text.split("\n")) {
            String[] w = line.split(" ", -1);
            if (w[0].equals("P") && w.length >= 7) {
                if (key != null) out.add(new PollReport(key, outSize, errSize, exit, pid, alive, o, e));
                key = w[1];
                outSize = number(w[2], -1);
                errSize = number(w[3], -1);
                exit = w[4].equals("-") ? null : (int) number(w[4], -1);
                pid = number(w[5], -1);
                alive = (int) number(w[6], 2);
                o = null;
                e = null;
            } else if ((w[0].equals("O") || w[0].equals("E")) && key != null) {
                byte[] bytes = w.length > 1 ? Base64.getDecoder().decode(w[1].strip()) : new byte[0];
                if (w[0].equals("O")) o = bytes;
                else e = bytes;
            }
        }
        if (key != null) out.add(new PollReport(key, outSize, errSize, exit, pid, alive, o, e));
        return out;
    }

    static long number(String s, long fallback) {
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException ex) {
            return fallback;
        }
    }
}
