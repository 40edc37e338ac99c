//! Class declarations: member checks (duplicates, a field and a method of one
//! name, fields redeclared from an ancestor), superclass checks, and the
//! compile-time check that `this.name = ...` names a declared field whenever
//! the whole ancestry is known.

use std::collections::HashMap;

use super::scope::{FnKind, FnScope};
use super::Resolver;
use crate::ast::*;
use crate::diag::Diagnostic;
use crate::span::Span;

/// Built-in classes whose instances are plain values: not subclassable.
const VALUE_CLASSES: &[&str] = &[
    "Nil", "Bool", "Int", "Float", "String", "List", "Map", "Range", "Function", "Class", "Fiber",
    "Iterator",
];

/// Whether a prelude name is a built-in error class (all share `Error`'s
/// fields). The VM's builtin table is the one list of them.
fn is_error_class(name: &str) -> bool {
    cairn_vm::isa::BUILTINS
        .iter()
        .position(|b| *b == name)
        .is_some_and(|i| cairn_vm::isa::builtin_is_base_class(i) && name != "Object")
}

/// The fields every `Error` instance has.
const ERROR_FIELDS: &[&str] = &["message", "stack"];

/// What a class's superclass is, as far as the compiler can tell.
#[derive(Clone, Debug)]
pub(super) enum Super {
    /// A built-in class with these fields (`Object` has none).
    Builtin(&'static [&'static str]),
    /// A class declared in this module (index into the resolver's classes).
    Local(usize),
    /// Imported, or computed at run time: its fields are unknown.
    Unknown,
}

#[derive(Clone, Debug)]
pub(super) struct ClassInfo {
    pub name: String,
    /// Instance fields declared by this class itself, with their spans.
    pub fields: Vec<(String, Span)>,
    /// Static variables declared by this class itself.
    pub statics: Vec<String>,
    pub superclass: Super,
}

impl Resolver {
    /// Records every module-level class, so that a superclass named by a
    /// module-level binding can be found whatever its position in the file.
    pub(super) fn collect_classes(&mut self, stmts: &[Stmt]) {
        for stmt in stmts {
            let StmtKind::Class(decl) = &stmt.kind else {
                continue;
            };
            let index = self.classes.len();
            self.classes.push(class_info(decl));
            self.class_by_span.insert(decl.span.start, index);
            if let Storage::Global(g) = decl.binder.storage {
                // A duplicate declaration keeps the first (and is reported).
                self.global_classes.entry(g).or_insert(index);
            }
        }
    }

    /// What the superclass expression of a class refers to, once resolved:
    /// decided by the binding the name resolved to, so that a local variable
    /// or a local class shadowing a module-level or built-in name is followed
    /// correctly.
    fn classify_super(&self, superclass: Option<&ClassRef>) -> Super {
        let Some(sup) = superclass else {
            return Super::Builtin(&[]);
        };
        let ExprKind::Name { name, binding } = &sup.expr.kind else {
            return Super::Unknown; // `mod.Base`: an imported class.
        };
        let known = |index: Option<&usize>| index.map_or(Super::Unknown, |&i| Super::Local(i));
        match binding {
            Binding::Global(g) => known(self.global_classes.get(g)),
            Binding::Local(_) | Binding::Upvalue(_) => {
                // The innermost local of that name is the one it resolved to.
                let id = self
                    .fns
                    .iter()
                    .rev()
                    .find_map(|f| f.lookup(name))
                    .map(|l| l.id);
                known(id.and_then(|id| self.local_classes.get(&id)))
            }
            Binding::Prelude if is_error_class(name) => Super::Builtin(ERROR_FIELDS),
            Binding::Prelude if name == "Object" => Super::Builtin(&[]),
            Binding::Prelude | Binding::Unresolved => Super::Unknown,
        }
    }

    /// Every instance field of class `index` and its ancestors, or `None`
    /// when some ancestor is unknown at compile time.
    /// Each field maps to the class declaring it and, for a user class, the
    /// declaration's span.
    fn all_fields(&self, index: usize) -> Option<HashMap<String, (String, Option<Span>)>> {
        let mut fields = HashMap::new();
        let mut current = Some(index);
        let mut steps = 0;
        while let Some(i) = current {
            steps += 1;
            if steps > self.classes.len() {
                return None; // A cycle; reported at run time.
            }
            let info = &self.classes[i];
            for (f, span) in &info.fields {
                fields
                    .entry(f.clone())
                    .or_insert_with(|| (info.name.clone(), Some(*span)));
            }
            current = match &info.superclass {
                Super::Local(j) => Some(*j),
                Super::Builtin(names) => {
                    for n in names.iter() {
                        fields
                            .entry(n.to_string())
                            .or_insert_with(|| ("Error".to_string(), None));
                    }
                    None
                }
                Super::Unknown => return None,
            };
        }
        Some(fields)
    }

    pub(super) fn class_decl(&mut self, decl: &mut ClassDecl) {
        if let Some(sup) = &mut decl.superclass {
            self.expr(&mut sup.expr);
            self.check_superclass(sup);
        }
        let index = self.class_index(decl);
        self.classes[index].superclass = self.classify_super(decl.superclass.as_ref());
        self.declare(&mut decl.binder);
        if let Storage::Local(_) = decl.binder.storage {
            self.local_classes.insert(decl.binder.id, index);
        }
        self.check_members(decl, index);
        for field in decl.fields.iter_mut().filter(|f| f.is_static) {
            if let Some(init) = &mut field.init {
                self.expr(init);
            }
        }
        self.field_initializers(decl, index);
        for method in &mut decl.methods {
            let kind = match (&method.name, method.is_static) {
                (_, true) => FnKind::StaticMethod,
                (MethodName::Named(n), false) if n == "init" => FnKind::Initializer,
                _ => FnKind::Method,
            };
            self.function(&mut method.func, kind, Some(index));
        }
    }

    /// The class's entry in `classes`: the pre-collected one for a
    /// module-level class, else a new one.
    fn class_index(&mut self, decl: &ClassDecl) -> usize {
        if let Some(&i) = self.class_by_span.get(&decl.span.start) {
            return i;
        }
        self.classes.push(class_info(decl));
        self.classes.len() - 1
    }

    fn check_superclass(&mut self, sup: &ClassRef) {
        let ExprKind::Name { name, binding } = &sup.expr.kind else {
            return;
        };
        if *binding == Binding::Prelude && VALUE_CLASSES.contains(&name.as_str()) {
            self.push(
                Diagnostic::error(
                    self.file,
                    format!("cannot inherit from built-in class `{name}`"),
                    sup.span,
                )
                .with_label("a built-in value class")
                .with_note(
                    "only `Object`, `Error` and classes derived from them can be subclassed",
                ),
            );
        }
    }

    /// Resolves instance-field initializers as the body of one hidden method.
    fn field_initializers(&mut self, decl: &mut ClassDecl, index: usize) {
        self.fns.push(FnScope::new(FnKind::FieldInit, Some(index)));
        for field in decl.fields.iter_mut().filter(|f| !f.is_static) {
            if let Some(init) = &mut field.init {
                self.expr(init);
            }
        }
        let scope = self.fns.pop().expect("field-init scope");
        decl.field_init_captures = scope.captures;
        decl.field_init_n_locals = scope.max_slots;
    }

    fn check_members(&mut self, decl: &ClassDecl, index: usize) {
        let class = decl.binder.ident.name.clone();
        // Instance and static members live in separate namespaces.
        for is_static in [false, true] {
            let mut seen: HashMap<String, (Span, bool)> = HashMap::new();
            for f in decl.fields.iter().filter(|f| f.is_static == is_static) {
                let name = f.ident.name.clone();
                match seen.get(&name) {
                    Some(&(prev, _)) => self.duplicate_member(&class, &name, f.ident.span, prev),
                    None => {
                        seen.insert(name, (f.ident.span, true));
                    }
                }
            }
            for m in decl.methods.iter().filter(|m| m.is_static == is_static) {
                let name = m.name.selector();
                match seen.get(&name) {
                    Some(&(prev, true)) => self.push(
                        Diagnostic::error(
                            self.file,
                            format!("`{name}` is both a field and a method of `{class}`"),
                            m.name_span,
                        )
                        .with_label("method declared here")
                        .with_secondary(prev, "field declared here")
                        .with_help("rename the field or the method"),
                    ),
                    Some(&(prev, false)) => self.duplicate_member(&class, &name, m.name_span, prev),
                    None => {
                        seen.insert(name, (m.name_span, false));
                    }
                }
            }
        }
        self.check_inherited_fields(decl, index);
    }

    fn duplicate_member(&mut self, class: &str, name: &str, span: Span, prev: Span) {
        self.push(
            Diagnostic::error(
                self.file,
                format!("`{name}` is declared twice in class `{class}`"),
                span,
            )
            .with_label("declared again here")
            .with_secondary(prev, "first declared here"),
        );
    }

    /// A field may not redeclare one an ancestor already has.
    fn check_inherited_fields(&mut self, decl: &ClassDecl, index: usize) {
        let inherited = match &self.classes[index].superclass {
            Super::Local(j) => self.all_fields(*j),
            Super::Builtin(names) => Some(
                names
                    .iter()
                    .map(|n| (n.to_string(), ("Error".to_string(), None)))
                    .collect(),
            ),
            Super::Unknown => None,
        };
        let Some(inherited) = inherited else { return };
        for f in decl.fields.iter().filter(|f| !f.is_static) {
            if let Some((owner, prev)) = inherited.get(&f.ident.name) {
                let mut diag = Diagnostic::error(
                    self.file,
                    format!(
                        "field `{}` is already declared by superclass `{owner}`",
                        f.ident.name
                    ),
                    f.ident.span,
                )
                .with_label("redeclared here")
                .with_help(format!(
                    "remove this declaration: `{owner}` already gives every instance this field"
                ));
                if let Some(prev) = prev {
                    diag = diag.with_secondary(*prev, format!("declared in `{owner}` here"));
                }
                self.push(diag);
            }
        }
    }

    /// `this.name = ...` inside class `C`'s methods: `name` must be a field
    /// of `C` or an ancestor, when every ancestor is known.
    pub(super) fn check_this_field(&mut self, name: &Ident) {
        let Some(class) = self.fns.iter().rev().find(|f| f.kind.has_receiver()) else {
            return;
        };
        if class.kind == FnKind::StaticMethod {
            return;
        }
        let Some(index) = class.class else { return };
        let Some(fields) = self.all_fields(index) else {
            return;
        };
        if fields.contains_key(&name.name) {
            return;
        }
        let class_name = self.classes[index].name.clone();
        let mut diag = Diagnostic::error(
            self.file,
            format!("class `{class_name}` has no field `{}`", name.name),
            name.span,
        )
        .with_label("assigned here but never declared");
        let is_static = self.classes[index].statics.contains(&name.name);
        diag = match super::suggest::closest(&name.name, fields.keys().map(String::as_str)) {
            _ if is_static => diag
                .with_label("a static variable, not an instance field")
                .with_help(format!(
                    "assign it through the class: `{class_name}.{} = ...`",
                    name.name
                )),
            Some(best) => diag
                .with_note(format!(
                    "to add a field, declare it in the class body: `var {}`",
                    name.name
                ))
                .with_help(format!("did you mean `this.{best}`?")),
            None => diag.with_help(format!(
                "declare the field in the body of `{class_name}`: `var {}`",
                name.name
            )),
        };
        self.push(diag);
    }
}

fn class_info(decl: &ClassDecl) -> ClassInfo {
    ClassInfo {
        name: decl.binder.ident.name.clone(),
        fields: decl
            .fields
            .iter()
            .filter(|f| !f.is_static)
            .map(|f| (f.ident.name.clone(), f.ident.span))
            .collect(),
        statics: decl
            .fields
            .iter()
            .filter(|f| f.is_static)
            .map(|f| f.ident.name.clone())
            .collect(),
        superclass: Super::Unknown,
    }
}
