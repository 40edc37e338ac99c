//! Line editing for the interactive REPL: completion of keywords, names,
//! members and commands; highlighting of keywords, strings, numbers and
//! comments as they are typed; and where the history file lives.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::PathBuf;

use rustyline::completion::{Completer, Pair};
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::Hinter;
use rustyline::validate::Validator;
use rustyline::{Context, Helper};

use super::commands::COMMANDS;

/// Cairn's reserved words.
pub const KEYWORDS: &[&str] = &[
    "and", "as", "break", "catch", "class", "continue", "else", "false", "finally", "fn", "for",
    "if", "import", "in", "is", "let", "nil", "not", "or", "return", "static", "super", "this",
    "throw", "true", "try", "var", "while",
];

/// What the editor knows of the session, refreshed before each prompt.
#[derive(Default)]
pub struct ReplHelper {
    /// Names in scope: the session's and the prelude's.
    pub names: Vec<String>,
    /// For each name whose value is known, what may follow `name.`.
    pub members: HashMap<String, Vec<String>>,
    /// Whether to colour the line.
    pub color: bool,
}

impl Helper for ReplHelper {}

impl Hinter for ReplHelper {
    type Hint = String;
}

impl Validator for ReplHelper {}

impl Completer for ReplHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        Ok(self.candidates(&line[..pos]))
    }
}

impl ReplHelper {
    /// Where the word before the cursor starts, and what may replace it.
    pub fn candidates(&self, before: &str) -> (usize, Vec<Pair>) {
        let start = word_start(before);
        let word = &before[start..];
        let options: Vec<&str> = if before.starts_with(':') && !before.contains(' ') {
            return (0, pairs(COMMANDS.iter().map(|c| c.0), before));
        } else if let Some(object) = before[..start].strip_suffix('.') {
            let owner = &object[word_start(object)..];
            match self.members.get(owner) {
                Some(m) => m.iter().map(String::as_str).collect(),
                None => Vec::new(),
            }
        } else {
            KEYWORDS
                .iter()
                .copied()
                .chain(self.names.iter().map(String::as_str))
                .collect()
        };
        (start, pairs(options.into_iter(), word))
    }
}

/// Where the identifier that ends `text` starts.
fn word_start(text: &str) -> usize {
    text.rfind(|c: char| !is_ident_char(c)).map_or(0, |i| {
        i + text[i..].chars().next().map_or(1, char::len_utf8)
    })
}

fn pairs<'a>(options: impl Iterator<Item = &'a str>, prefix: &str) -> Vec<Pair> {
    let mut found: Vec<&str> = options.filter(|o| o.starts_with(prefix)).collect();
    found.sort_unstable();
    found.dedup();
    found
        .into_iter()
        .map(|o| Pair {
            display: o.to_string(),
            replacement: o.to_string(),
        })
        .collect()
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

impl Highlighter for ReplHelper {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        if self.color && !line.starts_with(':') {
            Cow::Owned(highlight(line))
        } else {
            Cow::Borrowed(line)
        }
    }

    fn highlight_char(&self, _line: &str, _pos: usize, _kind: CmdKind) -> bool {
        self.color
    }
}

const KEYWORD: &str = "\x1b[1;35m";
const STRING: &str = "\x1b[32m";
const NUMBER: &str = "\x1b[36m";
const COMMENT: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

/// `line` with ANSI colours around keywords, strings, numbers and comments.
/// A string left open runs to the end of the line.
pub fn highlight(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 32);
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '"' {
            let mut end = line.len();
            let mut escaped = false;
            for (j, d) in chars.by_ref() {
                if escaped {
                    escaped = false;
                } else if d == '\\' {
                    escaped = true;
                } else if d == '"' {
                    end = j + 1;
                    break;
                }
            }
            paint(&mut out, STRING, &line[i..end]);
        } else if line[i..].starts_with("//") {
            paint(&mut out, COMMENT, &line[i..]);
            break;
        } else if c.is_ascii_digit() {
            let mut end = line.len();
            while let Some(&(j, d)) = chars.peek() {
                let exponent_sign = (d == '+' || d == '-') && line[..j].ends_with(['e', 'E']);
                if d.is_ascii_alphanumeric()
                    || d == '_'
                    || exponent_sign
                    || (d == '.' && is_digit_after(line, j))
                {
                    chars.next();
                } else {
                    end = j;
                    break;
                }
            }
            paint(&mut out, NUMBER, &line[i..end]);
        } else if c.is_alphabetic() || c == '_' {
            let mut end = line.len();
            while let Some(&(j, d)) = chars.peek() {
                if is_ident_char(d) {
                    chars.next();
                } else {
                    end = j;
                    break;
                }
            }
            let word = &line[i..end];
            if KEYWORDS.contains(&word) {
                paint(&mut out, KEYWORD, word);
            } else {
                out.push_str(word);
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn is_digit_after(line: &str, dot: usize) -> bool {
    line[dot + 1..].starts_with(|c: char| c.is_ascii_digit())
}

fn paint(out: &mut String, colour: &str, text: &str) {
    out.push_str(colour);
    out.push_str(text);
    out.push_str(RESET);
}

/// Where history is kept: `$XDG_DATA_HOME/cairn/history`, else
/// `$HOME/.local/share/cairn/history`; `None` without either variable.
pub fn history_path() -> Option<PathBuf> {
    let set = |name| std::env::var_os(name).filter(|v| !v.is_empty());
    let data = set("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| set("HOME").map(|h| PathBuf::from(h).join(".local").join("share")))?;
    Some(data.join("cairn").join("history"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn replacements(helper: &ReplHelper, before: &str) -> (usize, Vec<String>) {
        let (start, pairs) = helper.candidates(before);
        (start, pairs.into_iter().map(|p| p.replacement).collect())
    }

    #[test]
    fn completes_keywords_and_names() {
        let helper = ReplHelper {
            names: vec!["whale".into(), "print".into()],
            ..ReplHelper::default()
        };
        assert_eq!(
            replacements(&helper, "wh"),
            (0, vec!["whale".into(), "while".into()])
        );
        assert_eq!(
            replacements(&helper, "let x = pr"),
            (8, vec!["print".into()])
        );
    }

    #[test]
    fn completes_members_after_a_dot() {
        let mut helper = ReplHelper::default();
        helper.members.insert(
            "math".into(),
            vec!["sqrt".into(), "sin".into(), "pi".into()],
        );
        assert_eq!(
            replacements(&helper, "print(math.s"),
            (11, vec!["sin".into(), "sqrt".into()])
        );
        assert_eq!(replacements(&helper, "other.s"), (6, vec![]));
    }

    #[test]
    fn completes_commands() {
        let helper = ReplHelper::default();
        assert_eq!(
            replacements(&helper, ":t"),
            (0, vec![":time".into(), ":type".into()])
        );
    }

    #[test]
    fn highlights_keywords_strings_numbers_and_comments() {
        let text = highlight("let s = \"if\" + 1.5e-3 // while");
        assert_eq!(
            text,
            format!(
                "{KEYWORD}let{RESET} s = {STRING}\"if\"{RESET} + {NUMBER}1.5e-3{RESET} {COMMENT}// while{RESET}"
            )
        );
        assert_eq!(highlight("x1..10"), format!("x1..{NUMBER}10{RESET}"));
        assert_eq!(
            highlight("0..10"),
            format!("{NUMBER}0{RESET}..{NUMBER}10{RESET}")
        );
    }
}
