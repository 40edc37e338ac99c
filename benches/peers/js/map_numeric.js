// map_numeric: a Map keyed by integers: insert many sparse keys, look up hits
// and misses, update values in place, remove keys, count into a small
// histogram, iterate. Size: 400,000 keys, 1,200,000 lookups, 2,000,000 updates.
function main() {
  const n = 400000;
  const m = new Map();
  for (let i = 0; i < n; i++) m.set(i * 7, i);

  let found = 0;
  let sum = 0;
  for (let i = 0; i < 3 * n; i++) {
    const v = m.get(i * 3);
    if (v !== undefined) {
      found += 1;
      sum += v;
    }
  }
  console.log(`found ${found}, sum ${sum}`);

  for (let i = 0; i < n; i += 2) {
    const k = i * 7;
    m.set(k, m.get(k) * 3 + 1);
  }
  for (let i = 0; i < n; i += 5) m.delete(i * 7);

  const counts = new Map();
  for (let j = 0; j < 2000000; j++) {
    const b = j * j % 1021;
    counts.set(b, (counts.get(b) ?? 0) + 1);
  }

  let total = 0;
  let keysum = 0;
  let entries = 0;
  for (const [k, v] of m) {
    total += v;
    keysum += k;
    entries += 1;
  }
  let maxCount = 0;
  let buckets = 0;
  for (const [b, c] of counts) {
    if (c > maxCount) maxCount = c;
    buckets += 1;
  }
  console.log(`entries ${entries}, total ${total}, key sum ${keysum}`);
  console.log(`buckets ${buckets}, max count ${maxCount}`);
}

main();
