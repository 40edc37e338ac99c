//! Class declarations: `CLASS` with its method closures, then static
//! variables, then the binding.

use cairn_vm::classfile::{self, FunctionKind, Method, Superclass};
use cairn_vm::isa::{Op, BUILTINS};

use super::{Emitter, MAX_COUNT, MAX_TABLE};
use crate::ast::*;

impl<'a> Emitter<'a> {
    pub(super) fn class_decl(&mut self, decl: &'a ClassDecl) {
        // The methods can capture the class's own name (§10.2: a local
        // class is visible in its own body).
        let captured_local = self.cell_first(&decl.binder);
        let name = self.str_const(&decl.binder.ident.name, decl.binder.ident.span);
        let superclass = self.superclass(decl.superclass.as_ref());
        if superclass == Superclass::Dynamic {
            if let Some(sup) = &decl.superclass {
                self.expr(&sup.expr);
            }
        }
        let scope = format!("class `{}`", decl.binder.ident.name);
        // `CLASS` pops every method's closure, the field initializer's and a
        // dynamic superclass with one `count` operand.
        let has_field_init = decl.fields.iter().any(|f| !f.is_static && f.init.is_some());
        let extra = usize::from(has_field_init) + usize::from(superclass == Superclass::Dynamic);
        let max_methods = MAX_COUNT - extra;
        let mut compiled = &decl.methods[..];
        if let Some(m) = decl.methods.get(max_methods) {
            self.limit(
                m.name_span,
                "methods",
                &scope,
                max_methods as u64,
                "methods",
            );
            let note = match (has_field_init, extra) {
                (_, 0) => None,
                (true, 1) => Some("the field initializers take the place of one method"),
                (false, _) => Some("the superclass expression takes the place of one method"),
                (true, _) => Some(
                    "the field initializers and the superclass expression take the \
                     place of two methods",
                ),
            };
            if let (Some(note), Some(d)) = (note, self.diags.last_mut()) {
                d.notes.push(note.to_string());
            }
            // The rest would only add errors about functions and the stack.
            compiled = &decl.methods[..max_methods];
        }
        for is_static in [false, true] {
            let over = decl
                .fields
                .iter()
                .filter(|f| f.is_static == is_static)
                .nth(MAX_TABLE);
            if let Some(f) = over {
                let what = if is_static { "static fields" } else { "fields" };
                self.limit(f.ident.span, what, &scope, MAX_TABLE as u64, what);
            }
        }
        let mut methods = Vec::new();
        for m in compiled {
            let kind = match (&m.name, m.is_static) {
                (_, true) => FunctionKind::Static,
                (MethodName::Named(n), false) if n == "init" => FunctionKind::Initializer,
                _ => FunctionKind::Method,
            };
            let func = self.function(&m.func, kind, m.name_span);
            self.op(Op::Closure, &[u32::from(func)]);
            let selector = self.str_const(&m.name.selector(), m.name_span);
            methods.push(Method {
                name: selector,
                func,
                is_static: m.is_static,
            });
        }
        let field_init = self.field_init(decl);
        let mut fields = Vec::new();
        let mut static_fields = Vec::new();
        for f in &decl.fields {
            let n = self.str_const(&f.ident.name, f.ident.span);
            if f.is_static {
                static_fields.push(n);
            } else {
                fields.push(n);
            }
        }
        let class = classfile::Class {
            name,
            superclass,
            fields,
            static_fields,
            methods,
            field_init,
        };
        let pops = class.pop_count() as u32;
        let index = self.classes.len() as u32;
        if self.classes.len() >= MAX_TABLE {
            self.module_limit(decl.binder.ident.span, "classes");
        }
        self.classes.push(class);
        self.op(Op::Class, &[index, pops]);
        if let Some(slot) = captured_local {
            // Stored before the static initializers, which may name it too.
            self.op(Op::Dup, &[]);
            self.op(Op::StoreCell, &[slot]);
        }
        for f in decl.fields.iter().filter(|f| f.is_static) {
            if let Some(init) = &f.init {
                let n = self.str_const(&f.ident.name, f.ident.span);
                self.op(Op::Dup, &[]);
                self.expr(init);
                self.op(Op::SetField, &[u32::from(n)]);
            }
        }
        match captured_local {
            Some(_) => self.op(Op::Pop, &[]),
            None => self.define(&decl.binder),
        }
    }

    /// Built-in superclasses are named statically; user classes are pushed
    /// at run time.
    fn superclass(&mut self, sup: Option<&ClassRef>) -> Superclass {
        let Some(sup) = sup else {
            return Superclass::Object;
        };
        if let ExprKind::Name {
            name,
            binding: Binding::Prelude,
        } = &sup.expr.kind
        {
            if let Some(i) = BUILTINS.iter().position(|b| b == name) {
                return Superclass::Builtin(i as u16);
            }
        }
        Superclass::Dynamic
    }

    /// The hidden method that evaluates instance-field initializers, and
    /// leaves its closure on the stack; `None` when no field has one.
    fn field_init(&mut self, decl: &'a ClassDecl) -> Option<u16> {
        let inits: Vec<&'a Field> = decl
            .fields
            .iter()
            .filter(|f| !f.is_static && f.init.is_some())
            .collect();
        if inits.is_empty() {
            return None;
        }
        let index = self.reserve_function(decl.binder.ident.span);
        let desc = format!(
            "the field initializers of class `{}`",
            decl.binder.ident.name
        );
        self.begin_function(
            decl.field_init_n_locals,
            &decl.field_init_captures,
            desc,
            decl.binder.ident.span,
        );
        self.line_of(decl.span);
        for f in inits {
            let Some(init) = &f.init else { continue };
            let n = self.str_const(&f.ident.name, f.ident.span);
            self.load_binding(Binding::Local(0));
            self.expr(init);
            self.op(Op::SetField, &[u32::from(n)]);
        }
        self.end_function(
            index,
            &format!("{}.<fields>", decl.binder.ident.name),
            FunctionKind::FieldInit,
            &[],
            decl.field_init_n_locals,
            &decl.field_init_captures,
            decl.binder.ident.span,
        );
        self.op(Op::Closure, &[u32::from(index)]);
        Some(index)
    }
}
