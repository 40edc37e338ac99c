// fannkuch: the Benchmarks Game fannkuch-redux algorithm (permutations, array
// indexing and swapping, integer loops). Size: n = 9 (362,880 permutations).
function fannkuch(n) {
  const perm1 = [], perm = [], count = [];
  for (let i = 0; i < n; i++) {
    perm1.push(i);
    perm.push(0);
    count.push(0);
  }
  let maxFlips = 0, checksum = 0, permCount = 0, r = n;
  for (;;) {
    while (r !== 1) {
      count[r - 1] = r;
      r -= 1;
    }
    for (let i = 0; i < n; i++) perm[i] = perm1[i];
    let flips = 0;
    let k = perm[0];
    while (k !== 0) {
      let i = 0, j = k;
      while (i < j) {
        const t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
        i += 1;
        j -= 1;
      }
      flips += 1;
      k = perm[0];
    }
    if (flips > maxFlips) maxFlips = flips;
    if (permCount % 2 === 0) checksum += flips; else checksum -= flips;
    for (;;) {
      if (r === n) return [checksum, maxFlips];
      const perm0 = perm1[0];
      for (let i = 0; i < r; i++) perm1[i] = perm1[i + 1];
      perm1[r] = perm0;
      count[r] -= 1;
      if (count[r] > 0) break;
      r += 1;
    }
    permCount += 1;
  }
}

const n = 9;
const [checksum, maxFlips] = fannkuch(n);
console.log(String(checksum));
console.log(`Pfannkuchen(${n}) = ${maxFlips}`);
