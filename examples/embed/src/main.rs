//! A rules engine: loads user rules written in Cairn, feeds them order
//! records, and reports what each rule says, under a fuel budget per call.
//!
//! Each `*.cairn` file in the rules directory defines `fn check(order)`,
//! returning nil when the order passes and a message when it does not. Rules
//! may `import host` for `host.log(message)` and
//! `host.country_risk(code)`. A rule that throws is reported with its error;
//! a rule that runs away is stopped by its fuel budget. Neither stops the
//! engine: the same runtime goes on with the next rule.
//!
//! Usage: `rules [RULES_DIR]` (default: the `rules` folder beside this
//! crate).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use cairn::vm::interp::Vm;
use cairn::vm::value::Value;
use cairn::{Config, ErrorKind, Function, IntoValue, Runtime, RuntimeExt};

/// Instructions one rule may spend on one record.
const FUEL_PER_CALL: u64 = 50_000;

/// A field of an order record.
#[derive(Clone)]
enum Field {
    Int(i64),
    Text(&'static str),
    Flag(bool),
}

/// Records are maps of mixed fields: a custom conversion, built on the
/// library's own.
impl IntoValue for Field {
    fn into_value(self, vm: &mut Vm) -> Result<Value, cairn::Error> {
        match self {
            Field::Int(i) => i.into_value(vm),
            Field::Text(s) => s.into_value(vm),
            Field::Flag(b) => b.into_value(vm),
        }
    }
}

fn order(
    id: i64,
    amount: i64,
    country: &'static str,
    email: &'static str,
    coupon: Option<&'static str>,
    gift: bool,
) -> HashMap<String, Field> {
    let mut r = HashMap::new();
    r.insert("id".to_string(), Field::Int(id));
    r.insert("amount".to_string(), Field::Int(amount));
    r.insert("country".to_string(), Field::Text(country));
    r.insert("email".to_string(), Field::Text(email));
    r.insert("gift".to_string(), Field::Flag(gift));
    if let Some(c) = coupon {
        r.insert("coupon".to_string(), Field::Text(c));
    }
    r
}

fn orders() -> Vec<HashMap<String, Field>> {
    vec![
        order(1001, 250, "NZ", "kiri@example.nz", Some("SPRING10"), false),
        order(1002, 4200, "XR", "ops@example.com", Some("STAFF-7"), false),
        order(1003, 80, "DE", "not-an-address", None, false),
        order(1004, 15, "FR", "amelie@example.fr", Some("WELCOME"), true),
    ]
}

/// Risk scores the host knows and rules ask for.
fn country_risk(code: &str) -> i64 {
    match code {
        "XR" => 9,
        "DE" | "FR" | "NZ" => 1,
        _ => 5,
    }
}

struct Rule {
    name: String,
    check: Function,
}

/// Loads every rule file, in name order.
fn load_rules(rt: &mut Runtime, dir: &Path) -> Result<Vec<Rule>, String> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "cairn"))
        .collect();
    paths.sort();
    let mut rules = Vec::new();
    for path in paths {
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let source = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        // Loading runs the rule's top level: give it a budget too.
        rt.set_fuel(Some(FUEL_PER_CALL));
        let module = rt
            .load_source(&name, &source)
            .map_err(|e| format!("rule {name}: {e}"))?;
        let check = rt
            .global::<Function>(module, "check")
            .map_err(|e| format!("rule {name}: {}", e.message()))?;
        rules.push(Rule { name, check });
    }
    Ok(rules)
}

/// What a rule made of one record.
enum Verdict {
    Pass,
    Violation(String),
    Failed(String),
    OutOfFuel,
}

fn main() -> ExitCode {
    let dir = std::env::args_os().nth(1).map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("rules"),
        PathBuf::from,
    );

    let mut rt = Runtime::new(Config::default().max_heap(64 << 20).max_call_depth(200));
    let log = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = log.clone();
    rt.define_module("host")
        .function("log", move |message: String| {
            sink.lock().expect("log lock").push(message);
        })
        .function("country_risk", |code: String| country_risk(&code))
        .install();

    let rules = match load_rules(&mut rt, &dir) {
        Ok(r) => r,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let names: Vec<&str> = rules.iter().map(|r| r.name.as_str()).collect();
    println!("loaded {} rules: {}", rules.len(), names.join(", "));
    println!("fuel per rule call: {FUEL_PER_CALL} instructions");

    let mut totals: BTreeMap<&str, usize> = BTreeMap::new();
    for record in orders() {
        let id = match record.get("id") {
            Some(Field::Int(i)) => *i,
            _ => 0,
        };
        println!();
        println!("order {id}");
        for rule in &rules {
            rt.set_fuel(Some(FUEL_PER_CALL));
            let verdict = match rt.call_function::<Option<String>>(&rule.check, (record.clone(),)) {
                Ok(None) => Verdict::Pass,
                Ok(Some(message)) => Verdict::Violation(message),
                Err(e) if e.kind() == ErrorKind::OutOfFuel => Verdict::OutOfFuel,
                Err(e) => Verdict::Failed(format!("{}: {}", e.class(), e.message())),
            };
            let (label, line) = match verdict {
                Verdict::Pass => ("pass", "pass".to_string()),
                Verdict::Violation(m) => ("violation", format!("VIOLATION {m}")),
                Verdict::Failed(m) => ("error", format!("ERROR {m}")),
                Verdict::OutOfFuel => (
                    "stopped",
                    format!("STOPPED out of fuel after {FUEL_PER_CALL} instructions"),
                ),
            };
            *totals.entry(label).or_default() += 1;
            println!("  {:<13} {line}", rule.name);
        }
    }

    println!();
    let logged = log.lock().expect("log lock");
    println!("host log ({}):", plural(logged.len(), "line"));
    for line in logged.iter() {
        println!("  {line}");
    }
    let summary: Vec<String> = totals.iter().map(|(k, n)| plural(*n, k)).collect();
    println!("summary: {}", summary.join(", "));
    ExitCode::SUCCESS
}

/// "1 error", "4 violations".
fn plural(n: usize, word: &str) -> String {
    match (n, word) {
        (1, _) => format!("{n} {word}"),
        (_, "pass") => format!("{n} passes"),
        (_, "stopped") => format!("{n} stopped"),
        _ => format!("{n} {word}s"),
    }
}
