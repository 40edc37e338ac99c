//! The Cairn conformance suite runner.
//!
//! Finds every `.cairn` file under `tests/conformance/` (skipping any directory
//! named `lib`, which holds helper modules imported by the cases), reads the
//! expectations written in its comments, runs `$CAIRN_BIN run FILE` and compares
//! what the program did with what the case expects:
//!
//! - `// expect: LINE` — one per line of standard output, in order;
//! - `// expect error: TEXT` or `// expect error: [line N] TEXT` — a compile
//!   error whose message contains TEXT (reported at line N when given); the
//!   process must exit with status 65 and print nothing on standard output;
//! - `// expect runtime error: Class: message` — an uncaught run-time error:
//!   exit status 70, and standard error's first line is `error: Class: message`;
//!   the `// expect:` lines before it are still checked.
//!
//! A case with neither kind of error expectation must exit with status 0 and
//! write nothing to standard error.
//!
//! Three more comments set up or check the run:
//!
//! - `// expect stderr: LINE` — one per line of standard error, in order;
//!   standard error must then be exactly these lines (for a runtime-error
//!   case, these lines come before the error report);
//! - `// stdin: TEXT` — TEXT and a line feed are fed to standard input, one
//!   comment per line, in order (`\r`, `\t`, `\\` and `\xHH` are decoded, so
//!   a case can feed a carriage return or a byte that is not UTF-8);
//! - `// sandbox: tmp` — the runner makes a fresh empty directory, runs
//!   `run --allow-read=DIR --allow-write=DIR FILE DIR` (so the program finds
//!   it as `os.args()[0]`), and removes it afterwards.
//!
//! `CAIRN_BIN` names the command-line tool to test (any implementation of the
//! spec); by default it is this workspace's own `cairn` binary.
//! `CAIRN_CONFORMANCE_FILTER`, when set, runs only the cases whose path contains
//! it. Each case gets 10 seconds; cases run on two threads. The runner prints
//! every failure with a diff and ends with the line `N passed, N failed`.
//!
//! `tests/conformance/KNOWN_FAILURES` is a ratchet: it lists the cases known
//! to fail (`PATH # reason`, paths relative to `tests/conformance/`). The
//! test fails if a case not on the list fails, and also if a listed case now
//! passes or does not exist, so the list can only shrink. The printed
//! `N passed, N failed` line always counts every case.

use std::fmt::Write as _;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant};

/// Wall-clock limit for one case.
const TIMEOUT: Duration = Duration::from_secs(10);
/// The limit under `CAIRN_GC_STRESS=1`, which collects after every
/// allocating instruction and so runs allocation-heavy cases far slower.
const STRESS_TIMEOUT: Duration = Duration::from_secs(90);

fn timeout() -> Duration {
    if std::env::var_os("CAIRN_GC_STRESS").is_some_and(|v| v == "1") {
        STRESS_TIMEOUT
    } else {
        TIMEOUT
    }
}
/// Number of cases run at the same time.
const THREADS: usize = 2;
/// Exit status of a compile error (sysexits `EX_DATAERR`).
const EXIT_COMPILE_ERROR: i32 = 65;
/// Exit status of an uncaught run-time error (sysexits `EX_SOFTWARE`).
const EXIT_RUNTIME_ERROR: i32 = 70;

/// One `// expect error:` comment.
#[derive(Debug, Clone, PartialEq, Eq)]
struct CompileErrorExpectation {
    line: Option<usize>,
    text: String,
    /// Line of the comment in the case file, for reports.
    source_line: usize,
}

/// Everything a case expects.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Expectation {
    stdout: Vec<String>,
    compile_errors: Vec<CompileErrorExpectation>,
    runtime_error: Option<String>,
    /// `// expect stderr:` lines, if any.
    stderr: Option<Vec<String>>,
    /// Bytes fed to standard input (`// stdin:`).
    stdin: Vec<u8>,
    /// `// sandbox: tmp`: a fresh directory, granted and passed.
    sandbox: bool,
}

impl Expectation {
    fn exit_status(&self) -> i32 {
        if !self.compile_errors.is_empty() {
            EXIT_COMPILE_ERROR
        } else if self.runtime_error.is_some() {
            EXIT_RUNTIME_ERROR
        } else {
            0
        }
    }
}

/// Reads the expectation comments of a case. Errors describe a malformed case.
fn parse_expectations(source: &str) -> Result<Expectation, String> {
    const STDOUT: &str = "// expect:";
    const COMPILE: &str = "// expect error:";
    const RUNTIME: &str = "// expect runtime error:";
    const STDERR: &str = "// expect stderr:";
    const STDIN: &str = "// stdin:";
    const SANDBOX: &str = "// sandbox:";

    let mut exp = Expectation::default();
    for (index, raw) in source.split('\n').enumerate() {
        let line_no = index + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if let Some(at) = line.find(STDIN) {
            let text = strip_one_space(&line[at + STDIN.len()..]).trim_end();
            exp.stdin
                .extend(decode_stdin(text).map_err(|e| format!("line {line_no}: {e}"))?);
            exp.stdin.push(b'\n');
            continue;
        }
        if let Some(at) = line.find(SANDBOX) {
            let kind = line[at + SANDBOX.len()..].trim();
            if kind != "tmp" {
                return Err(format!(
                    "line {line_no}: unknown sandbox `{kind}` (only `tmp`)"
                ));
            }
            exp.sandbox = true;
            continue;
        }
        let Some(at) = line.find("// expect") else {
            continue;
        };
        let marker = &line[at..];
        if let Some(rest) = marker.strip_prefix(STDERR) {
            exp.stderr
                .get_or_insert_with(Vec::new)
                .push(strip_one_space(rest).trim_end().to_string());
        } else if let Some(rest) = marker.strip_prefix(STDOUT) {
            exp.stdout
                .push(strip_one_space(rest).trim_end().to_string());
        } else if let Some(rest) = marker.strip_prefix(COMPILE) {
            let rest = strip_one_space(rest).trim_end();
            let (line, text) =
                split_line_prefix(rest).map_err(|e| format!("line {line_no}: {e}"))?;
            if text.is_empty() {
                return Err(format!("line {line_no}: empty `expect error` text"));
            }
            exp.compile_errors.push(CompileErrorExpectation {
                line,
                text: text.to_string(),
                source_line: line_no,
            });
        } else if let Some(rest) = marker.strip_prefix(RUNTIME) {
            let text = strip_one_space(rest).trim_end();
            if text.is_empty() {
                return Err(format!("line {line_no}: empty `expect runtime error` text"));
            }
            if exp.runtime_error.is_some() {
                return Err(format!(
                    "line {line_no}: more than one `expect runtime error`"
                ));
            }
            exp.runtime_error = Some(text.to_string());
        } else {
            // `// expectation`, `// expected ...`: ordinary comments.
            continue;
        }
    }
    if !exp.compile_errors.is_empty() && (exp.runtime_error.is_some() || !exp.stdout.is_empty()) {
        return Err(
            "a case expecting compile errors cannot also expect output or a runtime error"
                .to_string(),
        );
    }
    Ok(exp)
}

/// The bytes a `// stdin:` text stands for: `\r`, `\t`, `\\` and `\xHH`
/// escapes decoded, everything else as written.
fn decode_stdin(text: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find('\\') {
        out.extend_from_slice(&rest.as_bytes()[..at]);
        let esc = &rest[at + 1..];
        let (byte, used) = match esc.as_bytes().first() {
            Some(b'r') => (b'\r', 1),
            Some(b't') => (b'\t', 1),
            Some(b'\\') => (b'\\', 1),
            Some(b'x') => {
                let hex = esc.get(1..3).ok_or("`\\x` needs two hex digits")?;
                let b = u8::from_str_radix(hex, 16).map_err(|_| "`\\x` needs two hex digits")?;
                (b, 3)
            }
            _ => return Err("unknown escape in `// stdin:` (use \\r \\t \\\\ \\xHH)".into()),
        };
        out.push(byte);
        rest = &esc[used..];
    }
    out.extend_from_slice(rest.as_bytes());
    Ok(out)
}

fn strip_one_space(s: &str) -> &str {
    s.strip_prefix(' ').unwrap_or(s)
}

/// Splits an optional leading `[line N] ` off an `expect error` text.
fn split_line_prefix(text: &str) -> Result<(Option<usize>, &str), String> {
    let Some(rest) = text.strip_prefix("[line ") else {
        return Ok((None, text));
    };
    let Some(close) = rest.find(']') else {
        return Err("unclosed `[line N]`".to_string());
    };
    let number = rest[..close]
        .trim()
        .parse::<usize>()
        .map_err(|_| format!("bad line number in `[line {}]`", &rest[..close]))?;
    Ok((Some(number), rest[close + 1..].trim_start()))
}

/// What running a case produced.
struct RunOutput {
    status: Option<i32>,
    stdout: String,
    stderr: String,
    timed_out: bool,
}

fn cairn_bin() -> PathBuf {
    match std::env::var_os("CAIRN_BIN") {
        Some(bin) if !bin.is_empty() => PathBuf::from(bin),
        _ => PathBuf::from(env!("CARGO_BIN_EXE_cairn")),
    }
}

fn read_all(mut pipe: impl Read + Send + 'static) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = pipe.read_to_end(&mut buf);
        buf
    })
}

fn wait_with_timeout(child: &mut Child) -> (Option<ExitStatus>, bool) {
    let deadline = Instant::now() + timeout();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return (Some(status), false),
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let status = child.wait().ok();
                return (status, true);
            }
            Ok(None) => thread::sleep(Duration::from_millis(5)),
            Err(_) => return (None, false),
        }
    }
}

/// A fresh directory for a `// sandbox: tmp` case, removed on drop.
struct Sandbox(PathBuf);

impl Sandbox {
    fn new() -> Result<Sandbox, String> {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("cairn-conformance-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create the sandbox {}: {e}", dir.display()))?;
        Ok(Sandbox(dir))
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs `CAIRN_BIN run FILE` from `root`, naming the file relative to it,
/// with the case's standard input and sandbox.
fn run_case(
    bin: &Path,
    root: &Path,
    relative: &Path,
    exp: &Expectation,
) -> Result<RunOutput, String> {
    let sandbox = if exp.sandbox {
        Some(Sandbox::new()?)
    } else {
        None
    };
    let mut cmd = Command::new(bin);
    cmd.arg("run");
    if let Some(dir) = &sandbox {
        let dir = dir.0.display();
        cmd.arg(format!("--allow-read={dir}"))
            .arg(format!("--allow-write={dir}"));
    }
    cmd.arg(relative);
    if let Some(dir) = &sandbox {
        cmd.arg(&dir.0);
    }
    let mut child = cmd
        .current_dir(root)
        .env("NO_COLOR", "1")
        .stdin(if exp.stdin.is_empty() {
            Stdio::null()
        } else {
            Stdio::piped()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start `{}`: {e}", bin.display()))?;
    if let Some(mut stdin) = child.stdin.take() {
        let input = exp.stdin.clone();
        // The program may stop reading early; a broken pipe is no failure.
        thread::spawn(move || {
            use std::io::Write as _;
            let _ = stdin.write_all(&input);
        });
    }
    let stdout = read_all(child.stdout.take().expect("piped stdout"));
    let stderr = read_all(child.stderr.take().expect("piped stderr"));
    let (status, timed_out) = wait_with_timeout(&mut child);
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    Ok(RunOutput {
        status: status.and_then(|s| s.code()),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
        timed_out,
    })
}

/// The lines of a program's output: `"a\nb\n"` is `["a", "b"]`, `""` is `[]`.
fn output_lines(text: &str) -> Vec<String> {
    if text.is_empty() {
        return Vec::new();
    }
    let text = text.strip_suffix('\n').unwrap_or(text);
    text.split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l).to_string())
        .collect()
}

/// A compile diagnostic as found in standard error: its header line (the one
/// starting with `error`) and the lines up to the next header.
struct Diagnostic<'a> {
    header: &'a str,
    body: Vec<&'a str>,
}

fn diagnostics(stderr: &str) -> Vec<Diagnostic<'_>> {
    let mut out: Vec<Diagnostic<'_>> = Vec::new();
    for line in stderr.lines() {
        if line.starts_with("error") {
            out.push(Diagnostic {
                header: line,
                body: Vec::new(),
            });
        } else if let Some(last) = out.last_mut() {
            last.body.push(line);
        }
    }
    out
}

/// The line a diagnostic points at: `[line N]` in its header, or else the
/// first `FILE.cairn:LINE` location in it.
fn diagnostic_line(d: &Diagnostic<'_>) -> Option<usize> {
    if let Some(at) = d.header.find("[line ") {
        let digits: String = d.header[at + 6..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        if let Ok(n) = digits.parse() {
            return Some(n);
        }
    }
    for line in std::iter::once(d.header).chain(d.body.iter().copied()) {
        let mut search = line;
        while let Some(at) = search.find(".cairn:") {
            let digits: String = search[at + 7..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            if let Ok(n) = digits.parse() {
                return Some(n);
            }
            search = &search[at + 7..];
        }
    }
    None
}

/// A line diff of `expected` against `actual` (longest common subsequence):
/// `  ` common lines, `- ` expected but missing, `+ ` produced but unexpected.
fn diff(expected: &[String], actual: &[String]) -> String {
    let (n, m) = (expected.len(), actual.len());
    let mut lcs = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if expected[i] == actual[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut out = String::new();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && expected[i] == actual[j] {
            let _ = writeln!(out, "      {}", expected[i]);
            i += 1;
            j += 1;
        } else if j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j]) {
            let _ = writeln!(out, "    + {}", actual[j]);
            j += 1;
        } else {
            let _ = writeln!(out, "    - {}", expected[i]);
            i += 1;
        }
    }
    out
}

fn indent(text: &str, limit: usize) -> String {
    let mut out = String::new();
    let lines: Vec<&str> = text.lines().collect();
    for line in lines.iter().take(limit) {
        let _ = writeln!(out, "    | {line}");
    }
    if lines.len() > limit {
        let _ = writeln!(out, "    | ... ({} more lines)", lines.len() - limit);
    }
    out
}

/// Compares a run with the expectation; returns the failure report, if any.
fn check(exp: &Expectation, run: &RunOutput) -> Option<String> {
    let mut problems = Vec::new();
    if run.timed_out {
        problems.push(format!("timed out after {} s", timeout().as_secs()));
    }
    let want_status = exp.exit_status();
    match run.status {
        _ if run.timed_out => {}
        Some(code) if code == want_status => {}
        Some(code) => problems.push(format!("exit status {code}, expected {want_status}")),
        None => problems.push(format!(
            "terminated without an exit status (signal?), expected {want_status}"
        )),
    }

    let actual_stdout = output_lines(&run.stdout);
    let stdout_differs = actual_stdout != exp.stdout;
    if stdout_differs {
        problems.push("standard output differs".to_string());
    }

    let mut stderr = run.stderr.as_str();
    if let Some(want) = &exp.stderr {
        let all = output_lines(&run.stderr);
        let n = want.len().min(all.len());
        if all[..n] != want[..] {
            problems.push(format!(
                "standard error should start with the {} expected line(s), but is:\n{}",
                want.len(),
                indent(&run.stderr, 10)
            ));
        }
        // What follows the expected lines is checked as usual.
        let skip: usize = run.stderr.split_inclusive('\n').take(n).map(str::len).sum();
        stderr = &run.stderr[skip..];
    }
    if !exp.compile_errors.is_empty() {
        let found = diagnostics(&run.stderr);
        for want in &exp.compile_errors {
            let hit = found.iter().any(|d| {
                d.header.contains(want.text.as_str())
                    && want.line.is_none_or(|n| diagnostic_line(d) == Some(n))
            });
            if !hit {
                let at = want
                    .line
                    .map(|n| format!(" at line {n}"))
                    .unwrap_or_default();
                problems.push(format!(
                    "missing compile error{at} containing `{}` (expected on case line {})",
                    want.text, want.source_line
                ));
            }
        }
    } else if let Some(want) = &exp.runtime_error {
        let first = stderr.lines().next().unwrap_or("");
        let expected = format!("error: {want}");
        if first != expected {
            problems.push(format!(
                "standard error should start with `{expected}`, but its first line is `{first}`"
            ));
        }
    } else if !stderr.is_empty() {
        problems.push("unexpected output on standard error".to_string());
    }

    if problems.is_empty() {
        return None;
    }
    let mut report = String::new();
    for p in &problems {
        let _ = writeln!(report, "  {p}");
    }
    if stdout_differs {
        let _ = writeln!(report, "  stdout (- expected, + actual):");
        report.push_str(&diff(&exp.stdout, &actual_stdout));
    }
    if !run.stderr.is_empty() && (problems.len() > 1 || !problems[0].starts_with("standard output"))
    {
        let _ = writeln!(report, "  stderr:");
        report.push_str(&indent(&run.stderr, 30));
    }
    Some(report)
}

/// Every case file under `dir`, skipping `lib` directories, sorted.
fn find_cases(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => panic!("cannot read {}: {e}", dir.display()),
    };
    for entry in entries {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n == "lib") {
                continue;
            }
            find_cases(&path, out);
        } else if path.extension().is_some_and(|e| e == "cairn") {
            out.push(path);
        }
    }
}

enum Outcome {
    Pass,
    Fail(String),
}

fn run_one(bin: &Path, root: &Path, path: &Path) -> Outcome {
    let relative = path.strip_prefix(root).unwrap_or(path);
    let source = match std::fs::read_to_string(path) {
        Ok(s) => s,
        Err(e) => return Outcome::Fail(format!("  cannot read the case: {e}\n")),
    };
    let exp = match parse_expectations(&source) {
        Ok(exp) => exp,
        Err(e) => return Outcome::Fail(format!("  malformed case: {e}\n")),
    };
    let run = match run_case(bin, root, relative, &exp) {
        Ok(run) => run,
        Err(e) => return Outcome::Fail(format!("  {e}\n")),
    };
    match check(&exp, &run) {
        None => Outcome::Pass,
        Some(report) => Outcome::Fail(report),
    }
}

/// The ratchet file: cases known to fail, one per line, as paths relative
/// to `tests/conformance/`, each followed by `# reason`.
const KNOWN_FAILURES: &str = "KNOWN_FAILURES";

/// One entry of the known-failures list.
#[derive(Debug, Clone, PartialEq, Eq)]
struct KnownFailure {
    /// Path relative to `tests/conformance/`, with `/` separators.
    case: String,
    reason: String,
}

/// Parses the known-failures list: blank lines and lines starting with `#`
/// are comments; every other line is `PATH # REASON`, the reason required.
fn parse_known_failures(text: &str) -> Result<Vec<KnownFailure>, String> {
    let mut out: Vec<KnownFailure> = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (case, reason) = line.split_once('#').unwrap_or((line, ""));
        let (case, reason) = (case.trim(), reason.trim());
        if reason.is_empty() {
            return Err(format!(
                "{KNOWN_FAILURES} line {}: `{case}` needs a reason (`PATH # reason`)",
                index + 1
            ));
        }
        if out.iter().any(|k| k.case == case) {
            return Err(format!(
                "{KNOWN_FAILURES} line {}: `{case}` is listed twice",
                index + 1
            ));
        }
        out.push(KnownFailure {
            case: case.to_string(),
            reason: reason.to_string(),
        });
    }
    Ok(out)
}

/// A case path relative to the suite directory, with `/` separators.
fn case_name(suite: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(suite).unwrap_or(path);
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// What the ratchet found wrong: failures not on the list, listed cases
/// that now pass, and listed cases that do not exist.
#[derive(Debug, Default, PartialEq, Eq)]
struct RatchetReport {
    unexpected_failures: Vec<String>,
    now_passing: Vec<String>,
    missing: Vec<String>,
}

impl RatchetReport {
    fn is_clean(&self) -> bool {
        self.unexpected_failures.is_empty()
            && self.now_passing.is_empty()
            && self.missing.is_empty()
    }
}

/// Compares the cases that ran (`(name, passed)`) with the known-failures
/// list. Listed cases that did not run because of a filter are ignored
/// unless they do not exist at all (`all_cases` holds every case name).
fn ratchet(ran: &[(String, bool)], known: &[KnownFailure], all_cases: &[String]) -> RatchetReport {
    let listed = |name: &str| known.iter().any(|k| k.case == name);
    let mut report = RatchetReport::default();
    for (name, passed) in ran {
        match (passed, listed(name)) {
            (false, false) => report.unexpected_failures.push(name.clone()),
            (true, true) => report.now_passing.push(name.clone()),
            _ => {}
        }
    }
    for k in known {
        if !all_cases.contains(&k.case) {
            report.missing.push(k.case.clone());
        }
    }
    report
}

fn print_ratchet(report: &RatchetReport) {
    if !report.unexpected_failures.is_empty() {
        println!(
            "\n{} case(s) failed that are not in tests/conformance/{KNOWN_FAILURES}:",
            report.unexpected_failures.len()
        );
        for name in &report.unexpected_failures {
            println!("  {name}");
        }
    }
    if !report.now_passing.is_empty() {
        println!(
            "\n{} case(s) in tests/conformance/{KNOWN_FAILURES} now pass; remove them from the list:",
            report.now_passing.len()
        );
        for name in &report.now_passing {
            println!("  {name}");
        }
    }
    if !report.missing.is_empty() {
        println!(
            "\n{} case(s) in tests/conformance/{KNOWN_FAILURES} do not exist; remove them from the list:",
            report.missing.len()
        );
        for name in &report.missing {
            println!("  {name}");
        }
    }
}

fn run_all(bin: &Path, root: &Path, cases: &[PathBuf]) -> Vec<Outcome> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Outcome>>> = Mutex::new((0..cases.len()).map(|_| None).collect());
    thread::scope(|scope| {
        for _ in 0..THREADS {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= cases.len() {
                    break;
                }
                let outcome = run_one(bin, root, &cases[i]);
                results.lock().expect("results lock")[i] = Some(outcome);
            });
        }
    });
    results
        .into_inner()
        .expect("results lock")
        .into_iter()
        .map(|o| o.expect("every case ran"))
        .collect()
}

#[test]
fn conformance() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let suite = root.join("tests").join("conformance");
    let mut cases = Vec::new();
    find_cases(&suite, &mut cases);
    cases.sort();
    let all_cases: Vec<String> = cases.iter().map(|p| case_name(&suite, p)).collect();
    if let Ok(filter) = std::env::var("CAIRN_CONFORMANCE_FILTER") {
        cases.retain(|p| p.to_string_lossy().contains(filter.as_str()));
    }
    assert!(
        !cases.is_empty(),
        "no conformance cases found under {}",
        suite.display()
    );
    let known_text = std::fs::read_to_string(suite.join(KNOWN_FAILURES)).unwrap_or_default();
    let known = parse_known_failures(&known_text).unwrap_or_else(|e| panic!("{e}"));

    let results = run_all(&cairn_bin(), &root, &cases);
    let (mut passed, mut failed) = (0usize, 0usize);
    let mut ran = Vec::with_capacity(cases.len());
    for (path, outcome) in cases.iter().zip(results) {
        let name = case_name(&suite, path);
        match outcome {
            Outcome::Pass => {
                passed += 1;
                ran.push((name, true));
            }
            Outcome::Fail(report) => {
                failed += 1;
                let shown = path.strip_prefix(&root).unwrap_or(path);
                let known = known.iter().find(|k| k.case == name);
                let note = known.map_or(String::new(), |k| format!(" (known: {})", k.reason));
                println!("FAIL {}{note}\n{report}", shown.display());
                ran.push((name, false));
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    let report = ratchet(&ran, &known, &all_cases);
    print_ratchet(&report);
    assert!(
        report.is_clean(),
        "conformance ratchet: {} unexpected failure(s), {} known failure(s) now passing, {} unknown case(s) listed",
        report.unexpected_failures.len(),
        report.now_passing.len(),
        report.missing.len()
    );
}

#[cfg(test)]
mod runner_self_tests {
    use super::*;

    #[test]
    fn parses_all_expectation_forms() {
        let src = "print(1) // expect: 1\nprint(\"\") // expect:\n// expect:  two spaces\n\
                   x // expect error: [line 4] cannot assign to `x`\n";
        let err = parse_expectations(src).unwrap_err();
        assert!(err.contains("cannot also expect output"), "{err}");

        let exp = parse_expectations("print(1) // expect: 1\nprint(\"\") // expect:\n").unwrap();
        assert_eq!(exp.stdout, vec!["1".to_string(), String::new()]);
        assert_eq!(exp.exit_status(), 0);

        let exp =
            parse_expectations("x = 1 // expect error: [line 1] cannot assign to `x`\n").unwrap();
        assert_eq!(exp.compile_errors[0].line, Some(1));
        assert_eq!(exp.compile_errors[0].text, "cannot assign to `x`");
        assert_eq!(exp.exit_status(), EXIT_COMPILE_ERROR);

        let exp =
            parse_expectations("print(1) // expect: 1\n// expect runtime error: ValueError\n")
                .unwrap();
        assert_eq!(exp.runtime_error.as_deref(), Some("ValueError"));
        assert_eq!(exp.exit_status(), EXIT_RUNTIME_ERROR);
    }

    #[test]
    fn parses_setup_directives() {
        let src = "// sandbox: tmp\n// stdin: a\\r\\x41\\\\\n// stdin:\n\
                   io.eprint(1) // expect stderr: 1\n";
        let exp = parse_expectations(src).unwrap();
        assert!(exp.sandbox);
        assert_eq!(exp.stdin, b"a\rA\\\n\n".to_vec());
        assert_eq!(exp.stderr, Some(vec!["1".to_string()]));
        assert!(parse_expectations("// sandbox: home\n").is_err());
        assert!(parse_expectations("// stdin: \\q\n").is_err());
        assert!(parse_expectations("// stdin: \\x4\n").is_err());
    }

    #[test]
    fn finds_diagnostic_lines() {
        let stderr = "error: cannot assign to `x`\n  ┌─ a.cairn:2:1\n  │\n\
                      error: undefined name `y`\n  ┌─ a.cairn:7:3\n";
        let ds = diagnostics(stderr);
        assert_eq!(ds.len(), 2);
        assert_eq!(diagnostic_line(&ds[0]), Some(2));
        assert_eq!(diagnostic_line(&ds[1]), Some(7));
        let ds = diagnostics("error: [line 3] oops\n");
        assert_eq!(diagnostic_line(&ds[0]), Some(3));
    }

    #[test]
    fn diffs_lines() {
        let e: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        let a: Vec<String> = ["a", "x", "c"].iter().map(|s| s.to_string()).collect();
        let d = diff(&e, &a);
        assert!(d.contains("- b") && d.contains("+ x"), "{d}");
        assert_eq!(output_lines("a\n\nb\n"), vec!["a", "", "b"]);
        assert!(output_lines("").is_empty());
    }

    #[test]
    fn parses_known_failures() {
        let text = "# comment\n\nstdlib/io.cairn  # needs the standard modules of issue 6\n";
        let known = parse_known_failures(text).unwrap();
        assert_eq!(
            known,
            vec![KnownFailure {
                case: "stdlib/io.cairn".to_string(),
                reason: "needs the standard modules of issue 6".to_string(),
            }]
        );
        let err = parse_known_failures("stdlib/io.cairn\n").unwrap_err();
        assert!(err.contains("needs a reason"), "{err}");
        let err = parse_known_failures("a.cairn # x\na.cairn # y\n").unwrap_err();
        assert!(err.contains("listed twice"), "{err}");
    }

    #[test]
    fn ratchet_only_shrinks() {
        let known = parse_known_failures("a.cairn # r\nb.cairn # r\ngone.cairn # r\n").unwrap();
        let all: Vec<String> = ["a.cairn", "b.cairn", "c.cairn", "d.cairn"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let ran = vec![
            ("a.cairn".to_string(), false),
            ("b.cairn".to_string(), true),
            ("c.cairn".to_string(), false),
            ("d.cairn".to_string(), true),
        ];
        let report = ratchet(&ran, &known, &all);
        assert_eq!(report.unexpected_failures, vec!["c.cairn".to_string()]);
        assert_eq!(report.now_passing, vec!["b.cairn".to_string()]);
        assert_eq!(report.missing, vec!["gone.cairn".to_string()]);
        assert!(!report.is_clean());
        let clean = ratchet(&ran[..1], &known[..1], &all);
        assert!(clean.is_clean());
    }
}
