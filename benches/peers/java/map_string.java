// map_string: a LinkedHashMap keyed by strings: insert many distinct keys, look
// up hits and misses, update values in place, count word frequencies, iterate.
// Size: 300,000 distinct keys, 600,000 lookups, 1,500,000 counter updates.
import java.util.LinkedHashMap;
import java.util.Map;

public class map_string {
    public static void main(String[] args) {
        int n = 300000;
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) m.put("key" + i, (long) i);
        long found = 0, sum = 0;
        for (int i = 0; i < 2 * n; i++) {
            Long v = m.get("key" + i);
            if (v != null) {
                found += 1;
                sum += v;
            }
        }
        System.out.println("found " + found + ", sum " + sum);
        for (int i = 0; i < n; i += 3) {
            String k = "key" + i;
            m.put(k, m.get(k) * 2);
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        for (long j = 0; j < 1500000; j++) {
            String w = "w" + (j * 7 % 1009);
            counts.put(w, counts.getOrDefault(w, 0L) + 1);
        }
        long total = 0, entries = 0;
        for (Map.Entry<String, Long> e : m.entrySet()) {
            total += e.getValue();
            entries += 1;
        }
        long maxCount = 0, words = 0;
        for (Map.Entry<String, Long> e : counts.entrySet()) {
            if (e.getValue() > maxCount) maxCount = e.getValue();
            words += 1;
        }
        System.out.println("entries " + entries + ", total " + total);
        System.out.println("words " + words + ", max count " + maxCount);
    }
}
