use super::*;

#[test]
fn bytes_and_mnemonics_are_unique_and_decode_back() {
    let mut bytes = std::collections::HashSet::new();
    let mut names = std::collections::HashSet::new();
    for &op in OPS {
        assert!(bytes.insert(op as u8), "byte {:#04x} used twice", op as u8);
        assert!(
            names.insert(op.mnemonic()),
            "mnemonic {} used twice",
            op.mnemonic()
        );
        assert_eq!(Op::from_byte(op as u8), Some(op));
        assert_eq!(Op::from_mnemonic(op.mnemonic()), Some(op));
    }
    let assigned = (0..=255u8).filter(|b| Op::from_byte(*b).is_some()).count();
    assert_eq!(assigned, OPS.len());
}

#[test]
fn branches_have_exactly_one_target() {
    for &op in OPS {
        let targets = op
            .operands()
            .iter()
            .filter(|k| **k == OperandKind::Target)
            .count();
        assert_eq!(op.flags().branch, targets == 1, "{}", op.mnemonic());
        assert!(targets <= 1);
    }
}

#[test]
fn count_effects_have_a_count_operand() {
    for &op in OPS {
        let needs = match op.effect() {
            Effect::PopN | Effect::PopPairs => Some(OperandKind::Count),
            Effect::Call => Some(OperandKind::Argc),
            _ => None,
        };
        if let Some(kind) = needs {
            assert!(op.operands().contains(&kind), "{}", op.mnemonic());
        }
    }
}

#[test]
fn operands_round_trip() {
    let mut code = Vec::new();
    write_operand(&mut code, OperandKind::Argc, 7);
    write_operand(&mut code, OperandKind::Local, 513);
    write_operand(&mut code, OperandKind::Target, 70_000);
    assert_eq!(read_operand(&code, 0, OperandKind::Argc), Some(7));
    assert_eq!(read_operand(&code, 1, OperandKind::Local), Some(513));
    assert_eq!(read_operand(&code, 3, OperandKind::Target), Some(70_000));
    assert_eq!(read_operand(&code, 5, OperandKind::Target), None);
    assert_eq!(Op::Invoke.len(), 4);
}

#[test]
fn errors_are_listed_exactly_for_throwing_instructions() {
    for &op in OPS {
        let lists = op.errors() != "none";
        assert_eq!(op.flags().throws, lists, "{}", op.mnemonic());
        assert!(!op.errors().is_empty(), "{}", op.mnemonic());
    }
}

#[test]
fn base_classes_are_object_and_the_errors() {
    let bases: Vec<&str> = (0..BUILTIN_COUNT + 1)
        .filter(|&i| builtin_is_base_class(i))
        .map(|i| BUILTINS[i])
        .collect();
    assert_eq!(bases.len(), 14);
    assert_eq!(bases[..2], ["Object", "Error"]);
    assert!(bases[2..].iter().all(|b| b.ends_with("Error")));
}

/// The generated tables and the markers around them in `spec/bytecode.md`.
fn spec_tables() -> [(&'static str, String); 2] {
    [
        ("OPCODE", markdown_table()),
        ("BUILTIN", markdown_builtins()),
    ]
}

/// The byte range between the line `<!-- BEGIN {name} TABLE -->` and the
/// line `<!-- END {name} TABLE -->`.
fn section(text: &str, name: &str) -> Option<std::ops::Range<usize>> {
    let begin = format!("<!-- BEGIN {name} TABLE -->\n");
    let end = format!("<!-- END {name} TABLE -->");
    let start = text.find(&begin)? + begin.len();
    let stop = start + text[start..].find(&end)?;
    Some(start..stop)
}

/// `spec/bytecode.md` must show exactly what the table in `isa/table.rs`
/// holds. With `CAIRN_BLESS_SPEC=1` the test rewrites the spec's generated
/// sections instead of comparing them.
#[test]
fn spec_tables_match_the_isa() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/bytecode.md");
    let mut text = std::fs::read_to_string(&path).expect("spec/bytecode.md is readable");
    if std::env::var_os("CAIRN_BLESS_SPEC").is_some() {
        for (name, table) in spec_tables() {
            let range = section(&text, name).expect("the spec has the markers");
            text.replace_range(range, &table);
        }
        std::fs::write(&path, &text).expect("spec/bytecode.md is writable");
    }
    for (name, table) in spec_tables() {
        let range = section(&text, name)
            .unwrap_or_else(|| panic!("spec/bytecode.md lacks the {name} TABLE markers"));
        assert!(
            text[range] == table,
            "the {name} table in spec/bytecode.md is stale; regenerate it with \
             `CAIRN_BLESS_SPEC=1 cargo test -p cairn-vm isa::tests`"
        );
    }
}
