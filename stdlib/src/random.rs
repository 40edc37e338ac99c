//! `random`: a seedable generator (§13).
//!
//! The generator is xoshiro256** (Blackman and Vigna). `seed(n)` sets its
//! four state words to four successive outputs of SplitMix64 started at the
//! two's-complement bits of `n`; until `seed` is called, the state comes
//! from the host's entropy call. Each VM has its own generator.
//!
//! - `float()` is `(next >> 11) * 2^-53`, in `[0, 1)`.
//! - `int(a, b)` lets `m = b - a + 1` (computed exactly). If `m` is 2^64 it
//!   returns the next output as an Int; otherwise it draws outputs `x` until
//!   `x < 2^64 - (2^64 mod m)` and returns `a + (x mod m)`, so every result
//!   is equally likely.
//! - `choice(xs)` is `xs[int(0, len - 1)]`.
//! - `shuffle(xs)` is Fisher–Yates: for `i` from `len - 1` down to 1, swap
//!   elements `i` and `int(0, i)`.

use cairn_vm::host::{Call, HostValue};
use cairn_vm::interp::{Exc, Vm};
use cairn_vm::object::Object;
use cairn_vm::value::Value;

use crate::args::{arg_type_error, arity, int_arg, list_arg};

/// The xoshiro256** generator.
///
/// ```
/// let mut g = cairn_stdlib::Xoshiro256::seeded(42);
/// let first = g.next_u64();
/// assert_eq!(cairn_stdlib::Xoshiro256::seeded(42).next_u64(), first);
/// assert!((0.0..1.0).contains(&g.next_float()));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Xoshiro256 {
    s: [u64; 4],
}

/// One step of SplitMix64.
fn splitmix64(x: &mut u64) -> u64 {
    *x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *x;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl Xoshiro256 {
    /// The generator `random.seed(n)` makes.
    pub fn seeded(n: i64) -> Xoshiro256 {
        let mut x = n as u64;
        let s = [
            splitmix64(&mut x),
            splitmix64(&mut x),
            splitmix64(&mut x),
            splitmix64(&mut x),
        ];
        Xoshiro256 { s }
    }

    /// A generator from 32 bytes of entropy (an all-zero state, which
    /// xoshiro cannot leave, is replaced by a seeded one).
    pub fn from_bytes(bytes: &[u8]) -> Xoshiro256 {
        let mut s = [0u64; 4];
        for (i, chunk) in bytes.chunks(8).take(4).enumerate() {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            s[i] = u64::from_le_bytes(word);
        }
        if s == [0; 4] {
            return Xoshiro256::seeded(0);
        }
        Xoshiro256 { s }
    }

    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// A Float in `[0, 1)`.
    pub fn next_float(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// An Int in `a..=b` (`a <= b`), without bias.
    pub fn int_in(&mut self, a: i64, b: i64) -> i64 {
        let m = (i128::from(b) - i128::from(a) + 1) as u128;
        if m == 1 << 64 {
            return self.next_u64() as i64;
        }
        let two64: u128 = 1 << 64;
        let limit = two64 - two64 % m;
        loop {
            let x = u128::from(self.next_u64());
            if x < limit {
                return (i128::from(a) + (x % m) as i128) as i64;
            }
        }
    }
}

/// The VM's generator, seeded from entropy on first use.
#[derive(Default)]
struct State(Option<Xoshiro256>);

fn generator(vm: &mut Vm) -> Result<&mut Xoshiro256, Exc> {
    if vm.extensions.get_or_default::<State>().0.is_none() {
        let bytes = vm.call_host(
            Call::Entropy,
            vec![HostValue::Int(32)],
            "cannot seed random",
        )?;
        let g = match bytes {
            HostValue::Bytes(b) => Xoshiro256::from_bytes(&b),
            _ => Xoshiro256::seeded(0),
        };
        vm.extensions.get_or_default::<State>().0 = Some(g);
    }
    let state = vm.extensions.get_or_default::<State>();
    Ok(state.0.get_or_insert_with(|| Xoshiro256::seeded(0)))
}

pub fn install(vm: &mut Vm) {
    vm.extensions.insert(State(None));
    vm.define_module("random")
        .function("seed", seed)
        .function("float", float)
        .function("int", int)
        .function("choice", choice)
        .function("shuffle", shuffle)
        .install();
}

/// `random.seed(n)`.
fn seed(vm: &mut Vm, _r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "random.seed", args, 1, 1)?;
    let n = int_arg(vm, "random.seed", args, 0)?;
    vm.extensions.insert(State(Some(Xoshiro256::seeded(n))));
    Ok(Value::Nil)
}

/// `random.float()`: a Float in `[0, 1)`.
fn float(vm: &mut Vm, _r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "random.float", args, 0, 0)?;
    Ok(Value::Float(generator(vm)?.next_float()))
}

/// `random.int(a, b)`: an Int in `a..=b`.
fn int(vm: &mut Vm, _r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "random.int", args, 2, 2)?;
    let a = int_arg(vm, "random.int", args, 0)?;
    let b = int_arg(vm, "random.int", args, 1)?;
    if a > b {
        let msg = format!("random.int(): empty range {a}..={b}");
        return Err(vm.error_of("ValueError", msg));
    }
    Ok(Value::Int(generator(vm)?.int_in(a, b)))
}

fn list_len(vm: &Vm, list: cairn_vm::value::ObjRef) -> usize {
    match vm.heap.get(list) {
        Object::List(items) => items.len(),
        _ => 0,
    }
}

/// `random.choice(xs)`: an element of a non-empty List.
fn choice(vm: &mut Vm, _r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "random.choice", args, 1, 1)?;
    let list = list_arg(vm, "random.choice", args, 0)?;
    let len = list_len(vm, list);
    if len == 0 {
        let msg = "random.choice(): the List is empty".to_string();
        return Err(vm.error_of("IndexError", msg));
    }
    let i = generator(vm)?.int_in(0, len as i64 - 1) as usize;
    match vm.heap.get(list) {
        Object::List(items) => Ok(items.get(i).copied().unwrap_or(Value::Nil)),
        _ => Ok(Value::Nil),
    }
}

/// `random.shuffle(xs)`: shuffles in place; returns nil.
fn shuffle(vm: &mut Vm, _r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "random.shuffle", args, 1, 1)?;
    let Value::Obj(list) = args[0] else {
        return Err(arg_type_error(vm, "random.shuffle", 0, "List", args[0]));
    };
    list_arg(vm, "random.shuffle", args, 0)?;
    let len = list_len(vm, list);
    let mut swaps = Vec::with_capacity(len.saturating_sub(1));
    let g = generator(vm)?;
    for i in (1..len).rev() {
        swaps.push((i, g.int_in(0, i as i64) as usize));
    }
    if let Object::List(items) = vm.heap.get_mut(list) {
        for (i, j) in swaps {
            items.swap(i, j);
        }
    }
    Ok(Value::Nil)
}
