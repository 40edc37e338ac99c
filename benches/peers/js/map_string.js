// map_string: a Map keyed by strings: insert many distinct keys, look up hits
// and misses, update values in place, count word frequencies, iterate.
// Size: 300,000 distinct keys, 600,000 lookups, 1,500,000 counter updates.
function main() {
  const n = 300000;
  const m = new Map();
  for (let i = 0; i < n; i++) m.set(`key${i}`, i);

  let found = 0;
  let sum = 0;
  for (let i = 0; i < 2 * n; i++) {
    const v = m.get(`key${i}`);
    if (v !== undefined) {
      found += 1;
      sum += v;
    }
  }
  console.log(`found ${found}, sum ${sum}`);

  for (let i = 0; i < n; i += 3) {
    const k = `key${i}`;
    m.set(k, m.get(k) * 2);
  }

  const counts = new Map();
  for (let j = 0; j < 1500000; j++) {
    const w = `w${j * 7 % 1009}`;
    counts.set(w, (counts.get(w) ?? 0) + 1);
  }

  let total = 0;
  let entries = 0;
  for (const [k, v] of m) {
    total += v;
    entries += 1;
  }
  let maxCount = 0;
  let words = 0;
  for (const [w, c] of counts) {
    if (c > maxCount) maxCount = c;
    words += 1;
  }
  console.log(`entries ${entries}, total ${total}`);
  console.log(`words ${words}, max count ${maxCount}`);
}

main();
