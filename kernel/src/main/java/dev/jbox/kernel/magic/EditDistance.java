package dev.jbox.kernel.magic;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** Closest-name suggestions for typos (Levenshtein distance). */
final class EditDistance {

    private EditDistance() {
    }

    static int between(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** Names within a small distance of {@code typo} (or sharing its prefix), closest first, at most three. */
    static List<String> closest(String typo, Collection<String> names) {
        int limit = Math.max(2, typo.length() / 3);
        return names.stream()
                .filter(n -> between(typo, n) <= limit || (typo.length() >= 2 && n.startsWith(typo)))
                .sorted(Comparator.comparingInt((String n) -> between(typo, n)).thenComparing(n -> n))
                .limit(3)
                .toList();
    }
}
