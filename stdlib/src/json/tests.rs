//! `json` against Python's `json.dumps` output and RFC 8259 edge cases.

use cairn_vm::interp::Vm;
use cairn_vm::object::Object;
use cairn_vm::runtime::format;
use cairn_vm::value::Value;

use super::{parse, stringify};

fn vm() -> Vm {
    Vm::new()
}

/// `repr` of what `text` parses to.
fn parsed(text: &str) -> String {
    let mut vm = vm();
    let v = parse(&mut vm, text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
    format::repr(&mut vm, v).unwrap()
}

fn error(text: &str) -> String {
    let mut vm = vm();
    parse(&mut vm, text).unwrap_err().to_string()
}

/// Parses `text` and writes it back.
fn round(text: &str, indent: Option<usize>) -> String {
    let mut vm = vm();
    let v = parse(&mut vm, text).unwrap();
    stringify(&vm, v, indent).unwrap()
}

#[test]
fn parses_every_kind_of_value() {
    assert_eq!(parsed("null"), "nil");
    assert_eq!(parsed(" true "), "true");
    assert_eq!(
        parsed("[false, 0, -0, 12, -3.5e2, 1E-2]"),
        "[false, 0, 0, 12, -350.0, 0.01]"
    );
    assert_eq!(parsed("9223372036854775807"), "9223372036854775807");
    assert_eq!(parsed("-9223372036854775808"), "-9223372036854775808");
    assert_eq!(parsed("9223372036854775808"), "9.223372036854776e+18");
    assert_eq!(parsed("1e400"), "inf");
    assert_eq!(
        parsed(r#""a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00""#),
        r#""a\"\\/\u{8}\u{c}\n\r\té😀""#
    );
    assert_eq!(parsed(r#"{"b": {}, "a": [[]]}"#), r#"{"b": {}, "a": [[]]}"#);
    assert_eq!(parsed(r#"{"k": 1, "j": 2, "k": 3}"#), r#"{"k": 3, "j": 2}"#);
}

#[test]
fn reports_line_and_column() {
    assert_eq!(
        error(""),
        "invalid JSON at line 1 column 1: unexpected end of input"
    );
    assert_eq!(
        error("[1,\n  2,,]"),
        "invalid JSON at line 2 column 5: unexpected character ','"
    );
    assert_eq!(
        error("{\"é\" 1}"),
        "invalid JSON at line 1 column 6: expected ':'"
    );
    assert_eq!(
        error("[1] x"),
        "invalid JSON at line 1 column 5: unexpected text after the value"
    );
    assert_eq!(
        error("nul"),
        "invalid JSON at line 1 column 4: unexpected end of input"
    );
    assert_eq!(
        error("nulL"),
        "invalid JSON at line 1 column 1: expected `null`"
    );
    assert!(error(r#""\ud800""#).contains("unpaired surrogate"));
    assert!(error(r#""\udc00\ud800""#).contains("unpaired surrogate"));
    assert!(error(r#""\ud800\u0041""#).contains("unpaired surrogate"));
    assert!(error(r#""\x""#).contains("invalid escape"));
    assert!(error(r#""\u12""#).contains("four hex digits"));
    assert!(error("\"a\nb\"").contains("control character"));
    assert!(error("\"abc").contains("unterminated string"));
    for bad in [
        "01",
        "-",
        "1.",
        ".5",
        "1e",
        "+1",
        "[1,]",
        "{\"a\":1,}",
        "{1:2}",
        "'a'",
        "NaN",
    ] {
        assert!(
            error(bad).starts_with("invalid JSON at line 1 column "),
            "{bad}"
        );
    }
}

#[test]
fn nesting_is_bounded() {
    let deep = "[".repeat(100_000);
    assert!(error(&deep).contains("nesting deeper than 512 levels"));
    let ok = format!("{}{}", "[".repeat(500), "]".repeat(500));
    assert_eq!(round(&ok, None), ok);
}

#[test]
fn writes_what_python_writes() {
    // python3 -c 'import json; print(json.dumps(v, separators=(",", ":"), ensure_ascii=False))'
    let text = r#"{"a":[1,2.5,null,true,false],"s":"é\u0001\u001f\u007f\"\\/","e":{},"l":[]}"#;
    assert_eq!(round(text, None), "{\"a\":[1,2.5,null,true,false],\"s\":\"é\\u0001\\u001f\u{7f}\\\"\\\\/\",\"e\":{},\"l\":[]}");
    // python3 -c 'import json; print(json.dumps(v, indent=2, ensure_ascii=False))'
    assert_eq!(
        round(r#"{"a":[1,{"b":[]}],"c":{}}"#, Some(2)),
        "{\n  \"a\": [\n    1,\n    {\n      \"b\": []\n    }\n  ],\n  \"c\": {}\n}"
    );
    assert_eq!(round("[1,[2]]", Some(0)), "[\n1,\n[\n2\n]\n]");
    assert_eq!(round("[]", Some(4)), "[]");
    assert_eq!(round("\"x\"", Some(4)), "\"x\"");
    assert_eq!(
        round("[1e16, 1.5e-7, 100.0, -0.0]", None),
        "[1e+16,1.5e-07,100.0,-0.0]"
    );
}

#[test]
fn refuses_what_json_cannot_hold() {
    let mut vm = vm();
    let err = |vm: &Vm, v: Value| stringify(vm, v, None).unwrap_err();
    assert_eq!(err(&vm, Value::Float(f64::NAN)).class, "ValueError");
    assert_eq!(
        err(&vm, Value::Float(f64::NEG_INFINITY)).message,
        "-inf is not valid JSON"
    );
    let list = vm.heap.alloc(Object::List(Vec::new()));
    if let Object::List(items) = vm.heap.get_mut(list) {
        items.push(Value::Obj(list));
    }
    let cyclic = err(&vm, Value::Obj(list));
    assert_eq!(
        (cyclic.class, cyclic.message.as_str()),
        ("ValueError", "circular reference")
    );
    let map = parse(&mut vm, "{}").unwrap();
    let Value::Obj(m) = map else { panic!() };
    cairn_vm::runtime::keys::insert(&mut vm, m, Value::Int(1), Value::Nil).unwrap();
    let key = err(&vm, map);
    assert_eq!(
        (key.class, key.message.as_str()),
        ("TypeError", "Map keys must be Strings, not Int")
    );
    assert_eq!(err(&vm, Value::Obj(vm.done)).class, "TypeError");
    // A deep but acyclic value is refused, not a stack overflow.
    let mut v = Value::Nil;
    for _ in 0..100_000 {
        v = Value::Obj(vm.heap.alloc(Object::List(vec![v])));
    }
    assert_eq!(err(&vm, v).class, "ValueError");
}

#[test]
fn quoted_len_is_the_length_quote_writes() {
    for s in [
        "",
        "plain",
        "\"q\" \\",
        "\n\r\t\u{8}\u{c}",
        "\u{1}\u{1f}\u{7f}",
        "é ✓ 𝄞",
    ] {
        let mut out = String::new();
        super::stringify::quote(s, &mut out);
        assert_eq!(super::stringify::quoted_len(s), out.len(), "{s:?}");
    }
}

#[test]
fn text_and_values_past_the_heap_limit_are_refused() {
    let mut vm = Vm::with_heap(cairn_vm::heap::HeapConfig {
        max_heap: Some(8 << 20),
        ..cairn_vm::heap::HeapConfig::default()
    });
    let s = vm.str_value("x".repeat(1 << 20));
    let list = vm.heap.alloc(Object::List(vec![s; 8]));
    let e = stringify(&vm, Value::Obj(list), None).unwrap_err();
    assert_eq!(e.class, "MemoryError");
    assert!(
        e.message.starts_with("heap limit of 8 MiB"),
        "{}",
        e.message
    );
    // What fits is written.
    let list = vm.heap.alloc(Object::List(vec![s; 2]));
    assert_eq!(
        stringify(&vm, Value::Obj(list), None).unwrap().len(),
        2 * (1 << 20) + 7
    );
    // A million Lists from 3 MB of text do not fit.
    let text = format!("[{}[]]", "[],".repeat(1_000_000));
    let e = parse(&mut vm, &text).unwrap_err();
    assert!(e.heap_limit, "{e}");
    assert!(parse(&mut vm, "[[], {\"a\": 1}]").is_ok());
}
