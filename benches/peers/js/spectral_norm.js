// spectral_norm: the Benchmarks Game spectral-norm algorithm (nested loops,
// float arithmetic, array indexing, small function calls). Size: n = 500.
function a(i, j) {
  const ij = i + j;
  return 1.0 / (Math.floor(ij * (ij + 1) / 2) + i + 1);
}

function mulAv(n, v, av) {
  for (let i = 0; i < n; i++) {
    let sum = 0.0;
    for (let j = 0; j < n; j++) sum += a(i, j) * v[j];
    av[i] = sum;
  }
}

function mulAtv(n, v, atv) {
  for (let i = 0; i < n; i++) {
    let sum = 0.0;
    for (let j = 0; j < n; j++) sum += a(j, i) * v[j];
    atv[i] = sum;
  }
}

function mulAtav(n, v, atav, tmp) {
  mulAv(n, v, tmp);
  mulAtv(n, tmp, atav);
}

function roundEven(v) {
  let f = Math.floor(v);
  const d = v - f;
  if (d > 0.5 || (d === 0.5 && f % 2 !== 0)) f += 1;
  return f;
}

function fmt9(x) {
  const r = roundEven(x * 1e9);
  const an = Math.abs(r);
  return (r < 0 ? "-" : "") + Math.floor(an / 1e9) + "." + String(an % 1e9).padStart(9, "0");
}

const n = 500;
const u = new Array(n).fill(1.0);
const v = new Array(n).fill(0.0);
const tmp = new Array(n).fill(0.0);
for (let i = 0; i < 10; i++) {
  mulAtav(n, u, v, tmp);
  mulAtav(n, v, u, tmp);
}
let vbv = 0.0, vv = 0.0;
for (let i = 0; i < n; i++) {
  vbv += u[i] * v[i];
  vv += v[i] * v[i];
}
console.log(fmt9(Math.sqrt(vbv / vv)));
