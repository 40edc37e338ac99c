#!/usr/bin/env bash
# Cairn benchmarks against Lua 5.4.
#
#   bash benches/run.sh              # every program in benches/programs
#   bash benches/run.sh fib nbody    # just these
#   RUNS=9 bash benches/run.sh       # more timed runs per side (default 5)
#   CAIRN=/path/to/cairn bash benches/run.sh   # use this binary, skip the build
#
# Builds Cairn in release mode, then for each program: one warm-up run of each
# side (whose outputs must be identical), then RUNS timed runs of Cairn and the
# peer, alternating. Prints the median wall-clock seconds of each side, the
# ratio Cairn/Lua, and the geometric mean of the ratios. Needs only bash,
# coreutils (date, sort, cmp, mktemp) and, if present, /usr/bin/time (peak RSS
# of the warm-up runs). Timing uses `date +%s%N`; all arithmetic is integer.
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
runs=${RUNS:-5}
if [ -n "${CAIRN:-}" ]; then
  cairn=$(cd "$(dirname "$CAIRN")" && pwd)/$(basename "$CAIRN")
  echo "using $cairn (no build)"
else
  cairn="$root/target/release/cairn"
  echo "building Cairn (release)..."
  if ! (cd "$root" && cargo build --release --quiet); then
    echo "error: cargo build --release failed" >&2
    exit 1
  fi
fi
if [ ! -x "$cairn" ]; then
  echo "error: $cairn is not an executable" >&2
  exit 1
fi

# The Lua 5.4 peer: lua5.4, or a `lua` that is 5.4.
lua=""
if command -v lua5.4 >/dev/null 2>&1; then
  lua=$(command -v lua5.4)
elif command -v lua >/dev/null 2>&1 && lua -v 2>&1 | grep -q '^Lua 5\.4'; then
  lua=$(command -v lua)
fi
if [ -z "$lua" ]; then
  echo "note: Lua 5.4 not installed (apt-get install lua5.4): peer runs skipped"
fi

have_time=0
[ -x /usr/bin/time ] && have_time=1

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ---- integer helpers -------------------------------------------------------

now_ns() { date +%s%N; }

# Run a command with stdout to $2, stderr to $3; echo elapsed microseconds.
# Returns the command's exit status.
time_us() { # cmd_file out err
  local t0 t1 rc
  t0=$(now_ns)
  bash -c "$1" >"$2" 2>"$3"
  rc=$?
  t1=$(now_ns)
  echo $(( (t1 - t0) / 1000 ))
  return $rc
}

median() { # integers...
  local sorted n
  sorted=($(printf '%s\n' "$@" | sort -n))
  n=${#sorted[@]}
  if (( n % 2 == 1 )); then
    echo "${sorted[n / 2]}"
  else
    echo $(( (sorted[n / 2 - 1] + sorted[n / 2]) / 2 ))
  fi
}

# Microseconds as seconds with 3 decimals.
fmt_s() { local ms=$(( ($1 + 500) / 1000 )); printf '%d.%03d' $((ms / 1000)) $((ms % 1000)); }
# A fixed-point value scaled by 1e6 as a number with 2 decimals.
fmt_fx() { local c=$(( ($1 + 5000) / 10000 )); printf '%d.%02d' $((c / 100)) $((c % 100)); }

S=1000000      # fixed-point scale
LN2=693147     # ln 2 * S

# ln(x / S) * S for x > 0, via x = m * 2^k, m in [1, 2), ln m = 2 atanh((m-1)/(m+1)).
ln_fx() {
  local x=$1 k=0 t t2 term sum=0 i
  while (( x >= 2 * S )); do x=$(( x / 2 )); k=$(( k + 1 )); done
  while (( x < S )); do x=$(( x * 2 )); k=$(( k - 1 )); done
  t=$(( (x - S) * S / (x + S) ))
  t2=$(( t * t / S ))
  term=$t
  for i in 1 3 5 7 9 11 13 15; do
    sum=$(( sum + term / i ))
    term=$(( term * t2 / S ))
  done
  echo $(( 2 * sum + k * LN2 ))
}

# exp(y / S) * S, via y = k ln2 + r, r in [0, ln2), Taylor series for e^r.
exp_fx() {
  local y=$1 k r sum term i
  if (( y >= 0 )); then k=$(( y / LN2 )); else k=$(( -((-y + LN2 - 1) / LN2) )); fi
  r=$(( y - k * LN2 ))
  sum=$S; term=$S
  for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
    term=$(( term * r / S / i ))
    sum=$(( sum + term ))
  done
  if (( k >= 0 )); then echo $(( sum << k )); else echo $(( sum >> -k )); fi
}

# ---- run -------------------------------------------------------------------

if [ $# -gt 0 ]; then
  names=("$@")
else
  names=()
  for f in "$here"/programs/*.cairn; do
    names+=("$(basename "$f" .cairn)")
  done
fi

rows=()
ln_sum=0
ln_count=0
failed=0

for name in "${names[@]}"; do
  prog="$here/programs/$name.cairn"
  peer="$here/peers/lua/$name.lua"
  if [ ! -f "$prog" ]; then
    echo "error: no such program: $prog" >&2
    failed=1
    continue
  fi
  ccmd="\"$cairn\" run \"$prog\""
  lcmd=""
  if [ -n "$lua" ] && [ -f "$peer" ]; then
    lcmd="\"$lua\" \"$peer\""
  elif [ -n "$lua" ]; then
    echo "note: $name: no Lua peer ($peer): skipped"
  fi

  echo "running $name..."
  # Warm-up, capturing the reference outputs (and peak RSS when /usr/bin/time exists).
  crss="-"; lrss="-"
  if (( have_time )); then
    /usr/bin/time -f %M -o "$tmp/c.rss" bash -c "$ccmd" >"$tmp/c.ref" 2>"$tmp/c.err"
    crc=$?
    crss=$(( $(tail -n 1 "$tmp/c.rss") / 1024 ))
  else
    bash -c "$ccmd" >"$tmp/c.ref" 2>"$tmp/c.err"
    crc=$?
  fi
  if (( crc != 0 )); then
    echo "  FAIL: cairn exited with status $crc:"
    sed 's/^/    /' "$tmp/c.err" | head -n 10
    rows+=("$name|FAIL|-|-|-|-")
    failed=1
    continue
  fi
  if [ -n "$lcmd" ]; then
    if (( have_time )); then
      /usr/bin/time -f %M -o "$tmp/l.rss" bash -c "$lcmd" >"$tmp/l.ref" 2>"$tmp/l.err"
      lrc=$?
      lrss=$(( $(tail -n 1 "$tmp/l.rss") / 1024 ))
    else
      bash -c "$lcmd" >"$tmp/l.ref" 2>"$tmp/l.err"
      lrc=$?
    fi
    if (( lrc != 0 )); then
      echo "  FAIL: lua exited with status $lrc:"
      sed 's/^/    /' "$tmp/l.err" | head -n 10
      lcmd=""
      failed=1
    elif ! cmp -s "$tmp/c.ref" "$tmp/l.ref"; then
      echo "  MISMATCH: Cairn and Lua outputs differ:"
      diff "$tmp/c.ref" "$tmp/l.ref" 2>/dev/null | head -n 10 | sed 's/^/    /'
      rows+=("$name|MISMATCH|-|-|$crss|$lrss")
      failed=1
      continue
    fi
  fi

  ctimes=(); ltimes=()
  ok=1
  for (( i = 0; i < runs; i++ )); do
    t=$(time_us "$ccmd" "$tmp/c.out" "$tmp/c.err") && cmp -s "$tmp/c.out" "$tmp/c.ref" || ok=0
    ctimes+=("$t")
    if [ -n "$lcmd" ]; then
      t=$(time_us "$lcmd" "$tmp/l.out" "$tmp/l.err") && cmp -s "$tmp/l.out" "$tmp/l.ref" || ok=0
      ltimes+=("$t")
    fi
  done
  if (( ! ok )); then
    echo "  FAIL: a timed run failed or printed something different from its warm-up"
    rows+=("$name|FAIL|-|-|$crss|$lrss")
    failed=1
    continue
  fi

  cmed=$(median "${ctimes[@]}")
  if [ -n "$lcmd" ]; then
    lmed=$(median "${ltimes[@]}")
    (( lmed > 0 )) || lmed=1
    ratio=$(( cmed * S / lmed ))
    ln_sum=$(( ln_sum + $(ln_fx "$ratio") ))
    ln_count=$(( ln_count + 1 ))
    rows+=("$name|$(fmt_s "$cmed")|$(fmt_s "$lmed")|$(fmt_fx "$ratio")|$crss|$lrss")
  else
    rows+=("$name|$(fmt_s "$cmed")|-|-|$crss|$lrss")
  fi
done

echo
echo "Cairn vs Lua 5.4: median wall-clock seconds of $runs runs each (alternating, after one warm-up)"
echo
printf '| %-14s | %9s | %9s | %9s | %9s | %9s |\n' program "cairn s" "lua s" "cairn/lua" "cairn MB" "lua MB"
printf '|%s|%s|%s|%s|%s|%s|\n' ---------------- ----------: ----------: ----------: ----------: ----------:
for row in "${rows[@]}"; do
  IFS='|' read -r n c l r cm lm <<<"$row"
  printf '| %-14s | %9s | %9s | %9s | %9s | %9s |\n' "$n" "$c" "$l" "$r" "$cm" "$lm"
done
if (( ln_count > 0 )); then
  gm=$(exp_fx $(( ln_sum / ln_count )))
  echo
  echo "geometric mean of cairn/lua over $ln_count programs: $(fmt_fx "$gm")"
fi
(( have_time )) && echo "(MB: peak resident set size of the warm-up run, from /usr/bin/time)"
exit $failed
