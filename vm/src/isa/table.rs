//! The opcode table. Every other list of instructions is generated from it:
//! add a row here and the decoder, mnemonic tables, verifier facts and the
//! spec check all follow.

use super::f;
use super::{ConstKind, Effect, Flags, OperandKind};

use OperandKind::{Argc, Builtin, Class, Count, Func, Global, Imm, Import, Local, Target, Upval};

const VALUE: OperandKind = OperandKind::Const(ConstKind::Value);
const NAME: OperandKind = OperandKind::Const(ConstKind::Name);

const fn fx(pop: u16, push: u16) -> Effect {
    Effect::Fixed { pop, push }
}

macro_rules! opcodes {
    ($( $byte:literal $variant:ident $mnemonic:literal [$($operand:expr),*] $effect:expr, $flags:expr, $doc:literal, $errors:literal; )*) => {
        /// An instruction's opcode. See the table in `isa/table.rs` (and
        /// `spec/bytecode.md`) for each one's operands and meaning.
        // The meanings use the table's notation (`L[l]`, `K[k]`), not links.
        #[allow(rustdoc::broken_intra_doc_links)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[repr(u8)]
        pub enum Op {
            $( #[doc = $doc] $variant = $byte, )*
        }

        /// Every opcode, in byte order.
        pub const OPS: &[Op] = &[$(Op::$variant),*];

        /// Byte to opcode; `None` for unassigned bytes.
        pub(super) static DECODE: [Option<Op>; 256] = {
            let mut table = [None; 256];
            $( table[$byte] = Some(Op::$variant); )*
            table
        };

        impl Op {
            /// The name `disasm` prints and `asm` reads.
            pub fn mnemonic(self) -> &'static str {
                match self { $(Op::$variant => $mnemonic,)* }
            }

            /// The operand kinds, in encoding order.
            pub fn operands(self) -> &'static [OperandKind] {
                match self { $(Op::$variant => &[$($operand),*],)* }
            }

            /// How the instruction changes the operand-stack height.
            pub fn effect(self) -> Effect {
                match self { $(Op::$variant => $effect,)* }
            }

            /// What the verifier and the translator may assume about it.
            pub fn flags(self) -> Flags {
                match self { $(Op::$variant => $flags,)* }
            }

            /// One line saying what the instruction does.
            pub fn doc(self) -> &'static str {
                match self { $(Op::$variant => $doc,)* }
            }

            /// The errors the instruction may raise, as `spec/bytecode.md`
            /// lists them; `"none"` when it never raises (its flags then
            /// lack `throws`).
            pub fn errors(self) -> &'static str {
                match self { $(Op::$variant => $errors,)* }
            }
        }
    };
}

// byte  variant  mnemonic  [operands]  stack effect  flags  meaning  errors
// Notation: S is the operand stack (top at the right), L the locals, U the
// upvalues, G the module's globals, K the constant pool.
opcodes! {
    0x00 Nop "NOP" [] fx(0, 0), f::NONE, "do nothing",
        "none";
    0x01 Const "CONST" [VALUE] fx(0, 1), f::NONE, "push K[k] (an Int, Float or String)",
        "none";
    0x02 Int "INT" [Imm] fx(0, 1), f::NONE, "push the Int i (-32768..=32767)",
        "none";
    0x03 Nil "NIL" [] fx(0, 1), f::NONE, "push nil",
        "none";
    0x04 True "TRUE" [] fx(0, 1), f::NONE, "push true",
        "none";
    0x05 False "FALSE" [] fx(0, 1), f::NONE, "push false",
        "none";
    0x06 Pop "POP" [] fx(1, 0), f::NONE, "drop the top of S",
        "none";
    0x07 Dup "DUP" [] fx(1, 2), f::NONE, "a -> a a",
        "none";
    0x08 Dup2 "DUP2" [] fx(2, 4), f::NONE, "a b -> a b a b",
        "none";
    0x09 Swap "SWAP" [] fx(2, 2), f::NONE, "a b -> b a",
        "none";

    0x10 LoadLocal "LOAD_LOCAL" [Local] fx(0, 1), f::NONE, "push L[l]",
        "none";
    0x11 StoreLocal "STORE_LOCAL" [Local] fx(1, 0), f::NONE, "L[l] = pop",
        "none";
    0x12 LoadUpval "LOAD_UPVAL" [Upval] fx(0, 1), f::NONE, "push the value in the cell U[u], or U[u] if it is a copied value",
        "none";
    0x13 StoreUpval "STORE_UPVAL" [Upval] fx(1, 0), f::NONE, "store pop into the cell U[u] (a cell-held upvalue: `upval-writable`)",
        "none";
    0x14 LoadGlobal "LOAD_GLOBAL" [Global] fx(0, 1), f::NONE, "push G[g] (nil before its declaration has run)",
        "none";
    0x15 StoreGlobal "STORE_GLOBAL" [Global] fx(1, 0), f::NONE, "G[g] = pop",
        "none";
    0x16 LoadBuiltin "LOAD_BUILTIN" [Builtin] fx(0, 1), f::NONE, "push prelude entry b",
        "none";
    0x17 NewCell "NEW_CELL" [Local] fx(1, 0), f::ALLOC, "L[l] = a new cell holding pop (a captured variable)",
        "MemoryError";
    0x18 LoadCell "LOAD_CELL" [Local] fx(0, 1), f::THROWS, "push the value in the cell L[l]",
        "TypeError if L[l] holds no cell (hand-written bytecode only)";
    0x19 StoreCell "STORE_CELL" [Local] fx(1, 0), f::THROWS, "store pop into the cell L[l]",
        "TypeError if L[l] holds no cell (hand-written bytecode only)";
    0x1A Import "IMPORT" [Import] fx(0, 1), f::ALLOC, "push module i, running its top-level code on first import",
        "ImportError (an import cycle); any error the module's top-level code raises; MemoryError";

    0x20 GetField "GET_FIELD" [NAME] fx(1, 1), f::CACHED, "obj -> obj.name (field, bound method, static member or module member)",
        "AttributeError (no such member, or a private module member); MemoryError";
    0x21 SetField "SET_FIELD" [NAME] fx(2, 0), f::CACHED, "obj v -> ; obj.name = v",
        "AttributeError (an undeclared field, or a value without assignable members); MemoryError";
    0x22 GetIndex "GET_INDEX" [] fx(2, 1), f::ALLOC, "obj i -> obj[i] (a Range index slices)",
        "TypeError (not indexable, wrong index class); IndexError; KeyError; errors from a user `[]`; MemoryError";
    0x23 SetIndex "SET_INDEX" [] fx(3, 0), f::ALLOC, "obj i v -> ; obj[i] = v",
        "TypeError (not assignable, wrong index class, unhashable key); IndexError; errors from a user `[]=`, `hash` or `==`; MemoryError";
    0x24 GetSuper "GET_SUPER" [NAME] fx(1, 1), f::CACHED, "this -> the superclass's method name bound to this",
        "AttributeError (the superclass has no such method); MemoryError";

    0x30 Add "ADD" [] fx(2, 1), f::ALLOC, "a b -> a + b",
        "TypeError; OverflowError; errors from a user `+`; MemoryError";
    0x31 Sub "SUB" [] fx(2, 1), f::ALLOC, "a b -> a - b",
        "TypeError; OverflowError; errors from a user `-`; MemoryError";
    0x32 Mul "MUL" [] fx(2, 1), f::ALLOC, "a b -> a * b",
        "TypeError; OverflowError; ValueError (negative repeat count); errors from a user `*`; MemoryError";
    0x33 Div "DIV" [] fx(2, 1), f::ALLOC, "a b -> a / b",
        "TypeError; ZeroDivisionError; OverflowError; errors from a user `/`; MemoryError";
    0x34 Mod "MOD" [] fx(2, 1), f::ALLOC, "a b -> a % b",
        "TypeError; ZeroDivisionError; errors from a user `%`; MemoryError";
    0x35 Pow "POW" [] fx(2, 1), f::ALLOC, "a b -> a ** b",
        "TypeError; OverflowError; errors from a user `**`; MemoryError";
    0x36 BitAnd "BAND" [] fx(2, 1), f::THROWS, "a b -> a & b",
        "TypeError (operands not Ints)";
    0x37 BitOr "BOR" [] fx(2, 1), f::THROWS, "a b -> a | b",
        "TypeError (operands not Ints)";
    0x38 BitXor "BXOR" [] fx(2, 1), f::THROWS, "a b -> a ^ b",
        "TypeError (operands not Ints)";
    0x39 Shl "SHL" [] fx(2, 1), f::THROWS, "a b -> a << b",
        "TypeError (operands not Ints); ValueError (shift count outside 0..=63)";
    0x3A Shr "SHR" [] fx(2, 1), f::THROWS, "a b -> a >> b (arithmetic)",
        "TypeError (operands not Ints); ValueError (shift count outside 0..=63)";
    0x3B Neg "NEG" [] fx(1, 1), f::ALLOC, "a -> -a",
        "TypeError; OverflowError (the minimum Int); errors from a user unary `-`; MemoryError";
    0x3C BitNot "BNOT" [] fx(1, 1), f::THROWS, "a -> ~a",
        "TypeError (operand not an Int)";
    0x3D Not "NOT" [] fx(1, 1), f::NONE, "a -> not a",
        "none";

    0x40 Eq "EQ" [] fx(2, 1), f::ALLOC, "a b -> a == b",
        "errors from a user `==`; MemoryError";
    0x41 Ne "NE" [] fx(2, 1), f::ALLOC, "a b -> a != b",
        "errors from a user `==`; MemoryError";
    0x42 Lt "LT" [] fx(2, 1), f::ALLOC, "a b -> a < b",
        "TypeError (incomparable operands); errors from a user `<`; MemoryError";
    0x43 Le "LE" [] fx(2, 1), f::ALLOC, "a b -> a <= b",
        "TypeError (incomparable operands); errors from a user `<=`; MemoryError";
    0x44 Gt "GT" [] fx(2, 1), f::ALLOC, "a b -> a > b",
        "TypeError (incomparable operands); errors from a user `>`; MemoryError";
    0x45 Ge "GE" [] fx(2, 1), f::ALLOC, "a b -> a >= b",
        "TypeError (incomparable operands); errors from a user `>=`; MemoryError";
    0x46 Is "IS" [] fx(2, 1), f::THROWS, "a C -> a is C",
        "TypeError (the right operand is not a class)";
    0x47 Range "RANGE" [] fx(2, 1), f::ALLOC, "a b -> a..b",
        "TypeError (a bound is not an Int); MemoryError";
    0x48 RangeIncl "RANGE_INCL" [] fx(2, 1), f::ALLOC, "a b -> a..=b",
        "TypeError (a bound is not an Int); MemoryError";

    0x50 Jump "JUMP" [Target] fx(0, 0), f::JUMP, "pc = t",
        "none";
    0x51 JumpIfFalse "JUMP_IF_FALSE" [Target] fx(1, 0), f::BRANCH, "if pop is false or nil: pc = t",
        "none";
    0x52 JumpIfTrue "JUMP_IF_TRUE" [Target] fx(1, 0), f::BRANCH, "if pop is neither false nor nil: pc = t",
        "none";
    0x53 AndJump "JUMP_IF_FALSE_OR_POP" [Target]
        Effect::Branch { fall: (1, 0), taken: (0, 0) }, f::BRANCH,
        "if top is falsy: pc = t, keeping it; else pop (for `and`)",
        "none";
    0x54 OrJump "JUMP_IF_TRUE_OR_POP" [Target]
        Effect::Branch { fall: (1, 0), taken: (0, 0) }, f::BRANCH,
        "if top is truthy: pc = t, keeping it; else pop (for `or`)",
        "none";
    0x55 JumpIfArg "JUMP_IF_ARG" [Local, Target] fx(0, 0), f::BRANCH,
        "if parameter slot L[l] received an argument: pc = t (skips its default)",
        "none";
    0x56 Iter "ITER" [] fx(1, 1), f::ALLOC, "x -> an iterator over x",
        "TypeError (not iterable); errors from a user `iter()`; MemoryError";
    0x57 ForNext "FOR_NEXT" [Local, Target]
        Effect::Branch { fall: (0, 1), taken: (0, 0) }, f::ITER,
        "advance the iterator in L[l]: push its next value, or pc = t when done",
        "TypeError if L[l] holds no iterator (hand-written bytecode only); errors from a user `next()`; MemoryError";
    0x58 ForNext2 "FOR_NEXT2" [Local, Target]
        Effect::Branch { fall: (0, 2), taken: (0, 0) }, f::ITER,
        "advance the iterator in L[l]: push key and value, or pc = t when done",
        "TypeError (L[l] iterates neither a Map nor a List, or holds no iterator); MemoryError";

    0x60 Call "CALL" [Argc] Effect::Call, f::CACHED, "f a1..an -> f(a1..an)",
        "TypeError (not callable, wrong argument count); StackOverflowError; MemoryError; any error the callee raises";
    0x61 Invoke "INVOKE" [NAME, Argc] Effect::Call, f::CACHED, "obj a1..an -> obj.name(a1..an)",
        "AttributeError (no such method); TypeError (wrong argument count); StackOverflowError; MemoryError; any error the method raises";
    0x62 SuperInvoke "SUPER_INVOKE" [NAME, Argc] Effect::Call, f::CACHED,
        "this a1..an -> the superclass's name(a1..an) on this",
        "AttributeError (no such method); TypeError (wrong argument count); StackOverflowError; MemoryError; any error the method raises";
    0x63 Return "RETURN" [] fx(1, 0), f::RETURN, "return pop to the caller",
        "none";
    0x64 Throw "THROW" [] fx(1, 0), f::END, "raise pop (TypeError unless it is an Error)",
        "the popped error; TypeError if it is not an Error instance";
    0x65 Closure "CLOSURE" [Func] fx(0, 1), f::ALLOC, "push a closure of function f, capturing its upvalues (cells, or copies of values)",
        "TypeError if a `Local` or `Outer` capture finds no cell (hand-written bytecode only); MemoryError";
    0x66 Class "CLASS" [Class, Count]
        Effect::PopN, f::ALLOC,
        "[super] m1..mn -> class c, with method closures m1..mn (and a dynamic superclass)",
        "TypeError (a superclass that is not a class, cannot be extended, or has not been created yet; a popped value that is not a closure of the function the class table names for it); MemoryError";
    0x67 List "LIST" [Count] Effect::PopN, f::ALLOC, "a1..an -> [a1, .., an]",
        "MemoryError";
    0x68 Map "MAP" [Count] Effect::PopPairs, f::ALLOC, "k1 v1..kn vn -> {k1: v1, ..}",
        "TypeError (an unhashable key); errors from a user `hash` or `==`; MemoryError";
    0x69 Str "STR" [Count] Effect::PopN, f::ALLOC, "a1..an -> str(a1) + .. + str(an)",
        "errors from a user `to_string`; MemoryError";
}
