//! Diagnostics: what went wrong, where, and how to fix it; rendered with
//! codespan-reporting as `file:line:column` plus the source with the offending
//! span underlined.

use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::{self, Files, SimpleFiles};
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
            let mut cs = diag.to_codespan(self.text(diag.file));
            let result = match Excerpt::new(self, diag.file, &cs) {
                Some(excerpt) => {
                    for label in &mut cs.labels {
                        label.range = excerpt.map(label.range.start)..excerpt.map(label.range.end);
                    }
                    term::emit_to_write_style(out, &config, &excerpt, &cs)
                }
                None => term::emit_to_write_style(out, &config, &self.files, &cs),
            };
            if result.is_err() {
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

/// Source lines longer than this many bytes are shown only in part.
const MAX_LINE: usize = 240;
/// Bytes shown on each side of a label's start or end on a long line.
const CONTEXT: usize = 60;

/// The lines one diagnostic shows, with every line longer than [`MAX_LINE`]
/// cut down to the text around its labels' ends and `…` for what is left
/// out, so that a label on a line of megabytes prints a few hundred bytes.
/// Line and column numbers stay those of the whole file.
struct Excerpt<'s> {
    name: &'s str,
    /// The whole file.
    text: &'s str,
    /// The file's line index of the excerpt's first line.
    first_line: usize,
    source: String,
    line_starts: Vec<usize>,
    /// Per excerpt line, where that line starts in the file.
    file_line_starts: Vec<usize>,
    /// The parts of the file kept, in order: (excerpt offset, file offset,
    /// length).
    pieces: Vec<(usize, usize, usize)>,
}

impl<'s> Excerpt<'s> {
    /// The excerpt for `diag`, or `None` when its lines are short enough to
    /// show whole.
    fn new(map: &'s SourceMap, file: FileId, diag: &CsDiagnostic<FileId>) -> Option<Excerpt<'s>> {
        let text = map.text(file);
        let ends: Vec<usize> = diag
            .labels
            .iter()
            .flat_map(|l| [l.range.start, l.range.end])
            .collect();
        let lo = ends.iter().copied().min()?;
        let hi = ends.iter().copied().max()?;
        let start = text[..lo].rfind('\n').map_or(0, |i| i + 1);
        let end = text[hi..].find('\n').map_or(text.len(), |i| hi + i);
        if text[start..end]
            .split('\n')
            .all(|line| line.len() <= MAX_LINE)
        {
            return None;
        }
        let mut excerpt = Excerpt {
            name: map.name(file),
            text,
            first_line: map.files.line_index(file, start).ok()?,
            source: String::new(),
            line_starts: Vec::new(),
            file_line_starts: Vec::new(),
            pieces: Vec::new(),
        };
        let mut line_start = start;
        loop {
            let line_end = text[line_start..end]
                .find('\n')
                .map_or(end, |i| line_start + i);
            excerpt.add_line(line_start..line_end, &ends);
            if line_end >= end {
                break;
            }
            excerpt.source.push('\n');
            line_start = line_end + 1;
        }
        Some(excerpt)
    }

    /// Adds one line of the file (without its line feed), cut down if long.
    fn add_line(&mut self, line: Range<usize>, ends: &[usize]) {
        self.line_starts.push(self.source.len());
        self.file_line_starts.push(line.start);
        let mut windows: Vec<(usize, usize)> = Vec::new();
        if line.len() <= MAX_LINE {
            windows.push((line.start, line.end));
        } else {
            let mut points: Vec<usize> = ends
                .iter()
                .copied()
                .filter(|p| line.contains(p) || *p == line.end)
                .collect();
            points.sort_unstable();
            if points.is_empty() {
                // A line inside a label spanning several lines.
                points.push(line.start);
            }
            for p in points {
                let a = self.floor(p.saturating_sub(CONTEXT).max(line.start));
                let b = self.floor((p + CONTEXT).min(line.end));
                match windows.last_mut() {
                    Some(last) if a <= last.1 => last.1 = last.1.max(b),
                    _ => windows.push((a, b)),
                }
            }
        }
        let mut at = line.start;
        for (a, b) in windows {
            if a > at {
                self.source.push('…');
            }
            self.pieces.push((self.source.len(), a, b - a));
            self.source.push_str(&self.text[a..b]);
            at = b;
        }
        if at < line.end {
            self.source.push('…');
        }
    }

    /// `i`, moved back to a character boundary of the file.
    fn floor(&self, mut i: usize) -> usize {
        while !self.text.is_char_boundary(i) {
            i -= 1;
        }
        i
    }

    /// Where offset `at` of the file is in the excerpt.
    fn map(&self, at: usize) -> usize {
        let piece = self
            .pieces
            .iter()
            .find(|&&(_, f, len)| (f..=f + len).contains(&at))
            .or_else(|| self.pieces.iter().rev().find(|&&(_, f, _)| f <= at))
            .or(self.pieces.first());
        match piece {
            Some(&(e, f, len)) => e + at.saturating_sub(f).min(len),
            None => 0,
        }
    }

    /// Where offset `at` of the excerpt is in the file.
    fn unmap(&self, at: usize) -> usize {
        let piece = self
            .pieces
            .iter()
            .rev()
            .find(|&&(e, _, _)| e <= at)
            .or(self.pieces.first());
        match piece {
            Some(&(e, f, len)) => f + at.saturating_sub(e).min(len),
            None => 0,
        }
    }

    fn line_start(&self, line: usize) -> Result<usize, files::Error> {
        match line.cmp(&self.line_starts.len()) {
            std::cmp::Ordering::Less => Ok(self.line_starts[line]),
            std::cmp::Ordering::Equal => Ok(self.source.len()),
            std::cmp::Ordering::Greater => Err(files::Error::LineTooLarge {
                given: line,
                max: self.line_starts.len().saturating_sub(1),
            }),
        }
    }
}

impl<'a> Files<'a> for Excerpt<'_> {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, _: FileId) -> Result<&'a str, files::Error> {
        Ok(self.name)
    }

    fn source(&'a self, _: FileId) -> Result<&'a str, files::Error> {
        Ok(&self.source)
    }

    fn line_index(&'a self, _: FileId, byte_index: usize) -> Result<usize, files::Error> {
        Ok(self
            .line_starts
            .binary_search(&byte_index)
            .unwrap_or_else(|next| next.saturating_sub(1)))
    }

    fn line_number(&'a self, _: FileId, line_index: usize) -> Result<usize, files::Error> {
        Ok(self.first_line + line_index + 1)
    }

    fn column_number(
        &'a self,
        _: FileId,
        line_index: usize,
        byte_index: usize,
    ) -> Result<usize, files::Error> {
        let line_start = self.file_line_starts.get(line_index).copied().unwrap_or(0);
        let at = self.unmap(byte_index);
        Ok(files::column_index(self.text, line_start..self.text.len(), at) + 1)
    }

    fn line_range(&'a self, _: FileId, line_index: usize) -> Result<Range<usize>, files::Error> {
        Ok(self.line_start(line_index)?..self.line_start(line_index + 1)?)
    }
}
