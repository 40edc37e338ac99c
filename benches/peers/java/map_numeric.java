// map_numeric: a LinkedHashMap keyed by integers: insert many sparse keys, look
// up hits and misses, update values in place, remove keys, count into a small
// histogram, iterate. Size: 400,000 keys, 1,200,000 lookups, 2,000,000 updates.
import java.util.LinkedHashMap;
import java.util.Map;

public class map_numeric {
    public static void main(String[] args) {
        long n = 400000;
        Map<Long, Long> m = new LinkedHashMap<>();
        for (long i = 0; i < n; i++) m.put(i * 7, i);
        long found = 0, sum = 0;
        for (long i = 0; i < 3 * n; i++) {
            Long v = m.get(i * 3);
            if (v != null) {
                found += 1;
                sum += v;
            }
        }
        System.out.println("found " + found + ", sum " + sum);
        for (long i = 0; i < n; i += 2) {
            long k = i * 7;
            m.put(k, m.get(k) * 3 + 1);
        }
        for (long i = 0; i < n; i += 5) m.remove(i * 7);
        Map<Long, Long> counts = new LinkedHashMap<>();
        for (long j = 0; j < 2000000; j++) {
            long b = j * j % 1021;
            counts.put(b, counts.getOrDefault(b, 0L) + 1);
        }
        long total = 0, keysum = 0, entries = 0;
        for (Map.Entry<Long, Long> e : m.entrySet()) {
            total += e.getValue();
            keysum += e.getKey();
            entries += 1;
        }
        long maxCount = 0, buckets = 0;
        for (Map.Entry<Long, Long> e : counts.entrySet()) {
            if (e.getValue() > maxCount) maxCount = e.getValue();
            buckets += 1;
        }
        System.out.println("entries " + entries + ", total " + total + ", key sum " + keysum);
        System.out.println("buckets " + buckets + ", max count " + maxCount);
    }
}
