//! The dispatch loop.
//!
//! Two parts. `run_loop` is the fast path: the common cases of the hottest
//! instructions, with the hot state (the code, the next instruction, the
//! stack top and frame base) in locals, written back to the frame only where
//! an instruction calls, returns or throws. Everything else goes to
//! `step_slow`, out of line, which runs one instruction in full on the VM's
//! stack; the loop saves the frame's `ip` before it and reloads the frame
//! after. Keeping the slow path's many calls out of the loop lets LLVM keep
//! the loop's state in registers.

use super::cache::{Hit, Kind};
use super::fiber::{Frame, OnReturn};
use super::instr::{Arith, Cmp, Instr};
use super::link::CallInfo;
use super::{Exc, Vm};
use crate::object::{ClassObj, Instance, IterObj, Object, RangeCursor, RangeObj};
use crate::runtime::ops;
use crate::value::{ObjRef, Value};

/// The upvalue list of the closure whose captured variables were read
/// last ([`Vm::upvals`]).
#[derive(Clone, Copy, Debug)]
pub struct UpvalCache {
    /// The closure; `u32::MAX`, which names no object, when empty.
    of: ObjRef,
    /// Its upvalue list's entries, `len` of them.
    at: *const Value,
    len: usize,
}

impl UpvalCache {
    /// Caches nothing.
    pub const EMPTY: UpvalCache = UpvalCache {
        of: ObjRef(u32::MAX),
        at: std::ptr::null(),
        len: 0,
    };

    /// The upvalue list of closure `r`, whose object is `c`.
    #[inline(always)]
    fn of(r: ObjRef, c: &crate::object::ClosureObj) -> UpvalCache {
        UpvalCache {
            of: r,
            at: c.upvalues.as_ptr(),
            len: c.upvalues.len(),
        }
    }
}

// SAFETY: the pointer is into a list owned by the VM's heap, read only by
// the thread running the VM (a `Vm` moves between threads whole).
unsafe impl Send for UpvalCache {}

/// A `CALL` site's memory of the closure it last called: the call takes
/// the prototype, its call facts and the upvalue list from here, with no
/// lookup of the closure in the heap or of the prototype in the table,
/// when the callee is the same object in the same epoch.
#[derive(Clone, Copy, Debug)]
pub struct CallSite {
    /// The closure (`upvals.of`), its upvalue list, and its prototype.
    upvals: UpvalCache,
    proto: u32,
    info: CallInfo,
    /// `Vm::epoch` when filled: every collection starts a new one.
    epoch: u64,
}

impl CallSite {
    /// Remembers nothing (no epoch is `u64::MAX`).
    pub const EMPTY: CallSite = CallSite {
        upvals: UpvalCache::EMPTY,
        proto: 0,
        info: CallInfo::NONE,
        epoch: u64::MAX,
    };
}

/// Copies a value between stack slots as two word moves. A value written
/// in parts (tag, then payload, as arithmetic does) and at once read back
/// as one 16-byte load stalls store-to-load forwarding; each word load
/// finds its own store. The reads are volatile so that they stay two.
///
/// # Safety
///
/// `src` and `dst` point at value slots of the stack's allocation, `src`
/// holding a value.
#[inline(always)]
unsafe fn copy_words(dst: *mut Value, src: *const Value) {
    use std::mem::MaybeUninit;
    let s = src.cast::<MaybeUninit<u64>>();
    let d = dst.cast::<MaybeUninit<u64>>();
    // SAFETY: `Value` is two words (its tag is a `u64`), and the caller
    // gives valid slots; `MaybeUninit` carries the payload word of a `nil`,
    // which has no payload.
    unsafe {
        let (tag, payload) = (s.read_volatile(), s.add(1).read_volatile());
        d.write(tag);
        d.add(1).write(payload);
    }
}

/// The state both halves of the dispatch loop keep of the running frame,
/// in locals named by the caller: its closure, its code, the next
/// instruction (`pc`), its base and module, read from the top frame; and
/// the macros that move and save it: `goto!(i)`, `skip!(n)`, `ip!()`,
/// `save!()` (the next instruction's index into the top frame),
/// `reload!()` (all of it from the top frame) and `throw!(e)`.
macro_rules! frame_state {
    ($vm:ident, $closure:ident, $code:ident, $pc:ident, $base:ident, $module:ident) => {
        let top = *$vm.frames.last().expect("a frame to run");
        // Of the frame's other fields, only the closure is read while it
        // runs (by `LOAD_UPVAL` and the like); a whole copy of the frame
        // in the loop would be written and read back on every call.
        let mut $closure: ObjRef = top.closure;
        // The running function's code. `self.code` only ever grows and each
        // entry is an `Arc` it never drops, so the slice outlives the loop.
        let mut $code: super::code_ref::CodeRef = top.code;
        // The next instruction, as a pointer into `code` (`pc`), so that
        // fetching is one load; the frame keeps it as an index.
        let mut $pc: *const Instr;
        // Points `pc` at instruction `i` of `code`. The verifier checks
        // that every jump target and handler is an instruction boundary
        // inside the function, frames hold only such indexes (or the end,
        // while their last instruction runs), and fused instructions skip
        // only over the sequence they replaced, so `pc` stays inside the
        // code or at its end, from where nothing is fetched (control cannot
        // fall off the end).
        #[allow(unused_macros)]
        macro_rules! goto {
            ($i:expr) => {{
                let i = $i as usize;
                #[cfg(debug_assertions)]
                assert!(i <= $code.count());
                // SAFETY: see above.
                $pc = unsafe { $code.start().add(i) };
            }};
        }
        // Skips the rest of a fused sequence.
        #[allow(unused_macros)]
        macro_rules! skip {
            ($n:expr) => {{
                // SAFETY: the sequence's instructions follow in `code`
                // (see `goto!`).
                $pc = unsafe { $pc.add($n) };
            }};
        }
        // The index of the next instruction.
        #[allow(unused_macros)]
        macro_rules! ip {
            () => {{
                // SAFETY: `pc` points into `code` (see `goto!`).
                unsafe { $pc.offset_from($code.start()) as usize }
            }};
        }
        goto!(top.ip);
        let mut $base = top.base;
        let mut $module = top.module as usize;
        #[allow(unused_macros)]
        macro_rules! save {
            () => {
                if let Some(f) = $vm.frames.last_mut() {
                    f.ip = ip!();
                }
            };
        }
        #[allow(unused_macros)]
        macro_rules! reload {
            () => {{
                let top = *$vm.frames.last().expect("a frame to run");
                $closure = top.closure;
                $code = top.code;
                goto!(top.ip);
                $base = top.base;
                $module = top.module as usize;
            }};
        }
        #[allow(unused_macros)]
        macro_rules! throw {
            ($e:expr) => {{
                save!();
                return Err($e);
            }};
        }
    };
}

use crate::runtime::keys::{IntHint, StrHint};

/// What [`Vm::method_fast`] found: a method to enter (its closure and
/// prototype), or the field an accessor method would have returned.
enum MethodHit {
    Enter(crate::value::ObjRef, u32),
    Field(Value),
}

impl Vm {
    /// Runs until the frame at depth `stop` (a boundary frame) returns, and
    /// gives its result. After [`Exc::OutOfFuel`], see
    /// [`Vm::resume_execute`].
    pub(crate) fn execute(&mut self, stop: usize) -> Result<Value, Exc> {
        loop {
            match self.run_frames(stop) {
                Ok(v) => return Ok(v),
                Err(e @ (Exc::Yield(_) | Exc::Exit(_) | Exc::Interrupt | Exc::OutOfFuel)) => {
                    return Err(e)
                }
                Err(Exc::Error(e)) => {
                    let e = self.throw_safepoint(e)?;
                    // Unwinds to a handler (and continues) or out of `stop`.
                    self.unwind(e, stop)?;
                }
            }
        }
    }

    /// Throwing is a safepoint, as a backward jump is: a handler whose code
    /// leads back to the throw loops through no other. Polled before
    /// unwinding, so that a `MemoryError` the collection raises comes from
    /// the throwing instruction, in place of its error, and goes to the
    /// same handler. Gives the error to unwind.
    fn throw_safepoint(&mut self, e: Value) -> Result<Value, Exc> {
        if !self.safepoint_due() {
            return Ok(e);
        }
        // Rooted: the collection may move it.
        self.temp_roots.push(e);
        let polled = self.safepoint();
        let e = self.temp_roots.pop().expect("the error, rooted above");
        match polled {
            Ok(()) => Ok(e),
            Err(Exc::Error(memory)) => Ok(memory),
            Err(stop) => Err(stop),
        }
    }

    fn run_frames(&mut self, stop: usize) -> Result<Value, Exc> {
        // Two copies of the loop, so the common one carries no counting.
        if self.collect_stats || self.heap.config.stress || self.metered() {
            self.run_loop::<true>(stop)
        } else {
            self.run_loop::<false>(stop)
        }
    }

    // The fast path's arms read best as "if the common case, do it and
    // `continue`", so clippy's match-collapsing advice is declined.
    #[allow(
        clippy::too_many_lines,
        clippy::int_plus_one,
        clippy::collapsible_match,
        clippy::collapsible_if
    )]
    fn run_loop<const STATS: bool>(&mut self, stop: usize) -> Result<Value, Exc> {
        frame_state!(self, closure, code, pc, base, module);
        // A return may stay in the loop while frames remain above `stop`
        // (and never pops the bottom frame).
        let stop_above = stop.max(1);
        // The running frame's module, `self.modules[module]`, so that a
        // constant or global is found without indexing the module table.
        // Re-derived wherever `module` changes, and after the slow path,
        // which may load modules and so move the table.
        let mut mp: *mut super::link::Module;
        macro_rules! remodule {
            () => {{
                debug_assert!(module < self.modules.len());
                // SAFETY: a frame's module is an index into `self.modules`
                // (the link gives each prototype the module that loaded
                // it), which only ever grows.
                mp = unsafe { self.modules.as_mut_ptr().add(module) };
            }};
        }
        remodule!();
        // The fast path keeps the stack's data pointer (`st`), its top
        // (`sp`, one past the last operand) and the frame's slot 0 (`bp`) in
        // locals, writing the length back before the slow path and
        // re-deriving all three after it, since it may reallocate the stack.
        let mut st: *mut Value = self.stack.as_mut_ptr();
        // SAFETY: `len` and `base` are within the allocation.
        let (mut sp, mut bp) = unsafe { (st.add(self.stack.len()), st.add(base)) };
        // The operand count above the frame's base (debug checks only).
        macro_rules! depth {
            () => {{
                // SAFETY: `sp` and `bp` point into the same allocation.
                unsafe { sp.offset_from(bp) }
            }};
        }
        macro_rules! sp_index {
            () => {{
                // SAFETY: `sp` and `st` point into the same allocation.
                unsafe { sp.offset_from(st) as usize }
            }};
        }
        macro_rules! fpush {
            ($v:expr) => {{
                let v = $v;
                debug_assert!(sp_index!() < self.stack.capacity());
                // SAFETY: the slot is within the reserved capacity (verifier
                // rule "stack height never above the declared maximum" and
                // `push_frame`'s reservation).
                unsafe {
                    sp.write(v);
                    sp = sp.add(1);
                }
            }};
        }
        macro_rules! fpop {
            () => {{
                debug_assert!(depth!() > 0);
                // SAFETY: there is an operand to pop (verifier rule "stack
                // height never negative").
                unsafe {
                    sp = sp.sub(1);
                    *sp
                }
            }};
        }
        macro_rules! fdrop {
            ($n:expr) => {{
                debug_assert!(depth!() >= $n as isize);
                // SAFETY: as for `fpop!`.
                unsafe { sp = sp.sub($n) };
            }};
        }
        macro_rules! fpeek {
            ($depth:expr) => {{
                debug_assert!(depth!() >= $depth as isize);
                // SAFETY: the instruction has this many operands (verifier
                // stack rules).
                unsafe { *sp.sub($depth) }
            }};
        }
        macro_rules! fput {
            ($depth:expr, $v:expr) => {{
                let v = $v;
                debug_assert!(depth!() >= $depth as isize);
                // SAFETY: as for `fpeek!`.
                unsafe { *sp.sub($depth) = v };
            }};
        }
        macro_rules! floc {
            ($l:expr) => {{
                debug_assert!(($l as isize) < depth!());
                // SAFETY: the verifier checks local indexes against
                // `n_locals`, and the frame was sized to hold them.
                unsafe { *bp.add($l as usize) }
            }};
        }
        macro_rules! fset {
            ($l:expr, $v:expr) => {{
                let v = $v;
                debug_assert!(($l as isize) < depth!());
                // SAFETY: as for `floc!`.
                unsafe { *bp.add($l as usize) = v };
            }};
        }
        // Copies a value found elsewhere (a field, a list item) onto the
        // stack as one 16-byte move. A `Value` taken apart and put back
        // together is written in pieces (tag and payload), and a whole
        // 16-byte read of it soon after (a `STORE_LOCAL`, say) stalls.
        macro_rules! fput_copy {
            ($depth:expr, $from:expr) => {{
                let from: *const Value = $from;
                debug_assert!(depth!() >= $depth as isize);
                // SAFETY: the slot is an operand (verifier stack rules), and
                // `from` points at a live value outside the operand stack.
                unsafe { sp.sub($depth).copy_from_nonoverlapping(from, 1) };
            }};
        }
        macro_rules! fpush_copy {
            ($from:expr) => {{
                let from: *const Value = $from;
                debug_assert!(sp_index!() < self.stack.capacity());
                // SAFETY: the slot is within the reserved capacity (as for
                // `fpush!`), and `from` points at a live value outside the
                // operand stack.
                unsafe {
                    sp.copy_from_nonoverlapping(from, 1);
                    sp = sp.add(1);
                }
            }};
        }
        macro_rules! field_hit {
            ($cache:expr) => {{
                if STATS {
                    self.count_first_hit($cache, Kind::GetField);
                }
            }};
        }
        // Points `bp` at the (new) frame's base.
        macro_rules! rebase {
            () => {{
                // SAFETY: a frame's base is within the stack.
                bp = unsafe { st.add(base) };
            }};
        }
        macro_rules! fast_arith {
            ($op:expr) => {{
                if let Some(v) = $op.fast(fpeek!(2), fpeek!(1)) {
                    fdrop!(1);
                    fput!(1, v);
                    continue;
                }
            }};
        }
        // A bitwise operator on two Ints; `$f` gives `None` to leave the
        // case (a shift count out of range) to the slow path.
        macro_rules! fast_bits {
            ($f:expr) => {{
                if let (Value::Int(x), Value::Int(y)) = (fpeek!(2), fpeek!(1)) {
                    if let Some(v) = $f(x, y) {
                        fdrop!(1);
                        fput!(1, Value::Int(v));
                        continue;
                    }
                }
            }};
        }
        macro_rules! fast_compare {
            ($cmp:expr) => {{
                let fast = match (fpeek!(2), fpeek!(1)) {
                    (Value::Int(a), Value::Int(b)) => Some($cmp.ints(a, b)),
                    (Value::Float(a), Value::Float(b)) => Some($cmp.floats(a, b)),
                    _ => None,
                };
                if let Some(v) = fast {
                    fdrop!(1);
                    fput!(1, Value::Bool(v));
                    continue;
                }
            }};
        }
        // `LOAD_LOCAL b; op`: `top op b`.
        macro_rules! arith_local {
            ($op:expr, $b:expr) => {{
                if let Some(v) = $op.fast(fpeek!(1), floc!($b)) {
                    fput!(1, v);
                    skip!(1);
                    continue;
                }
            }};
        }
        // `LOAD_LOCAL a; LOAD_LOCAL b; op`.
        macro_rules! arith_locals {
            ($op:expr, $a:expr, $b:expr) => {{
                if let Some(v) = $op.fast(floc!($a), floc!($b)) {
                    fpush!(v);
                    skip!(2);
                    continue;
                }
            }};
        }
        // The test of a counted range loop (`FOR_RANGE`, and the loop
        // closer that repeats it): with the count in slots `h` and `h + 1`,
        // `Some(true)` after putting the next value in `v`, `Some(false)`
        // at the end; `None` when `h` holds no count (the loop is over
        // something other than a range of Ints this time).
        macro_rules! range_step {
            ($h:expr, $v:expr) => {{
                if let (Value::Int(next), Value::Int(end)) = (floc!($h), floc!($h + 1)) {
                    if next < end {
                        fset!($v, Value::Int(next));
                        // Below `end`, so `next + 1` does not overflow.
                        fset!($h, Value::Int(next + 1));
                        Some(true)
                    } else {
                        Some(false)
                    }
                } else {
                    None
                }
            }};
        }
        // `op; STORE_LOCAL l`.
        macro_rules! arith_store {
            ($op:expr, $l:expr) => {{
                if let Some(v) = $op.fast(fpeek!(2), fpeek!(1)) {
                    fdrop!(2);
                    fset!($l, v);
                    skip!(1);
                    continue;
                }
            }};
        }
        // `op; SET_FIELD f`: the receiver is under the operands.
        macro_rules! arith_set_field {
            ($op:expr, $cache:expr) => {{
                if let Some(v) = $op.fast(fpeek!(2), fpeek!(1)) {
                    if self.set_field_fast::<STATS>(fpeek!(3), v, $cache) {
                        fdrop!(3);
                        skip!(1);
                        continue;
                    }
                }
            }};
        }
        // Enters a closure whose call `can_enter_fast` approved: its
        // arguments are in place, the rest of its locals become nil.
        macro_rules! fast_enter {
            ($closure:expr, $proto:expr, $at:expr, $argc:expr) => {{
                fast_enter!($closure, $proto, $at, $argc, OnReturn::Keep)
            }};
            ($closure:expr, $proto:expr, $at:expr, $argc:expr, $on_return:expr) => {{
                fast_enter!(
                    $closure,
                    $proto,
                    self.calls[$proto as usize],
                    $at,
                    $argc,
                    $on_return
                )
            }};
            // With the prototype's call facts in hand.
            ($closure:expr, $proto:expr, $info:expr, $at:expr, $argc:expr, $on_return:expr) => {{
                let c: CallInfo = $info;
                let top = $at + c.frame as usize;
                while sp_index!() < top {
                    fpush!(Value::Nil);
                }
                let n = self.frames.len();
                debug_assert!(n >= 1 && n < self.frames.capacity());
                let ip = ip!();
                closure = $closure;
                // SAFETY: the loop runs the top frame, so there is one
                // (`n >= 1`), and `can_enter_fast` found room for another
                // (`n < capacity`): the caller's `ip` is saved and the new
                // frame written in place, with no capacity check or growth.
                unsafe {
                    let fp = self.frames.as_mut_ptr().add(n);
                    (*fp.sub(1)).ip = ip;
                    fp.write(Frame {
                        closure: $closure,
                        proto: $proto,
                        ip: 0,
                        base: $at,
                        code: c.code,
                        module: c.module,
                        on_return: $on_return,
                        boundary: false,
                    });
                    self.frames.set_len(n + 1);
                }
                code = c.code;
                goto!(0);
                base = $at;
                rebase!();
                module = c.module as usize;
                remodule!();
            }};
        }
        // `RETURN` of the value at `$result` to a caller in this loop,
        // when no safepoint is due; otherwise falls through to the slow
        // path.
        macro_rules! fast_return {
            ($result:expr) => {{
                let n = self.frames.len();
                debug_assert!(n >= 1);
                // SAFETY: the loop runs the top frame, so there is one.
                let done = unsafe { self.frames.get_unchecked(n - 1) };
                let (on_return, boundary, done_base) = (done.on_return, done.boundary, done.base);
                if on_return != OnReturn::Discard
                    && !boundary
                    && n > stop_above
                    && !self.safepoint_due()
                {
                    // An `init` returns its receiver, in slot 0.
                    let result: *const Value = if on_return == OnReturn::Keep {
                        $result
                    } else {
                        bp
                    };
                    // SAFETY: the returning frame's base is within the
                    // stack, and the result is at or above it, so the copy
                    // reads it before anything overwrites it; the slot
                    // after the base is within the caller's reservation
                    // (the callee sat on its operand stack). `n` is above
                    // `stop_above`, at least 1, so frame `n - 2` (the
                    // caller) exists, and dropping a `Copy` frame by
                    // shortening the length frees nothing.
                    unsafe {
                        let to = st.add(done_base);
                        copy_words(to, result);
                        sp = to.add(1);
                        self.frames.set_len(n - 1);
                    }
                    // SAFETY: frame `n - 2` exists (above); its fields are
                    // read one by one, each the width it was written.
                    let caller = unsafe { &*self.frames.as_ptr().add(n - 2) };
                    closure = caller.closure;
                    code = caller.code;
                    goto!(caller.ip);
                    base = caller.base;
                    module = caller.module as usize;
                    rebase!();
                    remodule!();
                    continue;
                }
            }};
        }
        loop {
            // Under `CAIRN_GC_STRESS` (which runs this counting copy of the
            // loop), every instruction boundary after an allocation is a
            // safepoint: all live values are in the frames and on the stack.
            if STATS && self.heap.config.stress && self.heap.should_collect() {
                let len = sp_index!();
                // SAFETY: as before the slow path: `sp` is within the
                // reserved capacity and the slots below it are written.
                unsafe { self.stack.set_len(len) };
                save!();
                // Collection renames values in place; the stack is not
                // reallocated, so `st`, `sp` and `bp` stay valid.
                let collected = self.collect();
                closure = self.frames[self.frames.len() - 1].closure;
                if let Err(e) = collected {
                    throw!(e);
                }
            }
            // Fuel is taken before the instruction runs, so at zero nothing
            // is half done: with the stack's length and the frame's `ip`
            // written back, the frames and stack are a state the loop can
            // start from again (`Vm::resume_execute`).
            if STATS && !self.burn_fuel() {
                let len = sp_index!();
                // SAFETY: as before the slow path: `sp` is within the
                // reserved capacity and the slots below it are written.
                unsafe { self.stack.set_len(len) };
                save!();
                self.suspend_for_fuel();
                return Err(Exc::OutOfFuel);
            }
            #[cfg(debug_assertions)]
            assert!(ip!() < code.count());
            // SAFETY: `pc` stays inside the code (see `goto!`): the
            // verifier also checks that control cannot fall off the end.
            // Matched in place (`match *instr`), so each arm reads only its
            // own operands: a copy of the whole instruction had LLVM load
            // every operand field before the jump.
            let instr: &Instr = unsafe { &*pc };
            skip!(1);
            if STATS {
                self.stats.instructions += 1;
            }
            // The fast path: the common cases of the hottest instructions,
            // on the cached stack pointer. An arm that handles its case
            // ends with `continue`; one that does not falls through,
            // having changed nothing, to the slow path below.
            match *instr {
                // With an arm for every instruction from the first to the
                // last, the jump table spans them all and dispatch needs no
                // range check.
                Instr::Nop => continue,
                Instr::Const(k) => {
                    // SAFETY: `mp` points at the running frame's module
                    // (see `remodule!`), and nothing borrows it mutably.
                    fpush!(unsafe { (&(*mp).constants)[k as usize] });
                    continue;
                }
                Instr::Int(i) => {
                    fpush!(Value::Int(i));
                    continue;
                }
                Instr::Nil => {
                    fpush!(Value::Nil);
                    continue;
                }
                Instr::True => {
                    fpush!(Value::Bool(true));
                    continue;
                }
                Instr::False => {
                    fpush!(Value::Bool(false));
                    continue;
                }
                Instr::Pop => {
                    let _ = fpop!();
                    continue;
                }
                Instr::Dup => {
                    fpush!(fpeek!(1));
                    continue;
                }
                Instr::LoadLocal(l) => {
                    fpush!(floc!(l));
                    continue;
                }
                Instr::StoreLocal(l) => {
                    let v = fpop!();
                    fset!(l, v);
                    continue;
                }
                Instr::LoadLocal2(a, b) => {
                    fpush!(floc!(a));
                    fpush!(floc!(b));
                    skip!(1);
                    continue;
                }
                Instr::IncLocal(l, k) => {
                    if let Value::Int(a) = floc!(l) {
                        if let Some(v) = a.checked_add(i64::from(k)) {
                            fset!(l, Value::Int(v));
                            skip!(3);
                            continue;
                        }
                    }
                }
                Instr::LoadGlobal(g) => {
                    // SAFETY: as for `Const`.
                    fpush!(unsafe { (&(*mp).globals)[g as usize] });
                    continue;
                }
                // Captured variables: reading and writing a cell runs no
                // code and allocates nothing.
                Instr::LoadUpval(u) => {
                    if let Some(Value::Obj(cell)) = self.upval(closure, u) {
                        if let Object::Cell(v) = self.heap.get(cell) {
                            fpush_copy!(v);
                            continue;
                        }
                    }
                }
                Instr::LoadUpvalValue(u) => {
                    if let Some(v) = self.upval(closure, u) {
                        fpush!(v);
                        continue;
                    }
                }
                Instr::StoreUpval(u) => {
                    if let Some(Value::Obj(cell)) = self.upval(closure, u) {
                        let v = fpop!();
                        self.cell_set(cell, v);
                        continue;
                    }
                }
                Instr::StoreGlobal(g) => {
                    let v = fpop!();
                    // SAFETY: as for `Const`.
                    unsafe { (&mut (*mp).globals)[g as usize] = v };
                    continue;
                }
                Instr::Add => fast_arith!(Arith::Add),
                Instr::Sub => fast_arith!(Arith::Sub),
                Instr::Mul => fast_arith!(Arith::Mul),
                Instr::AddLocal(b) => arith_local!(Arith::Add, b),
                Instr::SubLocal(b) => arith_local!(Arith::Sub, b),
                Instr::MulLocal(b) => arith_local!(Arith::Mul, b),
                Instr::DivLocal(b) => arith_local!(Arith::Div, b),
                Instr::AddStore(l) => arith_store!(Arith::Add, l),
                Instr::SubStore(l) => arith_store!(Arith::Sub, l),
                Instr::MulStore(l) => arith_store!(Arith::Mul, l),
                Instr::DivStore(l) => arith_store!(Arith::Div, l),
                Instr::AddLocals(a, b) => arith_locals!(Arith::Add, a, b),
                Instr::SubLocals(a, b) => arith_locals!(Arith::Sub, a, b),
                Instr::MulLocals(a, b) => arith_locals!(Arith::Mul, a, b),
                Instr::DivLocals(a, b) => arith_locals!(Arith::Div, a, b),
                Instr::Div => fast_arith!(Arith::Div),
                Instr::BitAnd => fast_bits!(|x, y| Some(x & y)),
                Instr::BitOr => fast_bits!(|x, y| Some(x | y)),
                Instr::BitXor => fast_bits!(|x, y| Some(x ^ y)),
                // Counts outside 0..=63 raise, on the slow path.
                Instr::Shl => fast_bits!(|x: i64, y: i64| u32::try_from(y)
                    .ok()
                    .filter(|&n| n <= 63)
                    .map(|n| x.wrapping_shl(n))),
                Instr::Shr => fast_bits!(|x: i64, y: i64| u32::try_from(y)
                    .ok()
                    .filter(|&n| n <= 63)
                    .map(|n| x >> n)),
                Instr::Mod => {
                    if let (Value::Int(a), Value::Int(b)) = (fpeek!(2), fpeek!(1)) {
                        if b != 0 {
                            fdrop!(1);
                            fput!(1, Value::Int(a.wrapping_rem(b)));
                            continue;
                        }
                    }
                }
                Instr::AddInt(k) => {
                    if let Value::Int(a) = fpeek!(1) {
                        if let Some(v) = a.checked_add(i64::from(k)) {
                            fput!(1, Value::Int(v));
                            skip!(1);
                            continue;
                        }
                    }
                }
                Instr::MulInt(k) => {
                    if let Some(v) = Arith::Mul.fast(fpeek!(1), Value::Int(i64::from(k))) {
                        fput!(1, v);
                        skip!(1);
                        continue;
                    }
                }
                Instr::DivInt(k) => {
                    if let Some(v) = Arith::Div.fast(fpeek!(1), Value::Int(i64::from(k))) {
                        fput!(1, v);
                        skip!(1);
                        continue;
                    }
                }
                Instr::ModInt(k) => {
                    if let Value::Int(a) = fpeek!(1) {
                        if k != 0 {
                            fput!(1, Value::Int(a.wrapping_rem(i64::from(k))));
                            skip!(1);
                            continue;
                        }
                    }
                }
                Instr::SubInt(k) => {
                    if let Value::Int(a) = fpeek!(1) {
                        if let Some(v) = a.checked_sub(i64::from(k)) {
                            fput!(1, Value::Int(v));
                            skip!(1);
                            continue;
                        }
                    }
                }
                Instr::Lt => fast_compare!(Cmp::Lt),
                Instr::Le => fast_compare!(Cmp::Le),
                Instr::Gt => fast_compare!(Cmp::Gt),
                Instr::Ge => fast_compare!(Cmp::Ge),
                Instr::Eq | Instr::Ne => {
                    if let Some(eq) = self.eq_fast(fpeek!(2), fpeek!(1)) {
                        fdrop!(1);
                        fput!(1, Value::Bool(eq == matches!(*instr, Instr::Eq)));
                        continue;
                    }
                }
                Instr::CmpJump(c, t) => {
                    if let Some(taken) = self.compare_fast(c, fpeek!(2), fpeek!(1)) {
                        fdrop!(2);
                        if taken {
                            skip!(1)
                        } else {
                            goto!(t)
                        }
                        continue;
                    }
                }
                // Decided here unless the value is an instance whose
                // class defines `==` (which the slow path runs).
                Instr::NilCmpJump(eq, t) => {
                    if let Some(is_nil) = self.eq_fast(fpeek!(1), Value::Nil) {
                        fdrop!(1);
                        if is_nil == eq {
                            skip!(2)
                        } else {
                            goto!(t)
                        }
                        continue;
                    }
                }
                Instr::LocalCmpIntJump(c, l, k, t) => {
                    if let Value::Int(a) = floc!(l) {
                        if c.ints(a, i64::from(k)) {
                            skip!(3)
                        } else {
                            goto!(t)
                        }
                        continue;
                    }
                }
                Instr::CmpIntJump(c, k, t) => {
                    if let Value::Int(a) = fpeek!(1) {
                        fdrop!(1);
                        if c.ints(a, i64::from(k)) {
                            skip!(2)
                        } else {
                            goto!(t)
                        }
                        continue;
                    }
                }
                Instr::Not => {
                    let v = fpeek!(1);
                    fput!(1, Value::Bool(!v.truthy()));
                    continue;
                }
                Instr::Jump(t) => {
                    // A backward jump is a safepoint: the slow path
                    // collects or stops there when one is due.
                    if (t as usize) >= ip!() || !self.safepoint_due() {
                        goto!(t);
                        continue;
                    }
                }
                Instr::JumpIfFalse(t) => {
                    if !fpop!().truthy() {
                        goto!(t);
                    }
                    continue;
                }
                Instr::JumpIfTrue(t) => {
                    if fpop!().truthy() {
                        goto!(t);
                    }
                    continue;
                }
                Instr::AndJump(t) => {
                    if fpeek!(1).truthy() {
                        fdrop!(1);
                    } else {
                        goto!(t);
                    }
                    continue;
                }
                Instr::OrJump(t) => {
                    if fpeek!(1).truthy() {
                        goto!(t);
                    } else {
                        fdrop!(1);
                    }
                    continue;
                }
                Instr::GetField(_, cache) => {
                    if let Some(v) = self.field_fast(fpeek!(1), cache) {
                        fput_copy!(1, v);
                        field_hit!(cache);
                        continue;
                    }
                }
                Instr::LocalField(l, _, cache) => {
                    if let Some(v) = self.field_fast(floc!(l), cache) {
                        fpush_copy!(v);
                        field_hit!(cache);
                        skip!(1);
                        continue;
                    }
                }
                Instr::LocalLocalField(a, o, cache) => {
                    if let Some(v) = self.field_fast(floc!(o), cache) {
                        fpush!(floc!(a));
                        fpush_copy!(v);
                        field_hit!(cache);
                        skip!(2);
                        continue;
                    }
                }
                Instr::LocalFieldStore(o, l, cache) => {
                    if let Some(v) = self.field_fast(floc!(o), cache) {
                        let v: *const Value = v;
                        debug_assert!((l as isize) < depth!());
                        // SAFETY: as for `floc!`; `v` points at a field,
                        // outside the stack.
                        unsafe { bp.add(l as usize).copy_from_nonoverlapping(v, 1) };
                        field_hit!(cache);
                        skip!(2);
                        continue;
                    }
                }
                Instr::SetField(_, cache) => {
                    if self.set_field_fast::<STATS>(fpeek!(2), fpeek!(1), cache) {
                        fdrop!(2);
                        continue;
                    }
                }
                Instr::LocalDupField(l, cache) => {
                    let o = floc!(l);
                    if let Some(v) = self.field_fast(o, cache) {
                        fpush!(o);
                        fpush_copy!(v);
                        field_hit!(cache);
                        skip!(2);
                        continue;
                    }
                }
                Instr::AddSetField(cache) => arith_set_field!(Arith::Add, cache),
                Instr::SubSetField(cache) => arith_set_field!(Arith::Sub, cache),
                Instr::MulSetField(cache) => arith_set_field!(Arith::Mul, cache),
                Instr::DivSetField(cache) => arith_set_field!(Arith::Div, cache),
                Instr::SetFieldLocals(o, v, cache) => {
                    if self.set_field_fast::<STATS>(floc!(o), floc!(v), cache) {
                        skip!(2);
                        continue;
                    }
                }
                Instr::GetIndex => {
                    if let Value::Obj(r) = fpeek!(2) {
                        match (self.heap.get(r), fpeek!(1)) {
                            (Object::List(items), Value::Int(i)) => {
                                if let Some(v) = usize::try_from(i).ok().and_then(|i| items.get(i))
                                {
                                    fdrop!(1);
                                    fput_copy!(1, v);
                                    continue;
                                }
                            }
                            // A missing key raises `KeyError`: the slow path.
                            (Object::Map(m), key) => {
                                if let Some((Some(v), at)) =
                                    crate::runtime::keys::get_plain_at(self, m, key)
                                {
                                    self.note_hint(r, key, at);
                                    fdrop!(1);
                                    fput!(1, v);
                                    continue;
                                }
                            }
                            _ => {}
                        }
                    }
                }
                Instr::SetIndex => {
                    let (o, k, v) = (fpeek!(3), fpeek!(2), fpeek!(1));
                    if let Value::Obj(r) = o {
                        match (self.heap.get(r), k) {
                            (Object::List(_), _) => {
                                if self.list_store(o, k, v) {
                                    fdrop!(3);
                                    continue;
                                }
                            }
                            // An Int or String key into a Map runs no Cairn
                            // code and touches no stack.
                            (Object::Map(_), Value::Int(i)) => {
                                // First, inline, the commonest case: a new
                                // value for an Int key the map holds (the
                                // set of keys, and so the map's version,
                                // unchanged).
                                let hint = self.int_hint;
                                if (hint.map == r
                                    && hint.key == i
                                    && crate::runtime::keys::update_int_at(self, r, i, hint.at, v))
                                    || crate::runtime::keys::update_int(self, r, i, v)
                                    || crate::runtime::keys::add_int(self, r, i, k, v)
                                {
                                    fdrop!(3);
                                    continue;
                                }
                            }
                            (Object::Map(_), _) => {
                                let hint = self.str_hint;
                                if (Value::Obj(hint.key) == k
                                    && hint.map == r
                                    && crate::runtime::keys::update_str_at(
                                        self, r, hint.key, hint.at, v,
                                    ))
                                    || crate::runtime::keys::insert_plain(self, r, k, v)
                                {
                                    fdrop!(3);
                                    continue;
                                }
                            }
                            _ => {}
                        }
                    }
                }
                Instr::CmpLocalsJump(c, a, b, t) => {
                    if let Some(taken) = self.compare_fast(c, floc!(a), floc!(b)) {
                        if taken {
                            skip!(3)
                        } else {
                            goto!(t)
                        }
                        continue;
                    }
                }
                Instr::IndexLocalsStore(a, b, l) => {
                    if let Some(v) = self.list_item(floc!(a), floc!(b)) {
                        let v: *const Value = v;
                        debug_assert!((l as isize) < depth!());
                        // SAFETY: as for `floc!`; `v` points into a list,
                        // outside the stack.
                        unsafe { bp.add(l as usize).copy_from_nonoverlapping(v, 1) };
                        skip!(3);
                        continue;
                    }
                }
                Instr::SetIndexLocals(o, k, v) => {
                    if self.list_store(floc!(o), floc!(k), floc!(v)) {
                        skip!(3);
                        continue;
                    }
                }
                Instr::CopyIndex(o, k, a, b) => {
                    if let Some(&v) = self.list_item(floc!(a), floc!(b)) {
                        if self.list_store(floc!(o), floc!(k), v) {
                            skip!(5);
                            continue;
                        }
                    }
                }
                Instr::IndexLocals(a, b) => {
                    if let Some(v) = self.list_item(floc!(a), floc!(b)) {
                        fpush_copy!(v);
                        skip!(2);
                        continue;
                    }
                }
                Instr::ForNextStore(l, v, t) => match self.range_next(floc!(l)) {
                    Some(Some(i)) => {
                        fset!(v, Value::Int(i));
                        skip!(1);
                        continue;
                    }
                    Some(None) => {
                        goto!(t);
                        continue;
                    }
                    None => {}
                },
                Instr::RangeIter(inclusive) => {
                    if let (Value::Int(start), Value::Int(end)) = (fpeek!(2), fpeek!(1)) {
                        let cursor = RangeCursor::new(
                            RangeObj {
                                start,
                                end,
                                inclusive,
                            },
                            1,
                        );
                        let it = self
                            .heap
                            .alloc(Object::Iter(Box::new(IterObj::Range(cursor))));
                        fdrop!(1);
                        fput!(1, Value::Obj(it));
                        skip!(1);
                        continue;
                    }
                }
                Instr::RangeLoop(inclusive, h) => {
                    if let (Value::Int(first), Value::Int(end)) = (fpeek!(2), fpeek!(1)) {
                        let end = if inclusive {
                            end.checked_add(1)
                        } else {
                            Some(end)
                        };
                        if let Some(end) = end {
                            fdrop!(2);
                            fset!(h, Value::Int(first));
                            fset!(h + 1, Value::Int(end));
                            skip!(2);
                            continue;
                        }
                    }
                }
                Instr::ForRange(h, _, v, t) => match range_step!(h, v) {
                    Some(true) => {
                        skip!(1);
                        continue;
                    }
                    Some(false) => {
                        goto!(t);
                        continue;
                    }
                    None => {}
                },
                Instr::LoopRange(h, v, head, exit) => {
                    // As `JUMP head` then `FOR_RANGE`: the backward jump is
                    // a safepoint, and a loop whose count is not in `h`
                    // (not a counted one this time) goes to the head.
                    if !self.safepoint_due() {
                        match range_step!(h, v) {
                            // The body starts past `FOR_RANGE` and the
                            // `STORE_LOCAL v` it stands for.
                            Some(true) => goto!(head + 2),
                            Some(false) => goto!(exit),
                            None => goto!(head),
                        }
                        continue;
                    }
                }
                // As `JUMP head` then the test at `head`, whose fast path
                // skips the three instructions it stands for.
                Instr::LoopCmpLocals(c, a, b, head, exit) => {
                    if !self.safepoint_due() {
                        match self.compare_fast(c, floc!(a), floc!(b)) {
                            Some(true) => goto!(head + 4),
                            Some(false) => goto!(exit),
                            None => goto!(head),
                        }
                        continue;
                    }
                }
                Instr::LoopCmpInt(c, l, k, head, exit) => {
                    if !self.safepoint_due() {
                        match floc!(l) {
                            Value::Int(a) if c.ints(a, i64::from(k)) => goto!(head + 4),
                            Value::Int(_) => goto!(exit),
                            _ => goto!(head),
                        }
                        continue;
                    }
                }
                Instr::ForNext(l, t) => match self.range_next(floc!(l)) {
                    Some(Some(i)) => {
                        fpush!(Value::Int(i));
                        continue;
                    }
                    Some(None) => {
                        goto!(t);
                        continue;
                    }
                    None => {}
                },
                Instr::Call(argc, site) => {
                    let argc = usize::from(argc);
                    let at = sp_index!() - argc - 1;
                    if let Value::Obj(r) = fpeek!(argc + 1) {
                        let s = self.call_sites[site as usize];
                        // The closure this site called last, in this
                        // epoch: nothing freed or renamed it since. (The
                        // hit and the fill below each enter on their own:
                        // one shared path kept the site as a copy on the
                        // machine stack, and `fib` ran 6% more instructions.)
                        if s.upvals.of == r && s.epoch == self.epoch {
                            if self.can_enter_with(&s.info, at, argc) {
                                if STATS {
                                    self.stats.calls += 1;
                                }
                                // A closure that captures reads its
                                // variables through the upvalue cache.
                                if s.upvals.len != 0 {
                                    self.upvals = s.upvals;
                                }
                                fast_enter!(r, s.proto, s.info, at, argc, OnReturn::Keep);
                                continue;
                            }
                        }
                        match self.heap.get(r) {
                            Object::Closure(c) => {
                                let proto = c.proto;
                                if self.can_enter_fast(proto, at, argc) {
                                    if STATS {
                                        self.stats.calls += 1;
                                    }
                                    let upvals = UpvalCache::of(r, c);
                                    if !c.upvalues.is_empty() {
                                        self.upvals = upvals;
                                    }
                                    self.call_sites[site as usize] = CallSite {
                                        upvals,
                                        proto,
                                        info: self.calls[proto as usize],
                                        epoch: self.epoch,
                                    };
                                    fast_enter!(r, proto, at, argc);
                                    continue;
                                }
                            }
                            // A class whose `init` is a Cairn method and
                            // that has no field initializers: the instance
                            // takes the callee's slot and `init` runs on it.
                            Object::Class(c) => {
                                if let Some((init, proto, n_fields)) = self.plain_constructor(c) {
                                    if self.can_enter_fast(proto, at, argc) {
                                        if STATS {
                                            self.stats.calls += 1;
                                        }
                                        let instance =
                                            self.heap.alloc(Object::Instance(Instance {
                                                class: r,
                                                fields: vec![Value::Nil; n_fields]
                                                    .into_boxed_slice(),
                                            }));
                                        fput!(argc + 1, Value::Obj(instance));
                                        fast_enter!(init, proto, at, argc, OnReturn::Receiver);
                                        continue;
                                    }
                                }
                            }
                            _ => {}
                        }
                    }
                }
                Instr::Invoke(_, argc, cache) => {
                    let argc = usize::from(argc);
                    let at = sp_index!() - argc - 1;
                    match self.method_fast::<STATS>(fpeek!(argc + 1), cache) {
                        Some(MethodHit::Enter(m, proto)) => {
                            if self.can_enter_fast(proto, at, argc) {
                                if STATS {
                                    self.stats.calls += 1;
                                }
                                fast_enter!(m, proto, at, argc);
                                continue;
                            }
                        }
                        // An accessor: its field is the call's result.
                        Some(MethodHit::Field(v)) if argc == 0 => {
                            if STATS {
                                self.stats.calls += 1;
                            }
                            fput!(1, v);
                            continue;
                        }
                        _ => {}
                    }
                    // `map.get(k)` and `map.get(k, default)`.
                    if argc == 1 || argc == 2 {
                        let default = if argc == 2 { fpeek!(1) } else { Value::Nil };
                        if let Some(v) = self.map_get_fast::<STATS>(
                            fpeek!(argc + 1),
                            fpeek!(argc),
                            default,
                            cache,
                        ) {
                            fdrop!(argc);
                            fput!(1, v);
                            continue;
                        }
                    }
                    // `math.sqrt(x)` and the module's other pure functions
                    // of one number: no frame, no stack traffic.
                    if argc == 1 {
                        if let Some(v) = self.float_fn_fast::<STATS>(fpeek!(2), fpeek!(1), cache) {
                            fdrop!(1);
                            fput!(1, v);
                            continue;
                        }
                    }
                }
                Instr::Return => {
                    debug_assert!(depth!() >= 1);
                    // SAFETY: the result is on top (verifier stack rules:
                    // `RETURN` pops one operand).
                    fast_return!(unsafe { sp.sub(1) });
                }
                Instr::ReturnNil => {
                    static NIL: Value = Value::Nil;
                    fast_return!(&NIL as *const Value);
                }
                Instr::GlobalLocal(g, l) => {
                    // SAFETY: as for `Const`.
                    fpush!(unsafe { (&(*mp).globals)[g as usize] });
                    fpush!(floc!(l));
                    skip!(1);
                    continue;
                }
                Instr::ReturnLocal(l) => {
                    debug_assert!((l as isize) < depth!());
                    // SAFETY: `l` is a local (as for `floc!`).
                    fast_return!(unsafe { bp.add(l as usize) });
                }
                // Named, not `_`: with every instruction an explicit case,
                // the jump table covers the whole range of opcodes and
                // dispatch needs no bounds check.
                Instr::Dup2
                | Instr::Swap
                | Instr::LoadBuiltin(..)
                | Instr::NewCell(..)
                | Instr::LoadCell(..)
                | Instr::StoreCell(..)
                | Instr::Import(..)
                | Instr::GetSuper(..)
                | Instr::Pow
                | Instr::Neg
                | Instr::BitNot
                | Instr::Is
                | Instr::IsCatch
                | Instr::Range
                | Instr::RangeIncl
                | Instr::JumpIfArg(..)
                | Instr::Iter
                | Instr::ForNext2(..)
                | Instr::SuperInvoke(..)
                | Instr::Throw
                | Instr::Closure(..)
                | Instr::Class(..)
                | Instr::List(..)
                | Instr::Map(..) => {}
                // Interpolation of Strings and Ints: one allocation, no
                // Cairn code, nothing that can collect.
                Instr::Str(n) => {
                    let n = usize::from(n);
                    debug_assert!(depth!() >= n as isize);
                    // SAFETY: the parts are the top `n` operands (verifier
                    // stack rules: `STR n` pops `n`), written by the loop.
                    let parts = unsafe { std::slice::from_raw_parts(sp.sub(n), n) };
                    if let Some(s) = self.concat_plain(parts) {
                        let v = self.str_value_of(s);
                        fdrop!(n);
                        fpush!(v);
                        continue;
                    }
                }
            }
            // The slow path: every instruction, in full, on the VM's stack.
            // SAFETY: `sp` is within the reserved capacity and every slot
            // below it holds a value the fast path wrote or found there.
            let len = sp_index!();
            // SAFETY: (as above).
            unsafe { self.stack.set_len(len) };
            save!();
            match self.step_slow::<STATS>(stop) {
                Ok(None) => {}
                Ok(Some(v)) => return Ok(v),
                Err(e) => return Err(e),
            }
            reload!();
            remodule!();
            st = self.stack.as_mut_ptr();
            // SAFETY: the length is within the allocation.
            sp = unsafe { st.add(self.stack.len()) };
            rebase!();
        }
    }

    /// The slow path of the dispatch loop: the instruction before the top
    /// frame's `ip`, in full, on the VM's stack. Out of line, so
    /// that the loop's fast path keeps its state in registers. Gives the
    /// result of the frame at depth `stop` if the instruction returned
    /// from it; otherwise the frames, the stack and the top frame's `ip`
    /// say where to go on.
    // One arm per instruction: long, and clippy's match-collapsing advice
    // is declined as in `run_loop`.
    #[allow(
        clippy::too_many_lines,
        clippy::collapsible_match,
        clippy::collapsible_if,
        unused_assignments
    )]
    #[inline(never)]
    fn step_slow<const STATS: bool>(&mut self, stop: usize) -> Result<Option<Value>, Exc> {
        frame_state!(self, closure, code, pc, base, module);
        // The instruction to run: the one before `ip`.
        debug_assert!(self.frames.last().is_some_and(|f| f.ip >= 1));
        // SAFETY: `ip` is just past the instruction the loop fetched, inside
        // the code.
        let instr: &Instr = unsafe { &*pc.sub(1) };
        // Operand-stack access. The verifier proves that every instruction
        // finds the operands it pops above the frame's locals (rule "stack
        // height never negative") and never pushes past `max_stack` (rule
        // "stack height never above the declared maximum"), and
        // `push_frame` reserves `base + locals + max_stack` slots, so these
        // need no checks.
        macro_rules! pop {
            () => {{
                let n = self.stack.len();
                debug_assert!(n > base);
                // SAFETY: see above: there is an operand to pop, and
                // `Value` is `Copy`, so shortening the length drops nothing.
                unsafe {
                    self.stack.set_len(n - 1);
                    *self.stack.as_ptr().add(n - 1)
                }
            }};
        }
        macro_rules! push {
            ($v:expr) => {{
                let v = $v;
                let n = self.stack.len();
                debug_assert!(n < self.stack.capacity());
                // SAFETY: see above: the slot is within the reserved
                // capacity.
                unsafe {
                    self.stack.as_mut_ptr().add(n).write(v);
                    self.stack.set_len(n + 1);
                }
            }};
        }
        macro_rules! peek {
            ($depth:expr) => {{
                let n = self.stack.len();
                debug_assert!(n - base >= $depth);
                // SAFETY: see above: the operand is there.
                unsafe { *self.stack.as_ptr().add(n - $depth) }
            }};
        }
        macro_rules! local {
            ($l:expr) => {{
                let i = base + $l as usize;
                debug_assert!(i < self.stack.len());
                // SAFETY: the verifier checks every local index against the
                // function's `n_locals`, and `enter_closure` sized the frame
                // to hold them.
                unsafe { *self.stack.as_ptr().add(i) }
            }};
        }
        macro_rules! set_local {
            ($l:expr, $v:expr) => {{
                let v = $v;
                let i = base + $l as usize;
                debug_assert!(i < self.stack.len());
                // SAFETY: as for `local!`.
                unsafe { *self.stack.as_mut_ptr().add(i) = v }
            }};
        }
        macro_rules! binary {
            ($f:path) => {{
                let b = pop!();
                let a = pop!();
                match $f(self, a, b) {
                    Ok(v) => push!(v),
                    Err(e) => throw!(e),
                }
            }};
        }
        // Replaces the two operands on top with `$v`.
        macro_rules! replace2 {
            ($v:expr) => {{
                let v = $v;
                let n = self.stack.len();
                // SAFETY: two operands were there (verifier stack rule).
                unsafe {
                    self.stack.set_len(n - 1);
                    *self.stack.as_mut_ptr().add(n - 2) = v;
                }
            }};
        }
        // The full comparison (the fast path took Ints and Floats).
        macro_rules! compare {
            ($slow:path) => {{
                save!();
                binary!($slow)
            }};
        }
        macro_rules! equality {
            ($negate:expr) => {{
                save!();
                let (a, b) = (peek!(2), peek!(1));
                match self.eq_value(a, b) {
                    Ok(v) => {
                        let v = if $negate { Value::Bool(!v.truthy()) } else { v };
                        replace2!(v);
                    }
                    Err(e) => throw!(e),
                }
            }};
        }
        // Native code that found old garbage under the heap limit could
        // not free it (see `runtime::memory`): it goes before the next
        // instruction that may allocate a large value, all of which
        // come this way. Nothing moves, so the frame stays as it is.
        if self.heap.garbage_pending() {
            self.free_measured_garbage();
        }
        'slow: {
            match *instr {
                Instr::Nop => {}
                Instr::Const(k) => {
                    let v = self.modules[module].constants[k as usize];
                    push!(v);
                }
                Instr::Int(i) => push!(Value::Int(i)),
                Instr::Nil | Instr::NilCmpJump(..) | Instr::ReturnNil => push!(Value::Nil),
                Instr::True => push!(Value::Bool(true)),
                Instr::False => push!(Value::Bool(false)),
                Instr::Pop => {
                    let _ = pop!();
                }
                Instr::Dup => push!(peek!(1)),
                Instr::Dup2 => {
                    let (a, b) = (peek!(2), peek!(1));
                    push!(a);
                    push!(b);
                }
                Instr::Swap => {
                    let n = self.stack.len();
                    self.stack.swap(n - 1, n - 2);
                }
                Instr::LoadLocal(l) => {
                    let v = local!(l);
                    push!(v);
                }
                Instr::StoreLocal(l) => {
                    let v = pop!();
                    set_local!(l, v);
                }
                Instr::LoadLocal2(a, b) => {
                    let (a, b) = (local!(a), local!(b));
                    push!(a);
                    push!(b);
                    skip!(1);
                }
                // The slow paths of superinstructions do what the first
                // instruction of their sequence does (see `fuse.rs`).
                Instr::IncLocal(l, _)
                | Instr::IndexLocals(l, _)
                | Instr::AddLocals(l, _)
                | Instr::SubLocals(l, _)
                | Instr::MulLocals(l, _)
                | Instr::DivLocals(l, _)
                | Instr::AddLocal(l)
                | Instr::SubLocal(l)
                | Instr::MulLocal(l)
                | Instr::DivLocal(l)
                | Instr::LocalField(l, ..)
                | Instr::LocalFieldStore(l, ..)
                | Instr::LocalLocalField(l, ..)
                | Instr::LocalDupField(l, _)
                | Instr::SetFieldLocals(l, ..)
                | Instr::CmpLocalsJump(_, l, ..)
                | Instr::LocalCmpIntJump(_, l, ..)
                | Instr::IndexLocalsStore(l, ..)
                | Instr::SetIndexLocals(l, ..)
                | Instr::CopyIndex(l, ..)
                | Instr::ReturnLocal(l) => push!(local!(l)),
                Instr::AddInt(k)
                | Instr::SubInt(k)
                | Instr::MulInt(k)
                | Instr::DivInt(k)
                | Instr::ModInt(k)
                | Instr::CmpIntJump(_, k, _) => {
                    push!(Value::Int(i64::from(k)))
                }
                Instr::LoadUpval(u) => {
                    let held = self.upval(closure, u).unwrap_or(Value::Nil);
                    let v = self.upvalue_get(held);
                    push!(v);
                }
                Instr::LoadUpvalValue(u) => {
                    let v = self.upval(closure, u).unwrap_or(Value::Nil);
                    push!(v);
                }
                Instr::StoreUpval(u) => {
                    let held = self.upval(closure, u).unwrap_or(Value::Nil);
                    let v = pop!();
                    self.upvalue_set(held, v);
                }
                Instr::LoadGlobal(g) | Instr::GlobalLocal(g, _) => {
                    let v = self.modules[module].globals[g as usize];
                    push!(v);
                }
                Instr::StoreGlobal(g) => {
                    let v = pop!();
                    self.modules[module].globals[g as usize] = v;
                }
                Instr::LoadBuiltin(b) => {
                    let v = self.builtins.get(b as usize).copied().unwrap_or(Value::Nil);
                    push!(v);
                }
                Instr::NewCell(l) => {
                    let v = pop!();
                    let cell = self.heap.alloc(Object::Cell(v));
                    set_local!(l, Value::Obj(cell));
                }
                Instr::LoadCell(l) => {
                    let slot = local!(l);
                    match self.cell_of(slot) {
                        Ok(c) => {
                            let v = self.cell_get(c);
                            push!(v);
                        }
                        Err(e) => throw!(e),
                    }
                }
                Instr::StoreCell(l) => {
                    let slot = local!(l);
                    let v = pop!();
                    match self.cell_of(slot) {
                        Ok(c) => self.cell_set(c, v),
                        Err(e) => throw!(e),
                    }
                }
                Instr::Import(i) => {
                    save!();
                    match self.import(module, i as usize) {
                        Ok(Some(v)) => self.stack.push(v),
                        Ok(None) => {
                            // The module's top-level code was pushed as a
                            // frame; its result is the module object.
                            reload!();
                        }
                        Err(e) => throw!(e),
                    }
                }
                Instr::GetField(name, cache) => {
                    let obj = pop!();
                    match self.get_field(obj, name, cache) {
                        Ok(v) => push!(v),
                        Err(e) => throw!(e),
                    }
                }
                Instr::SetField(name, cache) => {
                    let v = pop!();
                    let obj = pop!();
                    if let Err(e) = self.set_field(obj, name, v, cache) {
                        throw!(e);
                    }
                }
                Instr::GetIndex => {
                    save!();
                    let i = pop!();
                    let obj = pop!();
                    match self.get_index(obj, i) {
                        Ok(v) => push!(v),
                        Err(e) => throw!(e),
                    }
                }
                Instr::SetIndex => {
                    let v = pop!();
                    let i = pop!();
                    let obj = pop!();
                    save!();
                    if let Err(e) = self.set_index(obj, i, v) {
                        throw!(e);
                    }
                }
                Instr::GetSuper(name) => {
                    let this = pop!();
                    match self.get_super(closure, this, name) {
                        Ok(v) => push!(v),
                        Err(e) => throw!(e),
                    }
                }
                Instr::Add | Instr::AddStore(_) | Instr::AddSetField(_) => {
                    save!();
                    binary!(ops::add)
                }
                Instr::Sub | Instr::SubStore(_) | Instr::SubSetField(_) => {
                    save!();
                    binary!(ops::sub)
                }
                Instr::Mul | Instr::MulStore(_) | Instr::MulSetField(_) => {
                    save!();
                    binary!(ops::mul)
                }
                Instr::Div | Instr::DivStore(_) | Instr::DivSetField(_) => {
                    save!();
                    binary!(ops::div)
                }
                Instr::Mod => {
                    save!();
                    binary!(ops::rem)
                }
                Instr::Pow => {
                    save!();
                    binary!(ops::pow)
                }
                Instr::BitAnd => binary!(ops::bit_and),
                Instr::BitOr => binary!(ops::bit_or),
                Instr::BitXor => binary!(ops::bit_xor),
                Instr::Shl => binary!(ops::shl),
                Instr::Shr => binary!(ops::shr),
                Instr::Neg => {
                    save!();
                    let a = pop!();
                    match ops::neg(self, a) {
                        Ok(v) => push!(v),
                        Err(e) => throw!(e),
                    }
                }
                Instr::BitNot => {
                    let a = pop!();
                    match ops::bit_not(self, a) {
                        Ok(v) => push!(v),
                        Err(e) => throw!(e),
                    }
                }
                Instr::Not => {
                    let a = pop!();
                    push!(Value::Bool(!a.truthy()));
                }
                // A fused compare-and-branch that the fast path left
                // compares alone; its JUMP_IF_FALSE follows.
                Instr::Eq | Instr::CmpJump(Cmp::Eq, _) => equality!(false),
                Instr::Ne | Instr::CmpJump(Cmp::Ne, _) => equality!(true),
                Instr::Lt | Instr::CmpJump(Cmp::Lt, _) => compare!(ops::lt),
                Instr::Le | Instr::CmpJump(Cmp::Le, _) => compare!(ops::le),
                Instr::Gt | Instr::CmpJump(Cmp::Gt, _) => compare!(ops::gt),
                Instr::Ge | Instr::CmpJump(Cmp::Ge, _) => compare!(ops::ge),
                Instr::Is => binary!(ops::is),
                Instr::IsCatch => binary!(ops::is_catch),
                Instr::Range | Instr::RangeIncl => {
                    let b = pop!();
                    let a = pop!();
                    match self.make_range(a, b, *instr == Instr::RangeIncl) {
                        Ok(v) => push!(v),
                        Err(e) => throw!(e),
                    }
                }
                // No count for this loop (a bound not an Int, or an
                // inclusive end at the largest Int): `h` says so to
                // `FOR_RANGE`, and the range is made as `RANGE` makes it,
                // for `ITER; STORE_LOCAL it` to follow.
                Instr::RangeLoop(inclusive, h) => {
                    set_local!(h, Value::Nil);
                    let b = pop!();
                    let a = pop!();
                    match self.make_range(a, b, inclusive) {
                        Ok(v) => push!(v),
                        Err(e) => throw!(e),
                    }
                }
                Instr::Jump(t)
                | Instr::LoopRange(_, _, t, _)
                | Instr::LoopCmpLocals(_, _, _, t, _)
                | Instr::LoopCmpInt(_, _, _, t, _) => {
                    if (t as usize) < ip!() {
                        // A safepoint: objects may move, so the frame's
                        // closure is read again. An error it raises is
                        // the jump's (its line, its handlers), so `ip`
                        // moves only after it.
                        save!();
                        let polled = self.safepoint();
                        closure = self.frames[self.frames.len() - 1].closure;
                        if let Err(e) = polled {
                            throw!(e);
                        }
                    }
                    goto!(t);
                }
                Instr::JumpIfFalse(t) => {
                    if !pop!().truthy() {
                        goto!(t);
                    }
                }
                Instr::JumpIfTrue(t) => {
                    if pop!().truthy() {
                        goto!(t);
                    }
                }
                Instr::AndJump(t) => {
                    if peek!(1).truthy() {
                        let _ = pop!();
                    } else {
                        goto!(t);
                    }
                }
                Instr::OrJump(t) => {
                    if peek!(1).truthy() {
                        goto!(t);
                    } else {
                        let _ = pop!();
                    }
                }
                Instr::JumpIfArg(l, t) => {
                    let v = local!(l);
                    if !matches!(v, Value::Obj(r) if r == self.absent()) {
                        goto!(t);
                    }
                }
                Instr::Iter => {
                    save!();
                    let x = pop!();
                    match self.make_iter(x) {
                        Ok(v) => self.stack.push(v),
                        Err(e) => throw!(e),
                    }
                }
                Instr::ForNext(l, t)
                | Instr::ForNextStore(l, _, t)
                | Instr::ForRange(_, l, _, t) => {
                    save!();
                    let it = local!(l);
                    match self.iter_next(it, false) {
                        Ok(true) => {}
                        Ok(false) => goto!(t),
                        Err(e) => throw!(e),
                    }
                }
                Instr::RangeIter(inclusive) => {
                    let b = pop!();
                    let a = pop!();
                    match self.make_range(a, b, inclusive) {
                        Ok(v) => push!(v),
                        Err(e) => throw!(e),
                    }
                }
                Instr::ForNext2(l, t) => {
                    save!();
                    let it = local!(l);
                    match self.iter_next(it, true) {
                        Ok(true) => {}
                        Ok(false) => goto!(t),
                        Err(e) => throw!(e),
                    }
                }
                Instr::Call(argc, _) => {
                    save!();
                    let argc = usize::from(argc);
                    let at = self.stack.len() - argc - 1;
                    let callee = self.stack[at];
                    match self.call_value_at(callee, at, argc) {
                        Ok(true) => reload!(),
                        Ok(false) => {}
                        Err(e) => throw!(e),
                    }
                }
                Instr::Invoke(name, argc, cache) => {
                    save!();
                    let argc = usize::from(argc);
                    let at = self.stack.len() - argc - 1;
                    if STATS {
                        self.stats.calls += 1;
                    }
                    if let Some((func, receiver, data)) =
                        self.native_fast::<STATS>(self.stack[at], cache)
                    {
                        self.native_data = data;
                        if let Err(e) = self.call_native(func, receiver, at) {
                            throw!(e);
                        }
                        break 'slow;
                    }
                    match self.invoke_at(name, argc, cache) {
                        Ok(true) => reload!(),
                        Ok(false) => {}
                        Err(e) => throw!(e),
                    }
                }
                Instr::SuperInvoke(name, argc) => {
                    save!();
                    match self.super_invoke_at(closure, name, argc as usize) {
                        Ok(true) => reload!(),
                        Ok(false) => {}
                        Err(e) => throw!(e),
                    }
                }
                Instr::Return => {
                    let result = pop!();
                    let done = self.frames.pop().expect("returning frame");
                    let result = match done.on_return {
                        OnReturn::Keep => Some(result),
                        OnReturn::Receiver => Some(self.stack[done.base]),
                        OnReturn::Discard => None,
                    };
                    self.stack.truncate(done.base);
                    if let Some(v) = result {
                        // Within the caller's reservation: the callee sat
                        // on the caller's operand stack.
                        push!(v);
                    }
                    if done.boundary || self.frames.len() < stop {
                        return Ok(Some(result.unwrap_or(Value::Nil)));
                    }
                    // A safepoint, before the caller's frame is read.
                    let polled = if self.safepoint_due() {
                        self.safepoint()
                    } else {
                        Ok(())
                    };
                    reload!();
                    if let Err(e) = polled {
                        throw!(e);
                    }
                }
                Instr::Throw => {
                    let e = pop!();
                    let e = self.prepare_throw(e);
                    throw!(Exc::Error(e))
                }
                Instr::Closure(f) => match self.make_closure(module, f, closure, base) {
                    Ok(v) => push!(v),
                    Err(e) => throw!(e),
                },
                Instr::Class(c, n) => {
                    save!();
                    match self.make_class(module, c as usize, n as usize) {
                        Ok(v) => self.stack.push(v),
                        Err(e) => throw!(e),
                    }
                }
                Instr::List(n) => {
                    let at = self.stack.len() - n as usize;
                    let items: Vec<Value> = self.stack.drain(at..).collect();
                    let r = self.heap.alloc(Object::List(items));
                    push!(Value::Obj(r));
                }
                Instr::Map(n) => {
                    save!();
                    match self.make_map(n as usize) {
                        Ok(v) => self.stack.push(v),
                        Err(e) => throw!(e),
                    }
                }
                Instr::Str(n) => {
                    save!();
                    match self.concat_strs(n as usize) {
                        Ok(v) => self.stack.push(v),
                        Err(e) => throw!(e),
                    }
                }
            }
        }
        save!();
        Ok(None)
    }

    /// `GET_FIELD`'s fast path: the field of an instance whose class the
    /// site's first entry names. The dispatch loop copies it from where it
    /// lies, as a whole (a `Value` taken apart and put back together is
    /// written in pieces, and reading it whole soon after stalls).
    #[inline(always)]
    fn field_fast(&self, obj: Value, cache: u32) -> Option<&Value> {
        let Value::Obj(r) = obj else { return None };
        let Object::Instance(inst) = self.heap.get(r) else {
            return None;
        };
        let e = self.caches[cache as usize].fast(inst.class)?;
        inst.fields.get(e.slot as usize)
    }

    /// `a == b` when no Cairn code need run and the answer is at hand:
    /// numbers of one kind, Bools, nil on either side of anything but an
    /// instance whose class defines its own `==`, and instances compared
    /// by identity. `None` leaves it to [`ops::equal`] (mixed numbers,
    /// strings, containers, user `==`).
    #[inline(always)]
    fn eq_fast(&self, a: Value, b: Value) -> Option<bool> {
        match (a, b) {
            (Value::Int(x), Value::Int(y)) => Some(x == y),
            (Value::Float(x), Value::Float(y)) => Some(x == y),
            (Value::Bool(x), Value::Bool(y)) => Some(x == y),
            // Only an instance on the left runs a method (§5.8).
            (Value::Nil, b) => Some(matches!(b, Value::Nil)),
            (Value::Int(_) | Value::Float(_) | Value::Bool(_), Value::Nil) => Some(false),
            (Value::Obj(r), b) => match self.heap.get(r) {
                Object::Instance(i) => match self.heap.get(i.class) {
                    // `ClassObj::eq_kind` 1: `Object`'s `==`, identity.
                    Object::Class(c) if c.eq_kind.get() == 1 => Some(a == b),
                    _ => None,
                },
                Object::Host(_) => None,
                _ if !matches!(b, Value::Obj(_)) => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    /// For a class the dispatch loop may construct on its fast path (a
    /// user class, no field initializers, an `init` written in Cairn):
    /// the `init` closure, its prototype and the number of fields.
    #[inline(always)]
    fn plain_constructor(&self, c: &ClassObj) -> Option<(ObjRef, u32, usize)> {
        if c.builtin.is_some() || !c.field_inits.is_empty() {
            return None;
        }
        let Some(Value::Obj(init)) = c.methods.get(&self.sym_init) else {
            return None;
        };
        match self.heap.get(*init) {
            Object::Closure(f) => Some((*init, f.proto, c.fields.len())),
            _ => None,
        }
    }

    /// Captured variable `u` of `closure` as the closure holds it (a cell
    /// or a copied value), through [`Vm::upvals`]: only a closure other
    /// than the last one read is looked up in the heap. None when
    /// `closure` is not a closure or has no upvalue `u` (which the
    /// verifier's `upval-in-range` rules out).
    #[inline(always)]
    fn upval(&mut self, closure: ObjRef, u: u16) -> Option<Value> {
        if self.upvals.of != closure {
            let Object::Closure(c) = self.heap.get(closure) else {
                return None;
            };
            self.upvals = UpvalCache::of(closure, c);
        }
        if usize::from(u) < self.upvals.len {
            // SAFETY: `at` is the upvalue list of the live closure `of`
            // (`len` entries): a list is never replaced once made, and
            // only a collection frees a closure or reuses its reference,
            // and every collection empties the cache (`Vm::with_roots`).
            Some(unsafe { *self.upvals.at.add(usize::from(u)) })
        } else {
            None
        }
    }

    /// Whether a call can take the fast path: exact arity, no rest
    /// parameter, depth and stack room to spare (the stack is not grown
    /// there, so the cached stack pointer stays valid).
    #[inline(always)]
    fn can_enter_fast(&self, proto: u32, at: usize, argc: usize) -> bool {
        self.can_enter_with(&self.calls[proto as usize], at, argc)
    }

    /// [`Self::can_enter_fast`], with the prototype's call facts in hand.
    #[inline(always)]
    fn can_enter_with(&self, c: &CallInfo, at: usize, argc: usize) -> bool {
        // When the frame vector is full, the slow path grows it.
        argc as u32 == c.fast_argc
            && self.frames.len() < self.limits.max_call_depth
            && self.frames.len() < self.frames.capacity()
            && at + (c.need as usize) < self.stack.capacity()
    }

    /// `SET_FIELD`'s fast path: an instance whose class the site's first
    /// entry names. Returns whether it stored.
    #[inline(always)]
    fn set_field_fast<const STATS: bool>(&mut self, obj: Value, v: Value, cache: u32) -> bool {
        let Value::Obj(r) = obj else { return false };
        let Object::Instance(inst) = self.heap.get_mut(r) else {
            return false;
        };
        let Some(e) = self.caches[cache as usize].fast(inst.class) else {
            return false;
        };
        let Some(slot) = inst.fields.get_mut(e.slot as usize) else {
            return false;
        };
        *slot = v;
        if STATS {
            self.count_first_hit(cache, Kind::SetField);
        }
        true
    }

    /// Remembers where a read of `map` by `key` found its entry, when the
    /// key is an Int or a String that was found, for the write that often
    /// follows.
    #[inline(always)]
    fn note_hint(&mut self, map: crate::value::ObjRef, key: Value, at: Option<usize>) {
        match (at, key) {
            (Some(at), Value::Int(key)) => self.int_hint = IntHint { map, key, at },
            (Some(at), Value::Obj(key)) => self.str_hint = StrHint { map, key, at },
            _ => {}
        }
    }

    /// `INVOKE`'s fast path: an instance whose class the site's first
    /// entries name, with a Cairn method there (or an accessor, whose
    /// field it reads).
    #[inline(always)]
    fn method_fast<const STATS: bool>(&mut self, receiver: Value, cache: u32) -> Option<MethodHit> {
        let Value::Obj(r) = receiver else { return None };
        let Object::Instance(inst) = self.heap.get(r) else {
            return None;
        };
        let e = self.caches[cache as usize].fast(inst.class)?;
        let Value::Obj(m) = e.method else { return None };
        // A method's closure and its prototype never change, and the
        // entry renames with the closure when it moves.
        let hit = match e.proto() {
            Some(p) => MethodHit::Enter(m, p),
            None => MethodHit::Field(*inst.fields.get(e.getter_field()?)?),
        };
        if STATS {
            self.count_first_hit(cache, Kind::Method);
        }
        Some(hit)
    }

    /// A comparison decided without running Cairn code: Ints, Floats, and
    /// `==`/`!=` where [`Vm::eq_fast`] knows the answer.
    #[inline(always)]
    fn compare_fast(&self, c: Cmp, a: Value, b: Value) -> Option<bool> {
        match (c, a, b) {
            (_, Value::Int(a), Value::Int(b)) => Some(c.ints(a, b)),
            (_, Value::Float(a), Value::Float(b)) => Some(c.floats(a, b)),
            (Cmp::Eq, a, b) => self.eq_fast(a, b),
            (Cmp::Ne, a, b) => self.eq_fast(a, b).map(|eq| !eq),
            _ => None,
        }
    }

    /// `list[i]` for a List and an Int in range.
    #[inline(always)]
    fn list_item(&self, list: Value, i: Value) -> Option<&Value> {
        let (Value::Obj(r), Value::Int(i)) = (list, i) else {
            return None;
        };
        let Object::List(items) = self.heap.get(r) else {
            return None;
        };
        items.get(usize::try_from(i).ok()?)
    }

    /// `list[i] = v` for a List and an Int in range: whether it stored.
    #[inline(always)]
    fn list_store(&mut self, list: Value, i: Value, v: Value) -> bool {
        let (Value::Obj(r), Value::Int(i)) = (list, i) else {
            return false;
        };
        let at = usize::try_from(i).unwrap_or(usize::MAX);
        if let Object::List(items) = self.heap.get_mut_entry_storing(r, at, &[v]) {
            if let Some(slot) = items.get_mut(at) {
                *slot = v;
                return true;
            }
        }
        false
    }

    /// `map.get(key)` (or with a default) for an Int or String key, done
    /// in the loop: the site's first entry holds the Map class's own
    /// `get`, so the lookup alone decides. `None` for anything else.
    #[inline(always)]
    fn map_get_fast<const STATS: bool>(
        &mut self,
        receiver: Value,
        key: Value,
        default: Value,
        cache: u32,
    ) -> Option<Value> {
        let Value::Obj(r) = receiver else { return None };
        let Object::Map(map) = self.heap.get(r) else {
            return None;
        };
        let e = self.caches[cache as usize].first();
        if e.method != self.map_get
            || e.class != self.builtin_classes[crate::object::Builtin::Map as usize]
        {
            return None;
        }
        let (found, at) = crate::runtime::keys::get_plain_at(self, map, key)?;
        self.note_hint(r, key, at);
        if STATS {
            self.stats.calls += 1;
            self.count_first_hit(cache, Kind::Method);
        }
        Some(found.unwrap_or(default))
    }

    /// `INVOKE`'s fast path to a native, cached in the site's first
    /// entry: a native module's member (`math.sqrt(x)`), called with the
    /// receiver it was made with, or a native method of the receiver's
    /// class (`list.push(x)`, `map.get(k)`), called on the receiver.
    #[inline(always)]
    fn native_fast<const STATS: bool>(
        &mut self,
        receiver: Value,
        cache: u32,
    ) -> Option<(super::NativeFn, Value, u32)> {
        let e = self.caches[cache as usize].first();
        let Value::Obj(m) = e.method else { return None };
        let member = e.is_member();
        let matches = if member {
            receiver == Value::Obj(e.class)
        } else {
            // Only an `INVOKE` whose receiver's class has the method
            // cached it (see `invoke_key`), so the class decides.
            self.class_of(receiver) == e.class
        };
        if !matches {
            return None;
        }
        let Object::Native(n) = self.heap.get(m) else {
            return None;
        };
        let found = (n.func, if member { n.receiver } else { receiver }, n.data);
        if STATS {
            self.count_first_hit(cache, Kind::Method);
        }
        Some(found)
    }

    /// `INVOKE`'s fast path to a native that is a pure function of one
    /// number (see [`crate::object::NativeObj::float_fn`]), a member of
    /// the module the site's first entry names, with a number argument.
    #[inline(always)]
    fn float_fn_fast<const STATS: bool>(
        &mut self,
        receiver: Value,
        arg: Value,
        cache: u32,
    ) -> Option<Value> {
        let x = match arg {
            Value::Float(x) => x,
            Value::Int(i) => i as f64,
            _ => return None,
        };
        let e = self.caches[cache as usize].first();
        if !e.is_member() || receiver != Value::Obj(e.class) {
            return None;
        }
        let Value::Obj(m) = e.method else { return None };
        let Object::Native(n) = self.heap.get(m) else {
            return None;
        };
        let f = n.float_fn?;
        if STATS {
            self.stats.calls += 1;
            self.count_first_hit(cache, Kind::Method);
        }
        Some(Value::Float(f(x)))
    }

    /// Counts a hit on a site's first entry.
    fn count_first_hit(&mut self, cache: u32, kind: Kind) {
        let hit = if self.caches[cache as usize].len() == 1 {
            Hit::Mono
        } else {
            Hit::Poly
        };
        self.stats.cache[kind as usize].hits[hit as usize] += 1;
    }

    /// The next value of a plain range iterator: `Some(None)` at its end,
    /// `None` for any other iterator.
    #[inline(always)]
    fn range_next(&mut self, it: Value) -> Option<Option<i64>> {
        let Value::Obj(r) = it else { return None };
        // Advancing writes only Ints into the cursor: no reference for the
        // write barrier to remember.
        match self.heap.get_mut_unbarriered(r) {
            Object::Iter(state) => match &mut **state {
                IterObj::Range(c) => Some(c.advance()),
                _ => None,
            },
            _ => None,
        }
    }

    /// `a..b` and `a..=b` (§5.6): both bounds must be Ints.
    fn make_range(&mut self, a: Value, b: Value, inclusive: bool) -> Result<Value, Exc> {
        match (a, b) {
            (Value::Int(start), Value::Int(end)) => {
                let r = self.heap.alloc(Object::Range(RangeObj {
                    start,
                    end,
                    inclusive,
                }));
                Ok(Value::Obj(r))
            }
            _ => {
                let bad = if matches!(a, Value::Int(_)) { b } else { a };
                let msg = format!("range bounds must be Int, not {}", self.class_name_of(bad));
                Err(self.type_error(msg))
            }
        }
    }

    /// Pushes a frame for `proto` whose slot 0 is at `base`, its locals
    /// already in place, and reserves room for its whole operand stack, which
    /// the dispatch loop relies on.
    #[inline]
    pub(crate) fn push_frame(&mut self, frame: Frame) -> Result<(), Exc> {
        if self.frames.len() >= self.limits.max_call_depth {
            return Err(self.call_depth_error());
        }
        let need = frame.base + self.calls[frame.proto as usize].need as usize + 1;
        if need > self.stack.capacity() {
            self.stack.reserve(need - self.stack.len());
        }
        self.frames.push(frame);
        Ok(())
    }

    #[cold]
    #[inline(never)]
    fn call_depth_error(&mut self) -> Exc {
        self.error_of(
            "StackOverflowError",
            format!(
                "call depth limit of {} frames exceeded",
                self.limits.max_call_depth
            ),
        )
    }
}
