// string_build: build a large string from many small pieces by concatenation
// and interpolation, join the lines, then split it up again and parse numbers
// out of it. Size: 250,000 lines of five numbers each (about 8 MB of text).
const n = 250000;
const lines = [];
for (let i = 0; i < n; i++) {
  let line = `row ${i}:`;
  for (let j = 1; j < 6; j++) line += " " + String(i * j % 997);
  lines.push(line);
}
const text = lines.join("\n");
console.log(`length ${text.length}`);

let sum = 0;
let rows = 0;
for (const line of text.split("\n")) {
  const fields = line.split(" ");
  sum += parseInt(fields[fields.length - 1], 10);
  rows += 1;
}
console.log(`rows ${rows}, sum of last fields ${sum}`);
console.log(`sevens ${text.split("7").length - 1}`);
