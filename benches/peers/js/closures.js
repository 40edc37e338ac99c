// closures: create and call many closures with captured state: adders,
// counters with mutable captured variables, composition, closures capturing
// loop variables, and a higher-order driver loop. Same sizes as the Cairn program.
function makeAdder(n) { return (x) => x + n; }

function makeCounter() {
  let count = 0;
  return () => {
    count += 1;
    return count;
  };
}

function compose(f, g) { return (x) => f(g(x)); }

function applyN(f, n, x) {
  let acc = x;
  for (let i = 0; i < n; i++) acc = f(acc);
  return acc;
}

function main() {
  const n = 600000;
  let total = 0;
  const ticks = makeCounter();
  for (let i = 0; i < n; i++) {
    const add = makeAdder(i % 1000);
    const twice = compose(add, add);
    const c = makeCounter();
    c();
    total += twice(i) % 1000 + c();
    ticks();
  }
  console.log(`total ${total}, ticks ${ticks()}`);

  const step = makeAdder(3);
  console.log(`apply_n ${applyN(compose(step, makeAdder(-2)), 6000000, 0)}`);

  const fns = [];
  for (let i = 0; i < 100000; i++) fns.push(() => i * 2);
  let s = 0;
  for (const f of fns) s += f();
  console.log(`loop closures ${s}`);
}

main();
