//! The assembler: `.casm` text to a [`ClassFile`] model.
//!
//! It reads the text line by line, in two passes: the first collects the
//! constant pool (so that a string literal can stand for a constant index
//! anywhere), the second everything else, one block (module header, class
//! or function) at a time. It checks only what the text format needs:
//! syntax, values that fit the model's field widths, entries numbered in
//! order, fields given once, labels defined once and used only if defined.
//! It never checks what the reader or the verifier checks, so any model,
//! valid or not, can be written.

use std::collections::HashMap;

use crate::classfile::*;

use super::error::AsmError;
use super::func::FnDraft;
use super::lex::{tokenize, Tok};
use super::line::Line;
use super::text::{kind_from_name, FUNCTION_KINDS};

/// Reads `.casm` text, the format [`disassemble`](super::disassemble)
/// prints (`spec/bytecode.md`, "Textual form"), into a class file. It does
/// not verify the result: invalid bytecode is written as asked.
///
/// ```
/// use cairn_vm::asm::assemble;
/// use cairn_vm::isa::Op;
///
/// let cf = assemble(r#"
///     .const 0 str "demo"
///     .const 1 str "demo.casm"
///     .source 1
///     .function 0 module
///         n_locals 1  max_stack 1
///         line 1
///         CONST "demo"      // a string literal names its constant
///         RETURN
/// "#).unwrap();
/// assert_eq!(cf.functions[0].code, [Op::Const as u8, 0, 0, Op::Return as u8]);
/// assert_eq!(cf.functions[0].lines, [(0, 1)]);
///
/// let err = assemble(".function 0 module\n    LOAD_LOCL 0\n").unwrap_err();
/// assert_eq!(err.to_string(), "line 2: unknown mnemonic `LOAD_LOCL`");
/// ```
///
/// # Errors
/// The first line that cannot be read, with its 1-based number and what is
/// wrong with it.
pub fn assemble(text: &str) -> Result<ClassFile, AsmError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let toks = tokenize(line).map_err(|m| AsmError::new(i + 1, m))?;
        if !toks.is_empty() {
            lines.push((i + 1, toks));
        }
    }
    let mut asm = Assembler::new(constants(&lines)?);
    for (no, toks) in &lines {
        asm.line(&mut Line::new(*no, toks))?;
    }
    asm.finish()
}

/// The first pass: every `.const N KIND VALUE` line, in order.
fn constants(lines: &[(usize, Vec<Tok<'_>>)]) -> Result<Vec<Constant>, AsmError> {
    let mut pool = Vec::new();
    for (no, toks) in lines {
        if toks.first() != Some(&Tok::Word(".const")) {
            continue;
        }
        let mut line = Line::new(*no, toks);
        line.advance();
        line.entry_index(pool.len(), "constant")?;
        let value = match line.word("a constant kind (`int`, `float` or `str`)")? {
            "int" => Constant::Int(line.int(i64::MIN.into(), i64::MAX.into(), "an Int")? as i64),
            "float" => Constant::Float(line.float()?),
            "str" => match line.peek() {
                Some(Tok::Str(s)) => Constant::Str(s.clone()),
                _ => return Err(line.missing("a string literal")),
            },
            other => {
                return Err(line.err(format!(
                    "unknown constant kind `{other}`: expected `int`, `float` or `str`"
                )))
            }
        };
        if let Constant::Str(_) = value {
            line.advance();
        }
        line.end()?;
        pool.push(value);
    }
    Ok(pool)
}

/// Which block the lines being read belong to.
enum Block<'a> {
    Top,
    /// The last class of the table.
    Class,
    Function(Box<FnDraft<'a>>),
}

/// The second pass: everything but the constants.
struct Assembler<'a> {
    cf: ClassFile,
    block: Block<'a>,
    /// Fields that may be given once (module directives, or those of the
    /// current class), with the line that gave them.
    seen: HashMap<&'static str, usize>,
    class_seen: HashMap<&'static str, usize>,
}

impl<'a> Assembler<'a> {
    fn new(constants: Vec<Constant>) -> Self {
        Assembler {
            cf: ClassFile {
                major: MAJOR,
                minor: MINOR,
                name: 0,
                source: 0,
                constants,
                imports: Vec::new(),
                globals: Vec::new(),
                classes: Vec::new(),
                functions: Vec::new(),
                main: 0,
            },
            block: Block::Top,
            seen: HashMap::new(),
            class_seen: HashMap::new(),
        }
    }

    fn finish(mut self) -> Result<ClassFile, AsmError> {
        self.end_block()?;
        Ok(self.cf)
    }

    /// Closes the current class or function.
    fn end_block(&mut self) -> Result<(), AsmError> {
        if let Block::Function(draft) = std::mem::replace(&mut self.block, Block::Top) {
            self.cf.functions.push(draft.finish()?);
        }
        Ok(())
    }

    fn line(&mut self, line: &mut Line<'_, 'a>) -> Result<(), AsmError> {
        if let Some(directive) = line.peek_word().filter(|w| w.starts_with('.')) {
            line.advance();
            self.end_block()?;
            self.directive(directive, line)?;
            return line.end();
        }
        match &mut self.block {
            Block::Top => Err(line.missing("a directive such as `.const` or `.function`")),
            Block::Class => {
                self.class_line(line)?;
                line.end()
            }
            Block::Function(draft) => draft.line(&self.cf.constants, line),
        }
    }

    /// Records that `key` was given on this line; it may be given once.
    fn once(
        seen: &mut HashMap<&'static str, usize>,
        key: &'static str,
        line: &Line<'_, '_>,
    ) -> Result<(), AsmError> {
        match seen.insert(key, line.no) {
            Some(first) => Err(line.err(format!("`{key}` is given twice (first on line {first})"))),
            None => Ok(()),
        }
    }

    fn directive(&mut self, name: &str, line: &mut Line<'_, 'a>) -> Result<(), AsmError> {
        let pool = &self.cf.constants;
        match name {
            ".version" => {
                Self::once(&mut self.seen, ".version", line)?;
                (self.cf.major, self.cf.minor) = version(line)?;
            }
            ".module" => {
                Self::once(&mut self.seen, ".module", line)?;
                self.cf.name = line.const_ref(pool, "`.module`")?;
            }
            ".source" => {
                Self::once(&mut self.seen, ".source", line)?;
                self.cf.source = line.const_ref(pool, "`.source`")?;
            }
            ".main" => {
                Self::once(&mut self.seen, ".main", line)?;
                self.cf.main = line.u16("`.main`")?;
            }
            ".const" => {
                // Read by the first pass; nothing but the pool refers to it.
                while line.left() > 0 {
                    line.advance();
                }
            }
            ".import" => self.import(line)?,
            ".global" => {
                line.entry_index(self.cf.globals.len(), "global")?;
                let name = line.const_ref(pool, "a global name")?;
                self.cf.globals.push(name);
            }
            ".class" => self.class(line)?,
            ".function" => self.function(line)?,
            other => return Err(line.err(format!("unknown directive `{other}`"))),
        }
        Ok(())
    }

    /// `.import N std|path SPEC`.
    fn import(&mut self, line: &mut Line<'_, 'a>) -> Result<(), AsmError> {
        line.entry_index(self.cf.imports.len(), "import")?;
        let kind = match line.word("an import kind (`std` or `path`)")? {
            "std" => ImportKind::Std,
            "path" => ImportKind::Path,
            other => {
                return Err(line.err(format!(
                    "unknown import kind `{other}`: expected `std` or `path`"
                )))
            }
        };
        let spec = line.const_ref(&self.cf.constants, "an import spec")?;
        self.cf.imports.push(Import { kind, spec });
        Ok(())
    }

    /// `.class N`: opens a class block.
    fn class(&mut self, line: &mut Line<'_, 'a>) -> Result<(), AsmError> {
        line.entry_index(self.cf.classes.len(), "class")?;
        self.cf.classes.push(Class {
            name: 0,
            superclass: Superclass::Object,
            fields: Vec::new(),
            static_fields: Vec::new(),
            methods: Vec::new(),
            field_init: None,
        });
        self.class_seen.clear();
        self.block = Block::Class;
        Ok(())
    }

    /// `.function N KIND`: opens a function block.
    fn function(&mut self, line: &mut Line<'_, 'a>) -> Result<(), AsmError> {
        line.entry_index(self.cf.functions.len(), "function")?;
        let word = line.word("a function kind")?;
        let Some(kind) = kind_from_name(word) else {
            let names: Vec<_> = FUNCTION_KINDS
                .iter()
                .map(|(_, n)| format!("`{n}`"))
                .collect();
            return Err(line.err(format!(
                "unknown function kind `{word}`: expected one of {}",
                names.join(", ")
            )));
        };
        self.block = Block::Function(Box::new(FnDraft::new(kind)));
        Ok(())
    }

    /// One line of a class block.
    fn class_line(&mut self, line: &mut Line<'_, 'a>) -> Result<(), AsmError> {
        let first = line.word("a class field")?;
        let pool = &self.cf.constants;
        let Some(class) = self.cf.classes.last_mut() else {
            return Ok(());
        };
        match first {
            "name" => {
                Self::once(&mut self.class_seen, "name", line)?;
                class.name = line.const_ref(pool, "a class name")?;
            }
            "super" => {
                Self::once(&mut self.class_seen, "super", line)?;
                class.superclass = superclass(line)?;
            }
            "field" => class.fields.push(line.const_ref(pool, "a field name")?),
            "static_field" => class
                .static_fields
                .push(line.const_ref(pool, "a field name")?),
            "method" | "static_method" => {
                let name = line.const_ref(pool, "a method selector")?;
                line.keyword("fn")?;
                let func = line.u16("a function index")?;
                let is_static = first == "static_method";
                class.methods.push(Method {
                    name,
                    func,
                    is_static,
                });
            }
            "field_init" => {
                Self::once(&mut self.class_seen, "field_init", line)?;
                line.keyword("fn")?;
                class.field_init = Some(line.u16("a function index")?);
            }
            other if other.starts_with(|c: char| c.is_ascii_uppercase()) => {
                return Err(line.err(format!(
                    "instruction `{other}` in a class: code belongs in a `.function`"
                )))
            }
            other => {
                return Err(line.err(format!(
                    "unknown class field `{other}`: expected `name`, `super`, `field`, \
                     `static_field`, `method`, `static_method` or `field_init`"
                )))
            }
        }
        Ok(())
    }
}

/// `MAJOR.MINOR`, after `.version`.
fn version(line: &mut Line<'_, '_>) -> Result<(u16, u16), AsmError> {
    let word = line.word("a version such as `1.0`")?;
    let parsed = word
        .split_once('.')
        .and_then(|(major, minor)| Some((major.parse().ok()?, minor.parse().ok()?)));
    parsed.ok_or_else(|| {
        line.err(format!(
            "expected a version such as `1.0` after `.version`, found `{word}`"
        ))
    })
}

/// `object`, `builtin B`, `class C` or `dynamic`, after `super`.
fn superclass(line: &mut Line<'_, '_>) -> Result<Superclass, AsmError> {
    Ok(
        match line.word("a superclass (`object`, `builtin`, `class` or `dynamic`)")? {
            "object" => Superclass::Object,
            "builtin" => Superclass::Builtin(line.builtin()?),
            "class" => Superclass::Class(line.u16("a class index")?),
            "dynamic" => Superclass::Dynamic,
            other => {
                return Err(line.err(format!(
                    "unknown superclass `{other}`: expected `object`, `builtin N`, `class N` \
                     or `dynamic`"
                )))
            }
        },
    )
}
