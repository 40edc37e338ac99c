//! Every example program passes the front end without a diagnostic.

use std::path::Path;

#[test]
fn every_example_checks_clean() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).expect("examples directory") {
        let path = entry.expect("directory entry").path();
        if path.extension().is_some_and(|e| e == "cairn") {
            let checked = cairn::compiler::check_file(&path).expect("readable example");
            assert!(
                !checked.has_errors(),
                "{}:\n{}",
                path.display(),
                checked.render(false)
            );
            count += 1;
        }
    }
    assert!(
        count >= 8,
        "expected at least eight examples, found {count}"
    );
}
