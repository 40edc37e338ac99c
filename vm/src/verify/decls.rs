//! Declarations: the module's tables, its classes, and each function's
//! header.
//!
//! Rules: `main-function`, `module-kind`, `module-signature`,
//! `locals-cover-params`, `rest-has-param`, `defaults-fit`, `method-kind`,
//! `method-owner`, `superclass-builtin`, `superclass-cycle` and
//! `unique-members`, plus the index rules for every constant, function,
//! class and builtin index these tables hold. Each table is read once; the
//! cycle check visits each class once (the superclass links form a graph of
//! out-degree one), and duplicate names are found with a hash set per class.

use std::collections::HashSet;

use crate::classfile::{Class, ClassFile, Function, FunctionKind, Superclass};
use crate::isa::{builtin_is_base_class, BUILTINS, BUILTIN_COUNT};

use super::refs::{name, Facts};
use super::{Fault, VerifyRule};

/// The module's own tables: names, imports, globals and `main`.
pub(super) fn module(cf: &ClassFile) -> Result<(), Fault> {
    name(cf, cf.name)?;
    name(cf, cf.source)?;
    for import in &cf.imports {
        name(cf, import.spec)?;
    }
    for &global in &cf.globals {
        name(cf, global)?;
    }
    let main = function(cf, cf.main)?;
    if main.kind != FunctionKind::Module {
        return Err(VerifyRule::MainFunction {
            func: cf.main,
            kind: main.kind,
        }
        .into());
    }
    Ok(())
}

/// Rule `func-in-range` for a function index held by a table.
fn function(cf: &ClassFile, index: u16) -> Result<&Function, VerifyRule> {
    cf.functions
        .get(usize::from(index))
        .ok_or(VerifyRule::FuncInRange {
            index,
            count: cf.functions.len(),
        })
}

/// One class: its names, its superclass, its methods' functions, and no
/// duplicate member.
pub(super) fn class(cf: &ClassFile, class: &Class) -> Result<(), Fault> {
    name(cf, class.name)?;
    superclass(cf, class.superclass)?;
    for &field in class.fields.iter().chain(&class.static_fields) {
        name(cf, field)?;
    }
    for method in &class.methods {
        name(cf, method.name)?;
        let selector = cf.str_const(method.name).unwrap_or_default();
        let expected = match (method.is_static, selector) {
            (true, _) => FunctionKind::Static,
            (false, "init") => FunctionKind::Initializer,
            (false, _) => FunctionKind::Method,
        };
        method_kind(cf, selector, method.func, expected)?;
    }
    if let Some(func) = class.field_init {
        method_kind(cf, "field_init", func, FunctionKind::FieldInit)?;
    }
    Ok(unique_members(cf, class)?)
}

fn superclass(cf: &ClassFile, superclass: Superclass) -> Result<(), VerifyRule> {
    match superclass {
        Superclass::Object | Superclass::Dynamic => Ok(()),
        Superclass::Class(index) if usize::from(index) >= cf.classes.len() => {
            Err(VerifyRule::ClassInRange {
                index,
                count: cf.classes.len(),
            })
        }
        Superclass::Class(_) => Ok(()),
        Superclass::Builtin(index) => match BUILTINS.get(usize::from(index)) {
            None => Err(VerifyRule::BuiltinInRange {
                index,
                count: BUILTIN_COUNT,
            }),
            Some(_) if builtin_is_base_class(usize::from(index)) => Ok(()),
            Some(name) => Err(VerifyRule::SuperclassBuiltin { index, name }),
        },
    }
}

/// Rules `func-in-range` and `method-kind` for a class's method `member`.
fn method_kind(
    cf: &ClassFile,
    member: &str,
    func: u16,
    expected: FunctionKind,
) -> Result<(), VerifyRule> {
    let found = function(cf, func)?.kind;
    if found != expected {
        return Err(VerifyRule::MethodKind {
            member: member.to_owned(),
            func,
            expected,
            found,
        });
    }
    Ok(())
}

/// Rule `unique-members`: instance fields and instance methods share one
/// namespace, static fields and static methods another. Names compare by
/// text, so two equal String constants at different indexes still clash.
fn unique_members(cf: &ClassFile, class: &Class) -> Result<(), VerifyRule> {
    let mut instance = HashSet::new();
    let mut statics = HashSet::new();
    let fields = class.fields.iter().map(|&n| (n, false));
    let static_fields = class.static_fields.iter().map(|&n| (n, true));
    let methods = class.methods.iter().map(|m| (m.name, m.is_static));
    for (index, is_static) in fields.chain(static_fields).chain(methods) {
        let name = cf.str_const(index).unwrap_or_default();
        let set = if is_static {
            &mut statics
        } else {
            &mut instance
        };
        if !set.insert(name) {
            return Err(VerifyRule::UniqueMembers {
                name: name.to_owned(),
                is_static,
            });
        }
    }
    Ok(())
}

/// Rule `superclass-cycle`, over all classes; on failure, the index of a
/// class on the cycle.
pub(super) fn cycles(cf: &ClassFile) -> Result<(), (usize, Fault)> {
    const NEW: u8 = 0;
    const ON_PATH: u8 = 1;
    const DONE: u8 = 2;
    let mut state = vec![NEW; cf.classes.len()];
    let mut path = Vec::new();
    for start in 0..cf.classes.len() {
        path.clear();
        let mut at = Some(start);
        while let Some(c) = at {
            match state.get(c).copied() {
                Some(NEW) => {
                    state[c] = ON_PATH;
                    path.push(c);
                    at = parent(cf, c);
                }
                Some(ON_PATH) => return Err((c, cycle(cf, &path, c))),
                _ => at = None,
            }
        }
        for &c in &path {
            state[c] = DONE;
        }
    }
    Ok(())
}

/// The superclass link of class `c` when it names a class of this file.
fn parent(cf: &ClassFile, c: usize) -> Option<usize> {
    match cf.classes.get(c)?.superclass {
        Superclass::Class(index) => Some(usize::from(index)),
        _ => None,
    }
}

/// The cycle that starts at `c` on `path`, as class names: `A < B < A`.
fn cycle(cf: &ClassFile, path: &[usize], c: usize) -> Fault {
    let from = path.iter().position(|&p| p == c).unwrap_or(0);
    let name = |i: usize| {
        let class = cf.classes.get(i).and_then(|k| cf.str_const(k.name));
        class.map_or_else(|| format!("#{i}"), str::to_owned)
    };
    let mut names: Vec<String> = path[from..].iter().map(|&i| name(i)).collect();
    names.push(name(c));
    VerifyRule::SuperclassCycle { path: names }.into()
}

/// Rule `method-owner`: every function of a method kind is listed by exactly
/// one class. On failure, the function's index.
pub(super) fn owners(cf: &ClassFile) -> Result<(), (usize, Fault)> {
    let mut owners = vec![0usize; cf.functions.len()];
    for class in &cf.classes {
        let funcs = class.methods.iter().map(|m| m.func).chain(class.field_init);
        for func in funcs {
            if let Some(count) = owners.get_mut(usize::from(func)) {
                *count += 1;
            }
        }
    }
    for (index, (func, &count)) in cf.functions.iter().zip(&owners).enumerate() {
        let is_method = !matches!(func.kind, FunctionKind::Module | FunctionKind::Function);
        if is_method && count != 1 {
            let rule = VerifyRule::MethodOwner {
                kind: func.kind,
                owners: count,
            };
            return Err((index, rule.into()));
        }
    }
    Ok(())
}

/// One function's header: its name, its parameter counts and its kind.
pub(super) fn header(
    cf: &ClassFile,
    facts: &Facts,
    index: usize,
    func: &Function,
) -> Result<(), Fault> {
    facts.name(cf, func.name)?;
    if u32::from(func.n_locals) < 1 + u32::from(func.n_params) {
        return Err(VerifyRule::LocalsCoverParams {
            n_locals: func.n_locals,
            n_params: func.n_params,
        }
        .into());
    }
    if func.has_rest && func.n_params == 0 {
        return Err(VerifyRule::RestHasParam.into());
    }
    if u16::from(func.n_defaults) + u16::from(func.has_rest) > u16::from(func.n_params) {
        return Err(VerifyRule::DefaultsFit {
            n_defaults: func.n_defaults,
            n_params: func.n_params,
            has_rest: func.has_rest,
        }
        .into());
    }
    let is_main = index == usize::from(cf.main);
    if func.kind == FunctionKind::Module && !is_main {
        return Err(VerifyRule::ModuleKind.into());
    }
    if is_main && (func.n_params != 0 || !func.upvalues.is_empty()) {
        return Err(VerifyRule::ModuleSignature.into());
    }
    Ok(())
}
