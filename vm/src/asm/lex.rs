//! Splitting one line of `.casm` text into tokens.
//!
//! A token is a string literal, `..`, `->`, or a word: a run of characters
//! other than white space, `,`, `;` and `"`, ending before `..`, `->` or
//! `//`. Commas separate like white space. `;` and `//` outside a string
//! start a comment that runs to the end of the line.

use std::fmt;

/// One token of a line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Tok<'a> {
    Word(&'a str),
    /// A string literal, escapes resolved.
    Str(String),
    /// `..`, between the two ends of a range.
    DotDot,
    /// `->`, before a handler's target.
    Arrow,
}

impl fmt::Display for Tok<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tok::Word(w) => write!(f, "`{w}`"),
            Tok::Str(s) => write!(f, "the string {}", super::text::quote(s)),
            Tok::DotDot => write!(f, "`..`"),
            Tok::Arrow => write!(f, "`->`"),
        }
    }
}

/// The tokens of `line`, comments dropped.
///
/// # Errors
/// A message for an unterminated string or an unknown escape.
pub(super) fn tokenize(line: &str) -> Result<Vec<Tok<'_>>, String> {
    let mut toks = Vec::new();
    let mut rest = line;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == ',');
        if rest.is_empty() || rest.starts_with(';') || rest.starts_with("//") {
            return Ok(toks);
        }
        let (tok, len) = if let Some(body) = rest.strip_prefix('"') {
            let (s, len) = string(body)?;
            (Tok::Str(s), len + 1)
        } else if rest.starts_with("..") {
            (Tok::DotDot, 2)
        } else if rest.starts_with("->") {
            (Tok::Arrow, 2)
        } else {
            let len = word_len(rest);
            (Tok::Word(&rest[..len]), len)
        };
        toks.push(tok);
        rest = &rest[len..];
    }
}

/// The length in bytes of the word at the start of `s` (at least one
/// character, which the caller has checked starts no other token).
fn word_len(s: &str) -> usize {
    let mut end = 0;
    for (i, c) in s.char_indices() {
        let tail = &s[i..];
        let stop = c.is_whitespace()
            || matches!(c, ',' | ';' | '"')
            || tail.starts_with("..")
            || tail.starts_with("->")
            || tail.starts_with("//");
        if stop && i > 0 {
            break;
        }
        end = i + c.len_utf8();
    }
    end
}

/// Reads a string literal's body, just after its opening quote: the value
/// and the bytes consumed, closing quote included.
fn string(body: &str) -> Result<(String, usize), String> {
    let mut out = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Ok((out, i + 1)),
            '\\' => out.push(escape(&mut chars)?),
            c => out.push(c),
        }
    }
    Err("unterminated string: a string must end with `\"` on the same line".into())
}

/// The character an escape sequence stands for; `chars` is just past the
/// backslash.
fn escape(chars: &mut std::str::CharIndices<'_>) -> Result<char, String> {
    let Some((_, c)) = chars.next() else {
        return Err("unterminated string: a `\\` ends the line".into());
    };
    Ok(match c {
        'n' => '\n',
        'r' => '\r',
        't' => '\t',
        '0' => '\0',
        '\\' | '"' | '\'' => c,
        'u' => return unicode(chars),
        other => {
            return Err(format!(
                "unknown escape `\\{other}` in a string (use \\n \\r \\t \\0 \\\\ \\\" \\' or \\u{{...}})"
            ))
        }
    })
}

/// The rest of a `\u{XXXX}` escape.
fn unicode(chars: &mut std::str::CharIndices<'_>) -> Result<char, String> {
    let bad = || "malformed escape: expected `\\u{` then 1 to 6 hex digits and `}`".to_string();
    if chars.next().map(|(_, c)| c) != Some('{') {
        return Err(bad());
    }
    let mut digits = String::new();
    let mut closed = false;
    for (_, c) in chars.by_ref() {
        if c == '}' {
            closed = true;
            break;
        }
        if !c.is_ascii_hexdigit() || digits.len() == 6 {
            return Err(bad());
        }
        digits.push(c);
    }
    if !closed {
        return Err(bad());
    }
    let value = u32::from_str_radix(&digits, 16).map_err(|_| bad())?;
    char::from_u32(value).ok_or_else(|| format!("`\\u{{{digits}}}` is not a Unicode scalar value"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_strings_and_punctuation() {
        let toks = tokenize("  handler L3..L20 -> L25, depth 1 ; comment \"x").unwrap();
        assert_eq!(
            toks,
            vec![
                Tok::Word("handler"),
                Tok::Word("L3"),
                Tok::DotDot,
                Tok::Word("L20"),
                Tok::Arrow,
                Tok::Word("L25"),
                Tok::Word("depth"),
                Tok::Word("1"),
            ]
        );
        let toks = tokenize(r#".const 3 str "a;b\"\n\u{e9}" // trailing"#).unwrap();
        assert_eq!(toks[3], Tok::Str("a;b\"\né".into()));
        assert_eq!(toks.len(), 4);
        assert_eq!(tokenize("float -1.5e-7").unwrap()[1], Tok::Word("-1.5e-7"));
        assert_eq!(
            tokenize("0..12").unwrap(),
            vec![Tok::Word("0"), Tok::DotDot, Tok::Word("12")]
        );
    }

    #[test]
    fn bad_strings() {
        assert!(tokenize("\"abc").unwrap_err().contains("unterminated"));
        assert!(tokenize(r#""\q""#)
            .unwrap_err()
            .contains("unknown escape `\\q`"));
        assert!(tokenize(r#""\u{d800}""#)
            .unwrap_err()
            .contains("not a Unicode scalar"));
        assert!(tokenize(r#""\u{1234567}""#)
            .unwrap_err()
            .contains("malformed escape"));
        assert!(tokenize("\"\\").unwrap_err().contains("unterminated"));
    }
}
