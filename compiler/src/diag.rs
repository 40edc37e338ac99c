//! Diagnostics: what went wrong, where, and how to fix it; rendered with
//! codespan-reporting as `file:line:column` plus the source with the offending
//! span underlined.

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, termcolor};

use crate::span::{line_col, Span};

/// Index of a file in a [`SourceMap`].
pub type FileId = usize;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem found in the source.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub file: FileId,
    pub message: String,
    pub span: Span,
    /// Text under the primary span.
    pub label: String,
    /// Other places worth pointing at, such as an earlier declaration.
    pub secondary: Vec<(Span, String)>,
    pub notes: Vec<String>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(file: FileId, message: impl Into<String>, span: Span) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            file,
            message: message.into(),
            span,
            label: String::new(),
            secondary: Vec::new(),
            notes: Vec::new(),
            help: None,
        }
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = label.into();
        self
    }

    pub fn with_secondary(mut self, span: Span, label: impl Into<String>) -> Diagnostic {
        self.secondary.push((span, label.into()));
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// The codespan form; `text` is the file's source, to which spans are
    /// clamped so that a bad span cannot make the diagnostic fail to render.
    fn to_codespan(&self, text: &str) -> CsDiagnostic<FileId> {
        let base = match self.severity {
            Severity::Error => CsDiagnostic::error(),
            Severity::Warning => CsDiagnostic::warning(),
        };
        let mut labels =
            vec![Label::primary(self.file, clamp(text, self.span)).with_message(&self.label)];
        labels.extend(
            self.secondary.iter().map(|(span, msg)| {
                Label::secondary(self.file, clamp(text, *span)).with_message(msg)
            }),
        );
        let mut notes = self.notes.clone();
        if let Some(help) = &self.help {
            notes.push(format!("help: {help}"));
        }
        base.with_message(&self.message)
            .with_labels(labels)
            .with_notes(notes)
    }
}

/// The source files of one compilation, by [`FileId`].
#[derive(Default)]
pub struct SourceMap {
    files: SimpleFiles<String, String>,
    count: usize,
}

impl SourceMap {
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    /// Adds a file and returns its id.
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        self.count += 1;
        self.files.add(name.into(), text.into())
    }

    pub fn name(&self, file: FileId) -> &str {
        self.files
            .get(file)
            .map(|f| f.name().as_str())
            .unwrap_or("?")
    }

    pub fn text(&self, file: FileId) -> &str {
        self.files
            .get(file)
            .map(|f| f.source().as_str())
            .unwrap_or("")
    }

    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// 1-based line and column of a diagnostic's primary span.
    pub fn line_col(&self, diag: &Diagnostic) -> (usize, usize) {
        line_col(self.text(diag.file), diag.span.start as usize)
    }

    /// Renders diagnostics, with colour codes when `color` is true.
    pub fn render(&self, diags: &[Diagnostic], color: bool) -> String {
        let mut buf = if color {
            termcolor::Buffer::ansi()
        } else {
            termcolor::Buffer::no_color()
        };
        self.emit(&mut buf, diags);
        String::from_utf8_lossy(buf.as_slice()).into_owned()
    }

    /// Writes diagnostics to a colour-capable stream.
    pub fn emit(&self, out: &mut dyn termcolor::WriteColor, diags: &[Diagnostic]) {
        let config = term::Config::default();
        for diag in diags {
            let cs = diag.to_codespan(self.text(diag.file));
            if term::emit_to_write_style(out, &config, &self.files, &cs).is_err() {
                // Not a known file, or the stream failed: say what we can in
                // plain text. A failed write has nowhere better to be reported.
                let (line, col) = self.line_col(diag);
                let _ = writeln!(
                    out,
                    "error: {}\n  --> {}:{line}:{col}\n",
                    diag.message,
                    self.name(diag.file)
                );
            }
        }
    }
}

/// `span` as a byte range inside `text`, on character boundaries.
fn clamp(text: &str, span: Span) -> std::ops::Range<usize> {
    let floor = |mut i: usize| {
        i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = floor(span.start as usize);
    start..floor(span.end as usize).max(start)
}
