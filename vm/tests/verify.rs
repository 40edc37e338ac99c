//! The verifier: valid models pass; a negative corpus breaks each rule once
//! and checks its name and message; random instruction streams never make it
//! panic; large inputs stay fast.

use std::collections::{BTreeMap, HashMap};
use std::panic::{catch_unwind, AssertUnwindSafe};

use cairn_vm::classfile::*;
use cairn_vm::isa::{write_operand, Effect, Op, OperandKind, BUILTINS, OPS};
use cairn_vm::verify::{verify, Location, VerifyError, VerifyRule};

// ---------------------------------------------------------------------------
// Building models by hand

/// Assembles `src`, returning the code and the pc of every label. One
/// instruction per line, `MNEMONIC operand ...`; `name:` defines a label that
/// later or earlier operands may name; `;` starts a comment.
fn asm_labels(src: &str) -> (Vec<u8>, HashMap<String, u32>) {
    let lines: Vec<Vec<&str>> = src
        .lines()
        .map(|l| {
            l.split(';')
                .next()
                .unwrap_or("")
                .split_whitespace()
                .collect()
        })
        .filter(|w: &Vec<&str>| !w.is_empty())
        .collect();
    let mut labels = HashMap::new();
    let mut pc = 0;
    for words in &lines {
        match words[0].strip_suffix(':') {
            Some(label) => {
                labels.insert(label.to_owned(), pc as u32);
            }
            None => pc += mnemonic(words[0]).len(),
        }
    }
    let mut code = Vec::new();
    for words in lines.iter().filter(|w| !w[0].ends_with(':')) {
        let op = mnemonic(words[0]);
        assert_eq!(words.len() - 1, op.operands().len(), "{words:?}");
        code.push(op as u8);
        for (&kind, word) in op.operands().iter().zip(&words[1..]) {
            let value = match word.parse::<i64>() {
                Ok(v) if kind == OperandKind::Imm => u32::from(v as i16 as u16),
                Ok(v) => v as u32,
                Err(_) => labels[*word],
            };
            write_operand(&mut code, kind, value);
        }
    }
    (code, labels)
}

fn asm(src: &str) -> Vec<u8> {
    asm_labels(src).0
}

fn mnemonic(text: &str) -> Op {
    Op::from_mnemonic(text).unwrap_or_else(|| panic!("unknown mnemonic {text}"))
}

/// Constant indexes used below.
const MODULE: u16 = 2;
const F: u16 = 3;
const INT_42: u16 = 4;
const FLOAT: u16 = 5;
const X: u16 = 6;
const Y: u16 = 7;
const INIT: u16 = 8;
const POINT: u16 = 9;
const AREA: u16 = 10;
const MADE: u16 = 11;
const ORIGIN: u16 = 12;
const COUNTER: u16 = 13;
const MATH: u16 = 14;
const SHAPE: u16 = 15;
const FIELDS: u16 = 16;

fn constants() -> Vec<Constant> {
    let s = |t: &str| Constant::Str(t.into());
    vec![
        s("test"),
        s("test.cairn"),
        s("<module>"),
        s("f"),
        Constant::Int(42),
        Constant::Float(1.5),
        s("x"),
        s("y"),
        s("init"),
        s("Point"),
        s("area"),
        s("made"),
        s("origin"),
        s("counter"),
        s("math"),
        s("Shape"),
        s("Point.<fields>"),
        s("x"), // 17: the same text as 6, at another index
    ]
}

fn function(name: u16, kind: FunctionKind, src: &str) -> Function {
    Function {
        name,
        kind,
        n_params: 0,
        n_defaults: 0,
        has_rest: false,
        n_locals: 4,
        max_stack: 8,
        upvalues: vec![],
        code: asm(src),
        handlers: vec![],
        lines: vec![(0, 1)],
        local_names: vec![],
    }
}

fn file(functions: Vec<Function>) -> ClassFile {
    ClassFile {
        major: MAJOR,
        minor: MINOR,
        name: 0,
        source: 1,
        constants: constants(),
        imports: vec![Import {
            kind: ImportKind::Std,
            spec: MATH,
        }],
        globals: vec![POINT, COUNTER, MATH],
        classes: vec![],
        functions,
        main: 0,
    }
}

/// A module whose only function is its top-level code, `src`.
fn main_only(src: &str) -> ClassFile {
    file(vec![function(MODULE, FunctionKind::Module, src)])
}

fn main_mut(cf: &mut ClassFile) -> &mut Function {
    &mut cf.functions[0]
}

/// A class with no members and superclass `Object`.
fn class(name: u16) -> Class {
    Class {
        name,
        superclass: Superclass::Object,
        fields: vec![],
        static_fields: vec![],
        methods: vec![],
        field_init: None,
    }
}

// ---------------------------------------------------------------------------
// Valid models

/// A module that uses most of the instruction set the way the compiler
/// does: an import, a class with init, a method, a static method and a field
/// initializer; closures over cells and upvalues; default and rest
/// parameters; a `for` loop; `try`/`catch`/`finally`; `and`/`or`.
fn kitchen_sink() -> ClassFile {
    let (main_code, l) = asm_labels(
        "
        IMPORT 0
        STORE_GLOBAL 2
        CLOSURE 1           ; init
        CLOSURE 2           ; area
        CLOSURE 3           ; origin
        CLOSURE 4           ; field initializer
        CLASS 0 4
        DUP
        INT -1
        SET_FIELD 11        ; Point.made = -1
        STORE_GLOBAL 0
        LOAD_GLOBAL 0
        CLASS 1 1           ; class Shape < (dynamic) Point
        POP
        CLASS 2 0           ; class Shape < Point (static link)
        POP
        CLASS 3 0           ; class x < Error
        POP
        CLOSURE 5
        STORE_GLOBAL 1
        CLOSURE 8
        POP
        INT 1               ; for x in [1, 1.5, 42] { print(x) }
        CONST 5
        CONST 4
        LIST 3
        ITER
        STORE_LOCAL 1
    loop:
        FOR_NEXT 1 done
        STORE_LOCAL 2
        LOAD_BUILTIN 0
        LOAD_LOCAL 2
        CALL 1
        POP
        JUMP loop
    done:
    try:
        LOAD_GLOBAL 0
        INT 1
        INT 2
        CALL 2
        INVOKE 10 0
        POP
    try_end:
        NIL                 ; finally copy
        POP
        JUMP end
    catch:
        DUP
        LOAD_BUILTIN 17
        IS
        JUMP_IF_FALSE rethrow
        STORE_LOCAL 2
        LOAD_BUILTIN 0
        LOAD_LOCAL 2
        CALL 1
        POP
    catch_end:
        NIL                 ; finally copy
        POP
        JUMP end
    rethrow:
        THROW
    catch_all:
        STORE_LOCAL 3
        NIL
        POP
        LOAD_LOCAL 3
        THROW
    end:
        TRUE
        JUMP_IF_FALSE_OR_POP and
        FALSE
    and:
        JUMP_IF_TRUE_OR_POP or
        NIL
    or:
        POP
        CONST 6
        INT 1
        MAP 1
        CONST 4
        STR 2
        POP
        FOR_NEXT2 1 tail
        POP
        POP
    tail:
        NIL
        RETURN
    ",
    );
    let handler = |start: &str, end: &str, target: &str| Handler {
        start: l[start],
        end: l[end],
        handler: l[target],
        depth: 0,
    };
    let mut main = function(MODULE, FunctionKind::Module, "");
    main.code = main_code;
    main.handlers = vec![
        handler("try", "try_end", "catch"),
        handler("try", "try_end", "catch_all"),
        handler("catch", "catch_end", "catch_all"),
        handler("rethrow", "catch_all", "catch_all"),
    ];
    main.lines = vec![(0, 1), (l["loop"], 3), (l["end"], 9)];
    main.local_names = vec![LocalName {
        slot: 2,
        name: X,
        start: l["loop"],
        end: l["done"],
    }];

    let mut init = function(
        INIT,
        FunctionKind::Initializer,
        "LOAD_LOCAL 0\nLOAD_LOCAL 1\nSET_FIELD 6\nLOAD_LOCAL 0\nLOAD_LOCAL 2\n\
         SET_FIELD 7\nNIL\nRETURN",
    );
    init.n_params = 2;
    init.n_locals = 3;
    let area = function(
        AREA,
        FunctionKind::Method,
        "LOAD_LOCAL 0\nGET_FIELD 6\nLOAD_LOCAL 0\nGET_FIELD 7\nMUL\nRETURN",
    );
    let origin = function(
        ORIGIN,
        FunctionKind::Static,
        "LOAD_LOCAL 0\nINT 0\nINT 0\nCALL 2\nRETURN",
    );
    let fields = function(
        FIELDS,
        FunctionKind::FieldInit,
        "LOAD_LOCAL 0\nCONST 4\nSET_FIELD 7\nNIL\nRETURN",
    );
    // fn counter(start, step = 1) { return fn() { start += step ... } }
    let mut counter = function(
        COUNTER,
        FunctionKind::Function,
        "
        JUMP_IF_ARG 2 skip
        INT 1
        STORE_LOCAL 2
    skip:
        LOAD_LOCAL 1
        NEW_CELL 1
        LOAD_CELL 1
        STORE_CELL 1
        CLOSURE 6
        RETURN
    ",
    );
    counter.n_params = 2;
    counter.n_defaults = 1;
    counter.n_locals = 3;
    let mut lambda = function(
        F,
        FunctionKind::Function,
        "CLOSURE 7\nPOP\nLOAD_UPVAL 0\nINT 1\nADD\nDUP\nSTORE_UPVAL 0\nRETURN",
    );
    lambda.n_locals = 1;
    lambda.upvalues = vec![Upvalue::Local(1)];
    let mut inner = function(F, FunctionKind::Function, "LOAD_UPVAL 0\nRETURN");
    inner.upvalues = vec![Upvalue::Outer(0)];
    inner.max_stack = 1;
    // fn (first, ...rest) { return rest }
    let mut rest = function(F, FunctionKind::Function, "LOAD_LOCAL 2\nRETURN");
    rest.n_params = 2;
    rest.has_rest = true;
    rest.n_locals = 3;

    let mut cf = file(vec![
        main, init, area, origin, fields, counter, lambda, inner, rest,
    ]);
    let method = |name, func, is_static| Method {
        name,
        func,
        is_static,
    };
    cf.classes = vec![
        Class {
            name: POINT,
            superclass: Superclass::Object,
            fields: vec![X, Y],
            static_fields: vec![MADE, X],
            methods: vec![
                method(INIT, 1, false),
                method(AREA, 2, false),
                method(ORIGIN, 3, true),
            ],
            field_init: Some(4),
        },
        Class {
            superclass: Superclass::Dynamic,
            ..class(SHAPE)
        },
        Class {
            superclass: Superclass::Class(0),
            ..class(SHAPE)
        },
        Class {
            superclass: Superclass::Builtin(17),
            ..class(X)
        },
    ];
    cf
}

#[test]
fn a_module_using_most_instructions_verifies() {
    assert_eq!(verify(&kitchen_sink()), Ok(()));
}

#[test]
fn the_smallest_module_verifies() {
    assert_eq!(verify(&main_only("NIL\nRETURN")), Ok(()));
}

#[test]
fn unreachable_code_is_not_checked_for_stack_heights() {
    let cf = main_only("NIL\nRETURN\nPOP\nPOP\nADD\nJUMP 0");
    assert_eq!(verify(&cf), Ok(()));
}

#[test]
fn every_instruction_verifies_in_a_fitting_context() {
    // Each instruction alone, with enough values pushed first and two
    // RETURNs after: falling through reaches the first, jumping the second.
    // It replaces the code of function 7, which function 6 (one upvalue)
    // closes over.
    for &op in OPS {
        let mut cf = kitchen_sink();
        let mut code = vec![Op::Nil as u8; 8];
        let start = code.len();
        let second_return = start + op.len() + 1;
        code.push(op as u8);
        for &kind in op.operands() {
            let value = match (op, kind) {
                (Op::Class, OperandKind::Class) => 0,
                (Op::Class, OperandKind::Count) => 4,
                (Op::Closure, _) => 5,
                (_, OperandKind::Target) => second_return as u32,
                (_, OperandKind::Const(_)) => u32::from(X),
                (_, OperandKind::Import) => 0,
                _ => 1,
            };
            write_operand(&mut code, kind, value);
        }
        code.push(Op::Return as u8);
        code.push(Op::Return as u8);
        let f = &mut cf.functions[7];
        f.code = code;
        f.max_stack = 12;
        f.n_params = 2;
        f.lines = vec![(start as u32, 1)];
        f.upvalues = vec![Upvalue::Outer(0); 2];
        let result = verify(&cf);
        assert_eq!(result, Ok(()), "{}", op.mnemonic());
    }
}

// ---------------------------------------------------------------------------
// The negative corpus: one case per rule

/// Verifies `cf`, expecting rule `rule` and the whole message `message`.
#[track_caller]
fn expect(cf: &ClassFile, rule: &str, message: &str) -> VerifyError {
    let err = verify(cf).expect_err("verification should fail");
    assert_eq!(err.rule.name(), rule, "{err}");
    assert_eq!(err.to_string(), message);
    err
}

const AT: &str = "verify error: fn <module> (test.cairn)";

#[test]
fn unknown_opcode() {
    let mut cf = main_only("NIL");
    main_mut(&mut cf).code.push(0xFF);
    let err = expect(
        &cf,
        "known-opcode",
        &format!("{AT} at pc 1: unknown opcode 0xff"),
    );
    assert_eq!(err.rule, VerifyRule::KnownOpcode { byte: 0xFF });
    assert_eq!(err.pc, Some(1));
    assert_eq!(
        err.location,
        Location::Function {
            index: 0,
            name: "<module>".into()
        }
    );
}

#[test]
fn unknown_opcode_in_unreachable_code() {
    let mut cf = main_only("NIL\nRETURN");
    main_mut(&mut cf).code.push(0xEE);
    expect(
        &cf,
        "known-opcode",
        &format!("{AT} at pc 2: unknown opcode 0xee"),
    );
}

#[test]
fn truncated_instruction() {
    let mut cf = main_only("NIL\nRETURN\nLOAD_LOCAL 0");
    main_mut(&mut cf).code.pop();
    let err = expect(
        &cf,
        "whole-instruction",
        &format!("{AT} at pc 2: truncated instruction: `LOAD_LOCAL` runs past the end of the code"),
    );
    assert!(matches!(
        err.rule,
        VerifyRule::WholeInstruction { op: Op::LoadLocal }
    ));
}

#[test]
fn empty_code() {
    let mut cf = main_only("NIL");
    main_mut(&mut cf).code.clear();
    main_mut(&mut cf).lines.clear();
    expect(
        &cf,
        "non-empty-code",
        &format!("{AT}: function has no code"),
    );
}

#[test]
fn constant_out_of_range() {
    expect(
        &main_only("CONST 99\nRETURN"),
        "const-in-range",
        &format!("{AT} at pc 0: constant index 99 out of range (pool has 18)"),
    );
}

#[test]
fn constant_of_the_wrong_kind() {
    let err = expect(
        &main_only("NIL\nGET_FIELD 4\nRETURN"),
        "const-kind",
        &format!("{AT} at pc 1: constant 4 is an Int, expected a String (a name)"),
    );
    assert!(matches!(err.rule, VerifyRule::ConstKind { index: 4, .. }));
    expect(
        &main_only("NIL\nINVOKE 5 0\nRETURN"),
        "const-kind",
        &format!("{AT} at pc 1: constant 5 is a Float, expected a String (a name)"),
    );
}

#[test]
fn local_out_of_range() {
    expect(
        &main_only("LOAD_LOCAL 4\nRETURN"),
        "local-in-range",
        &format!("{AT} at pc 0: local 4 out of range (4 locals)"),
    );
    expect(
        &main_only("NIL\nNEW_CELL 9\nNIL\nRETURN"),
        "local-in-range",
        &format!("{AT} at pc 1: local 9 out of range (4 locals)"),
    );
}

#[test]
fn upvalue_out_of_range() {
    expect(
        &main_only("LOAD_UPVAL 0\nRETURN"),
        "upval-in-range",
        &format!("{AT} at pc 0: upvalue 0 out of range (0 upvalues)"),
    );
}

#[test]
fn global_out_of_range() {
    expect(
        &main_only("LOAD_GLOBAL 3\nRETURN"),
        "global-in-range",
        &format!("{AT} at pc 0: global 3 out of range (3 globals)"),
    );
}

#[test]
fn builtin_out_of_range() {
    let n = BUILTINS.len();
    expect(
        &main_only(&format!("LOAD_BUILTIN {n}\nRETURN")),
        "builtin-in-range",
        &format!("{AT} at pc 0: builtin {n} out of range ({n} builtins)"),
    );
}

#[test]
fn function_out_of_range() {
    expect(
        &main_only("CLOSURE 1\nRETURN"),
        "func-in-range",
        &format!("{AT} at pc 0: function 1 out of range (1 functions)"),
    );
}

#[test]
fn class_out_of_range() {
    expect(
        &main_only("CLASS 0 0\nRETURN"),
        "class-in-range",
        &format!("{AT} at pc 0: class 0 out of range (0 classes)"),
    );
}

#[test]
fn import_out_of_range() {
    expect(
        &main_only("IMPORT 1\nRETURN"),
        "import-in-range",
        &format!("{AT} at pc 0: import 1 out of range (1 imports)"),
    );
}

#[test]
fn closure_of_the_main_function() {
    expect(
        &main_only("CLOSURE 0\nRETURN"),
        "closure-target",
        &format!("{AT} at pc 0: `CLOSURE` names function 0, the module's top-level code"),
    );
}

#[test]
fn closure_capturing_what_the_encloser_lacks() {
    let mut lambda = function(F, FunctionKind::Function, "LOAD_UPVAL 0\nRETURN");
    lambda.upvalues = vec![Upvalue::Local(4)];
    let main = function(MODULE, FunctionKind::Module, "CLOSURE 1\nRETURN");
    let cf = file(vec![main, lambda.clone()]);
    expect(
        &cf,
        "closure-capture",
        &format!("{AT} at pc 0: function 1 captures local 4, but this function has 4 locals"),
    );
    lambda.upvalues = vec![Upvalue::Outer(0)];
    let main = function(MODULE, FunctionKind::Module, "CLOSURE 1\nRETURN");
    let cf = file(vec![main, lambda]);
    expect(
        &cf,
        "closure-capture",
        &format!("{AT} at pc 0: function 1 captures upvalue 0, but this function has 0 upvalues"),
    );
}

#[test]
fn closure_capturing_values_checks_the_same_ranges() {
    let mut lambda = function(F, FunctionKind::Function, "LOAD_UPVAL 0\nRETURN");
    lambda.upvalues = vec![Upvalue::LocalValue(4)];
    let main = function(MODULE, FunctionKind::Module, "CLOSURE 1\nRETURN");
    expect(
        &file(vec![main, lambda.clone()]),
        "closure-capture",
        &format!("{AT} at pc 0: function 1 captures local 4, but this function has 4 locals"),
    );
    lambda.upvalues = vec![Upvalue::OuterValue(0)];
    let main = function(MODULE, FunctionKind::Module, "CLOSURE 1\nRETURN");
    expect(
        &file(vec![main, lambda]),
        "closure-capture",
        &format!("{AT} at pc 0: function 1 captures upvalue 0, but this function has 0 upvalues"),
    );
}

#[test]
fn store_into_a_copied_upvalue() {
    let mut lambda = function(F, FunctionKind::Function, "NIL\nSTORE_UPVAL 1\nNIL\nRETURN");
    lambda.upvalues = vec![Upvalue::Local(1), Upvalue::LocalValue(2)];
    let main = function(MODULE, FunctionKind::Module, "CLOSURE 1\nRETURN");
    let cf = file(vec![main, lambda.clone()]);
    let err = verify(&cf).expect_err("a store into a copy");
    assert_eq!(err.rule.name(), "upval-writable", "{err}");
    assert!(
        err.to_string().ends_with(
            "at pc 1: `STORE_UPVAL` writes upvalue 1, a copied value (only a cell can be written)"
        ),
        "{err}"
    );
    // Into the cell beside it: valid.
    lambda.code = asm("NIL\nSTORE_UPVAL 0\nNIL\nRETURN");
    let main = function(MODULE, FunctionKind::Module, "CLOSURE 1\nRETURN");
    verify(&file(vec![main, lambda])).expect("a store into a cell");
}

#[test]
fn class_count_mismatch() {
    let mut cf = kitchen_sink();
    let code = &mut main_mut(&mut cf).code;
    let class_pc = code.iter().position(|&b| b == Op::Class as u8).unwrap();
    code[class_pc + 3] = 3; // the count operand's low byte: 4 -> 3
    expect(
        &cf,
        "class-count",
        &format!("{AT} at pc {class_pc}: `CLASS` pops 3 values, but class 0 needs 4"),
    );
}

#[test]
fn jump_if_arg_on_a_non_parameter() {
    let src = "JUMP_IF_ARG 0 end\nend:\nNIL\nRETURN";
    expect(
        &main_only(src),
        "param-slot",
        &format!("{AT} at pc 0: `JUMP_IF_ARG` slot 0 is not a parameter (the function has 0)"),
    );
}

#[test]
fn jump_outside_the_code() {
    expect(
        &main_only("JUMP 100"),
        "target-in-code",
        &format!("{AT} at pc 0: jump target 100 is outside the code (length 5)"),
    );
    expect(
        &main_only("NIL\nRETURN\nJUMP 7"),
        "target-in-code",
        &format!("{AT} at pc 2: jump target 7 is outside the code (length 7)"),
    );
}

#[test]
fn jump_into_the_middle_of_an_instruction() {
    expect(
        &main_only("JUMP 1"),
        "target-on-boundary",
        &format!("{AT} at pc 0: jump target 1 is inside an instruction"),
    );
}

#[test]
fn stack_underflow() {
    let err = expect(
        &main_only("NIL\nADD\nRETURN"),
        "stack-underflow",
        &format!("{AT} at pc 1: stack underflow: `ADD` pops 2 but the stack holds 1"),
    );
    assert_eq!(err.pc, Some(1));
    expect(
        &main_only("NIL\nCALL 3\nRETURN"),
        "stack-underflow",
        &format!("{AT} at pc 1: stack underflow: `CALL` pops 4 but the stack holds 1"),
    );
    expect(
        &main_only("NIL\nMAP 1\nRETURN"),
        "stack-underflow",
        &format!("{AT} at pc 1: stack underflow: `MAP` pops 2 but the stack holds 1"),
    );
}

#[test]
fn stack_height_above_max_stack() {
    let mut cf = main_only("NIL\nDUP\nRETURN");
    main_mut(&mut cf).max_stack = 1;
    expect(
        &cf,
        "max-stack",
        &format!("{AT} at pc 1: stack height 2 exceeds max_stack 1"),
    );
}

#[test]
fn stack_height_mismatch_at_a_merge() {
    let src = "
        TRUE
        JUMP_IF_TRUE join   ; height 0 at join
        NIL                 ; height 1 at join
    join:
        NIL
        RETURN
    ";
    expect(
        &main_only(src),
        "stack-merge",
        &format!("{AT} at pc 7: stack height mismatch at merge: 0 on one path, 1 on another"),
    );
}

#[test]
fn stack_height_mismatch_at_a_loop_head() {
    expect(
        &main_only("top:\nNIL\nJUMP top"),
        "stack-merge",
        &format!("{AT} at pc 0: stack height mismatch at merge: 0 on one path, 1 on another"),
    );
}

#[test]
fn falling_off_the_end() {
    expect(
        &main_only("NIL\nPOP"),
        "no-fall-off",
        &format!("{AT} at pc 1: execution falls off the end of the code"),
    );
    // A conditional branch can fall through too.
    expect(
        &main_only("top:\nTRUE\nJUMP_IF_TRUE top"),
        "no-fall-off",
        &format!("{AT} at pc 1: execution falls off the end of the code"),
    );
}

/// `NIL; POP; NIL; RETURN` (pcs 0, 1, 2, 3) with one handler.
fn with_handler(start: u32, end: u32, target: u32, depth: u16) -> ClassFile {
    let mut cf = main_only("NIL\nPOP\nNIL\nRETURN\nRETURN");
    main_mut(&mut cf).handlers = vec![Handler {
        start,
        end,
        handler: target,
        depth,
    }];
    cf
}

#[test]
fn handler_with_an_empty_range() {
    expect(
        &with_handler(2, 2, 4, 0),
        "handler-range",
        &format!("{AT}: handler 0 range 2..2 is empty or outside the code (length 5)"),
    );
    expect(
        &with_handler(3, 1, 4, 0),
        "handler-range",
        &format!("{AT}: handler 0 range 3..1 is empty or outside the code (length 5)"),
    );
}

#[test]
fn handler_range_past_the_code() {
    expect(
        &with_handler(0, 6, 4, 0),
        "handler-range",
        &format!("{AT}: handler 0 range 0..6 is empty or outside the code (length 5)"),
    );
}

#[test]
fn handler_off_instruction_boundaries() {
    let mut cf = main_only("INT 1\nRETURN\nRETURN");
    let h = Handler {
        start: 0,
        end: 4,
        handler: 4,
        depth: 0,
    };
    main_mut(&mut cf).handlers = vec![Handler { start: 1, ..h }];
    expect(
        &cf,
        "handler-boundary",
        &format!("{AT}: handler 0 start 1 is inside an instruction"),
    );
    main_mut(&mut cf).handlers = vec![Handler { end: 2, ..h }];
    expect(
        &cf,
        "handler-boundary",
        &format!("{AT}: handler 0 end 2 is inside an instruction"),
    );
    main_mut(&mut cf).handlers = vec![Handler { handler: 1, ..h }];
    expect(
        &cf,
        "handler-boundary",
        &format!("{AT}: handler 0 target 1 is inside an instruction"),
    );
}

#[test]
fn handler_target_outside_the_code() {
    expect(
        &with_handler(0, 2, 5, 0),
        "handler-target",
        &format!("{AT}: handler 0 target 5 is outside the code (length 5)"),
    );
}

#[test]
fn handler_depth_without_room_for_the_error() {
    let mut cf = with_handler(0, 2, 4, 1);
    main_mut(&mut cf).max_stack = 1;
    expect(
        &cf,
        "handler-depth",
        &format!("{AT}: handler 0 depth 1 leaves no room for the error (max_stack 1)"),
    );
}

#[test]
fn handler_depth_above_the_stack_in_its_range() {
    // POP at pc 1 leaves 0 values, below depth 1.
    expect(
        &with_handler(0, 2, 4, 1),
        "handler-stack",
        &format!("{AT} at pc 0: stack drops to 0 inside handler 0's range, below its depth 1"),
    );
    // The same range with depth 0 is fine; the handler gets height 1.
    assert_eq!(verify(&with_handler(0, 2, 4, 0)), Ok(()));
}

#[test]
fn handler_entry_height_must_agree_with_other_paths() {
    // Handler 0 enters pc 3 with 1 value; straight-line code reaches it with 1
    // too (NIL). Depth 1 would enter with 2.
    let mut cf = main_only("NIL\nPOP\nNIL\nRETURN");
    main_mut(&mut cf).handlers = vec![Handler {
        start: 0,
        end: 1,
        handler: 3,
        depth: 0,
    }];
    assert_eq!(verify(&cf), Ok(()));
    main_mut(&mut cf).handlers[0].depth = 1;
    main_mut(&mut cf).handlers[0].start = 2;
    main_mut(&mut cf).handlers[0].end = 3;
    expect(
        &cf,
        "stack-merge",
        &format!("{AT} at pc 3: stack height mismatch at merge: 2 on one path, 1 on another"),
    );
}

#[test]
fn too_few_locals() {
    let mut cf = kitchen_sink();
    cf.functions[1].n_locals = 2;
    expect(
        &cf,
        "locals-cover-params",
        "verify error: fn init (test.cairn): n_locals 2 is less than 1 + n_params (2)",
    );
    let mut cf = main_only("NIL\nRETURN");
    main_mut(&mut cf).n_locals = 0;
    expect(
        &cf,
        "locals-cover-params",
        &format!("{AT}: n_locals 0 is less than 1 + n_params (0)"),
    );
}

#[test]
fn rest_without_parameters() {
    let mut cf = kitchen_sink();
    cf.functions[8].n_params = 0;
    expect(
        &cf,
        "rest-has-param",
        "verify error: fn f (test.cairn): has_rest is set but n_params is 0",
    );
}

#[test]
fn more_defaults_than_parameters() {
    let mut cf = kitchen_sink();
    cf.functions[5].n_defaults = 3;
    expect(
        &cf,
        "defaults-fit",
        "verify error: fn counter (test.cairn): 3 defaults do not fit 2 parameters",
    );
    let mut cf = kitchen_sink();
    cf.functions[8].n_defaults = 2;
    expect(
        &cf,
        "defaults-fit",
        "verify error: fn f (test.cairn): 2 defaults do not fit 2 parameters (one of them rest)",
    );
}

#[test]
fn main_function_of_the_wrong_kind_or_missing() {
    let mut cf = main_only("NIL\nRETURN");
    main_mut(&mut cf).kind = FunctionKind::Function;
    let err = expect(
        &cf,
        "main-function",
        "verify error: module (test.cairn): main function 0 has kind Function, not Module",
    );
    assert_eq!(err.location, Location::Module);
    let mut cf = main_only("NIL\nRETURN");
    cf.main = 1;
    expect(
        &cf,
        "func-in-range",
        "verify error: module (test.cairn): function 1 out of range (1 functions)",
    );
}

#[test]
fn module_code_that_is_not_main() {
    let mut cf = kitchen_sink();
    cf.functions
        .push(function(F, FunctionKind::Module, "NIL\nRETURN"));
    expect(
        &cf,
        "module-kind",
        "verify error: fn f (test.cairn): only the main function may have kind Module",
    );
}

#[test]
fn module_code_with_parameters() {
    let mut cf = main_only("NIL\nRETURN");
    main_mut(&mut cf).n_params = 1;
    expect(
        &cf,
        "module-signature",
        &format!("{AT}: module code must take no parameters and capture no upvalues"),
    );
}

#[test]
fn bad_line_tables() {
    let base = main_only("NIL\nPOP\nINT 7\nRETURN");
    let check = |lines: Vec<(u32, u32)>, entry: usize, pc: u32| {
        let mut cf = base.clone();
        main_mut(&mut cf).lines = lines;
        expect(
            &cf,
            "line-table",
            &format!("{AT}: line entry {entry} pc {pc} is not an instruction start after the previous entry's"),
        );
    };
    check(vec![(2, 1), (1, 2)], 1, 1);
    check(vec![(0, 1), (0, 2)], 1, 0);
    check(vec![(3, 1)], 0, 3);
    check(vec![(0, 1), (6, 2)], 1, 6);
}

#[test]
fn bad_local_names() {
    let mut cf = main_only("NIL\nRETURN");
    let name = LocalName {
        slot: 1,
        name: X,
        start: 0,
        end: 2,
    };
    main_mut(&mut cf).local_names = vec![name, LocalName { end: 3, ..name }];
    expect(
        &cf,
        "local-name-range",
        &format!("{AT}: local name 1 range 0..3 is not within the code (length 2)"),
    );
    main_mut(&mut cf).local_names = vec![LocalName { slot: 4, ..name }];
    expect(
        &cf,
        "local-in-range",
        &format!("{AT}: local 4 out of range (4 locals)"),
    );
    main_mut(&mut cf).local_names = vec![LocalName { name: 4, ..name }];
    expect(
        &cf,
        "const-kind",
        &format!("{AT}: constant 4 is an Int, expected a String (a name)"),
    );
}

#[test]
fn method_of_the_wrong_kind() {
    let mut cf = kitchen_sink();
    cf.classes[0].methods[1].func = 5;
    expect(
        &cf,
        "method-kind",
        "verify error: class Point (test.cairn): `area` names function 5 of kind Function, expected Method",
    );
    let mut cf = kitchen_sink();
    cf.classes[0].methods[0].is_static = true;
    expect(
        &cf,
        "method-kind",
        "verify error: class Point (test.cairn): `init` names function 1 of kind Initializer, expected Static",
    );
}

#[test]
fn method_function_without_a_class() {
    let mut cf = kitchen_sink();
    cf.classes[0].field_init = None;
    let code = &mut main_mut(&mut cf).code;
    let class_pc = code.iter().position(|&b| b == Op::Class as u8).unwrap();
    code[class_pc + 3] = 3;
    expect(
        &cf,
        "method-owner",
        "verify error: fn Point.<fields> (test.cairn): a FieldInit function must belong to exactly one class, but 0 list it",
    );
}

#[test]
fn superclass_that_cannot_be_extended() {
    let mut cf = kitchen_sink();
    cf.classes[3].superclass = Superclass::Builtin(6);
    expect(
        &cf,
        "superclass-builtin",
        "verify error: class x (test.cairn): superclass `Int` (builtin 6) is not `Object` or an Error class",
    );
    cf.classes[3].superclass = Superclass::Builtin(999);
    expect(
        &cf,
        "builtin-in-range",
        &format!(
            "verify error: class x (test.cairn): builtin 999 out of range ({} builtins)",
            BUILTINS.len()
        ),
    );
    cf.classes[3].superclass = Superclass::Class(4);
    expect(
        &cf,
        "class-in-range",
        "verify error: class x (test.cairn): class 4 out of range (4 classes)",
    );
}

#[test]
fn superclass_cycle() {
    let mut cf = kitchen_sink();
    cf.classes[0].superclass = Superclass::Class(2);
    expect(
        &cf,
        "superclass-cycle",
        "verify error: class Point (test.cairn): inheritance cycle: Point < Shape < Point",
    );
    let mut cf = kitchen_sink();
    cf.classes[3].superclass = Superclass::Class(3);
    let err = expect(
        &cf,
        "superclass-cycle",
        "verify error: class x (test.cairn): inheritance cycle: x < x",
    );
    assert_eq!(
        err.location,
        Location::Class {
            index: 3,
            name: "x".into()
        }
    );
}

#[test]
fn duplicate_members() {
    let mut cf = kitchen_sink();
    cf.classes[0].fields.push(17); // "x" again, at another constant index
    expect(
        &cf,
        "unique-members",
        "verify error: class Point (test.cairn): duplicate instance member `x`",
    );
    // A field and a method may not share a name.
    let mut cf = kitchen_sink();
    cf.classes[0].fields.push(AREA);
    expect(
        &cf,
        "unique-members",
        "verify error: class Point (test.cairn): duplicate instance member `area`",
    );
    // Static members have their own namespace: `x` is both an instance field
    // and a static field in the kitchen sink; a second static `origin` clashes.
    let mut cf = kitchen_sink();
    cf.classes[0].static_fields.push(ORIGIN);
    expect(
        &cf,
        "unique-members",
        "verify error: class Point (test.cairn): duplicate static member `origin`",
    );
}

#[test]
fn module_tables_name_strings() {
    let mut cf = kitchen_sink();
    cf.globals.push(INT_42);
    expect(
        &cf,
        "const-kind",
        "verify error: module (test.cairn): constant 4 is an Int, expected a String (a name)",
    );
    let mut cf = kitchen_sink();
    cf.source = 99;
    expect(
        &cf,
        "const-in-range",
        "verify error: module (<unknown>): constant index 99 out of range (pool has 18)",
    );
    let mut cf = kitchen_sink();
    cf.imports[0].spec = FLOAT;
    expect(
        &cf,
        "const-kind",
        "verify error: module (test.cairn): constant 5 is a Float, expected a String (a name)",
    );
}

#[test]
fn function_names_are_strings() {
    let mut cf = kitchen_sink();
    cf.functions[2].name = INT_42;
    let err = expect(
        &cf,
        "const-kind",
        "verify error: fn #2 (test.cairn): constant 4 is an Int, expected a String (a name)",
    );
    assert_eq!(
        err.location,
        Location::Function {
            index: 2,
            name: "#2".into()
        }
    );
}

// ---------------------------------------------------------------------------
// Random instruction streams

/// xorshift64*: a fixed-seed generator, so every run is the same.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// A small operand value for `kind`: mostly in range for the random model.
fn random_operand(rng: &mut Rng, kind: OperandKind, len_hint: usize) -> u32 {
    let max = match kind.width() {
        1 => 0xFF,
        2 => 0xFFFF,
        _ => u32::MAX,
    };
    let value = match kind {
        OperandKind::Target if rng.chance(90) => rng.below(len_hint + 2) as u32,
        OperandKind::Const(_) if rng.chance(90) => rng.below(20) as u32,
        _ if rng.chance(80) => rng.below(5) as u32,
        _ => rng.next() as u32,
    };
    value & max
}

/// Any bytes, mostly opcodes followed by plausible operands.
fn random_code(rng: &mut Rng) -> Vec<u8> {
    let n = rng.below(40);
    let len_hint = n * 2;
    let mut code = Vec::new();
    for _ in 0..n {
        if rng.chance(2) {
            code.push(rng.next() as u8);
            continue;
        }
        let op = OPS[rng.below(OPS.len())];
        code.push(op as u8);
        for &kind in op.operands() {
            write_operand(&mut code, kind, random_operand(rng, kind, len_hint));
        }
    }
    if rng.chance(10) && !code.is_empty() {
        code.truncate(rng.below(code.len()));
    }
    code
}

/// Code that keeps the stack height in range and ends with `RETURN`, with
/// forward jumps that usually merge consistently; then sometimes one byte
/// corrupted. Much of it verifies.
fn plausible_code(rng: &mut Rng, max_stack: u32) -> Vec<u8> {
    let mut code = Vec::new();
    let mut height = 0u32;
    for _ in 0..rng.below(30) {
        let op = OPS[rng.below(OPS.len())];
        let flags = op.flags();
        if flags.terminator || flags.branch || op == Op::Class || op == Op::Closure {
            continue;
        }
        let mut operands = Vec::new();
        for &kind in op.operands() {
            let v = match kind {
                OperandKind::Const(_) => u32::from(X),
                OperandKind::Argc | OperandKind::Count => rng.below(3) as u32,
                OperandKind::Builtin => rng.below(BUILTINS.len()) as u32,
                OperandKind::Global | OperandKind::Import => 0,
                _ => rng.below(2) as u32,
            };
            operands.push((kind, v));
        }
        let arg = operands
            .iter()
            .find(|(k, _)| matches!(k, OperandKind::Argc | OperandKind::Count));
        let n = arg.map_or(0, |&(_, v)| v);
        let (pop, push) = match op.effect() {
            Effect::Fixed { pop, push } => (u32::from(pop), u32::from(push)),
            Effect::Call => (n + 1, 1),
            Effect::PopN => (n, 1),
            Effect::PopPairs => (2 * n, 1),
            Effect::Branch { .. } => continue,
        };
        if height < pop || height - pop + push > max_stack {
            continue;
        }
        height = height - pop + push;
        code.push(op as u8);
        for (kind, v) in operands {
            write_operand(&mut code, kind, v);
        }
    }
    if height == 0 {
        code.push(Op::Nil as u8);
    }
    code.push(Op::Return as u8);
    if rng.chance(30) {
        let at = rng.below(code.len());
        code[at] = rng.next() as u8;
    }
    code
}

fn random_function(rng: &mut Rng, f: &mut Function) {
    f.max_stack = rng.below(8) as u16;
    f.n_locals = 1 + u16::from(f.n_params) + rng.below(3) as u16;
    f.code = if rng.chance(50) {
        random_code(rng)
    } else {
        f.max_stack = 4 + rng.below(4) as u16;
        plausible_code(rng, u32::from(f.max_stack))
    };
    let len = f.code.len() as u32 + 2;
    f.handlers = (0..rng.below(3))
        .map(|_| Handler {
            start: rng.below(len as usize) as u32,
            end: rng.below(len as usize) as u32,
            handler: rng.below(len as usize) as u32,
            depth: rng.below(3) as u16,
        })
        .collect();
    f.local_names.clear();
    f.lines = if rng.chance(80) {
        vec![(0, 1)]
    } else {
        vec![(rng.below(len as usize) as u32, 1)]
    };
}

#[test]
fn random_instruction_streams_never_panic() {
    const STREAMS: usize = 50_000;
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let mut seen = BTreeMap::<&'static str, usize>::new();
    let mut passed = 0;
    let mut cf = kitchen_sink();
    for _ in 0..STREAMS {
        // Randomize the top-level code or `counter`, keeping the rest valid.
        let which = if rng.chance(50) { 0 } else { 5 };
        let original = cf.functions[which].clone();
        random_function(&mut rng, &mut cf.functions[which]);
        let result = catch_unwind(AssertUnwindSafe(|| verify(&cf)));
        match result {
            Err(_) => panic!("verify panicked on {:?}", cf.functions[which]),
            Ok(Ok(())) => passed += 1,
            Ok(Err(e)) => *seen.entry(e.rule.name()).or_default() += 1,
        }
        cf.functions[which] = original;
    }
    println!("{STREAMS} streams: {passed} verified; errors {seen:?}");
    assert!(passed > 1000, "too few random streams verify: {passed}");
    for rule in [
        "known-opcode",
        "whole-instruction",
        "const-in-range",
        "const-kind",
        "local-in-range",
        "upval-in-range",
        "target-in-code",
        "target-on-boundary",
        "stack-underflow",
        "max-stack",
        "stack-merge",
        "no-fall-off",
        "handler-range",
        "line-table",
    ] {
        assert!(
            seen.contains_key(rule),
            "no stream reached {rule}: {seen:?}"
        );
    }
}

// ---------------------------------------------------------------------------
// Large inputs: linear time

/// A long function: many loops, many CLOSUREs of a function with many
/// upvalues, and many handlers that all cover the whole code. Quadratic
/// work anywhere would take minutes here.
#[test]
fn large_functions_verify_quickly() {
    const BLOCKS: usize = 50_000;
    let mut src = String::new();
    for i in 0..BLOCKS {
        src.push_str(&format!(
            "b{i}:\nLOAD_LOCAL 1\nJUMP_IF_TRUE b{i}\nCLOSURE 1\nPOP\nINT 7\nPOP\n"
        ));
    }
    src.push_str("end:\nNIL\nRETURN\nhandler:\nRETURN\n");
    let (code, labels) = asm_labels(&src);
    let mut main = function(MODULE, FunctionKind::Module, "NIL");
    main.code = code;
    main.handlers = (0..10_000)
        .map(|_| Handler {
            start: 0,
            end: labels["end"],
            handler: labels["handler"],
            depth: 0,
        })
        .collect();
    main.n_locals = u16::MAX;
    let mut lambda = function(F, FunctionKind::Function, "NIL\nRETURN");
    lambda.upvalues = (0..u16::MAX).map(Upvalue::Local).collect();
    let cf = file(vec![main, lambda]);
    assert_eq!(verify(&cf), Ok(()));
}

#[test]
fn long_class_chains_and_cycles_verify_quickly() {
    const N: u16 = 60_000;
    let mut cf = main_only("NIL\nRETURN");
    cf.classes = (0..N)
        .map(|i| Class {
            superclass: if i + 1 < N {
                Superclass::Class(i + 1)
            } else {
                Superclass::Object
            },
            ..class(SHAPE)
        })
        .collect();
    assert_eq!(verify(&cf), Ok(()));
    cf.classes[usize::from(N) - 1].superclass = Superclass::Class(0);
    let err = verify(&cf).unwrap_err();
    assert_eq!(err.rule.name(), "superclass-cycle");
    match err.rule {
        VerifyRule::SuperclassCycle { path } => assert_eq!(path.len(), usize::from(N) + 1),
        other => panic!("{other:?}"),
    }
}
