//! The rules engine's report on the bundled rules, line for line: rules
//! pass, flag violations, fail with a KeyError, and run away until their
//! fuel runs out, and the engine goes on through all of it.

use std::process::Command;

#[test]
fn report_matches_expected_output() {
    let rules = concat!(env!("CARGO_MANIFEST_DIR"), "/rules");
    let out = Command::new(env!("CARGO_BIN_EXE_rules"))
        .arg(rules)
        .output()
        .expect("the rules binary runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let expected = include_str!("../expected.txt");
    assert_eq!(String::from_utf8_lossy(&out.stdout), expected);
}

#[test]
fn a_missing_rules_directory_is_an_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_rules"))
        .arg("/nonexistent/rules")
        .output()
        .expect("the rules binary runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("error: cannot read /nonexistent/rules"),
        "{stderr}"
    );
}
