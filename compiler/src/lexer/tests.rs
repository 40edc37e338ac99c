use super::*;

use Tok::*;

/// Tokens of `src`, which must lex without diagnostics.
fn toks(src: &str) -> Vec<Tok<'_>> {
    let (toks, errors) = tokenize(src, 0);
    assert!(
        errors.is_empty(),
        "unexpected diagnostics for {src:?}: {errors:#?}"
    );
    toks
}

/// The diagnostics of `src` as (message, the source text under the span).
fn errors(src: &str) -> Vec<(String, &str)> {
    let (_, errors) = tokenize(src, 0);
    errors
        .iter()
        .map(|d| (d.message.clone(), &src[d.span.range()]))
        .collect()
}

/// Tokens of `src` with the source text each one covers.
fn spanned(src: &str) -> Vec<(Tok<'_>, &str)> {
    Lexer::new(src, 0)
        .map(|t| {
            let (l, tok, r) = t.unwrap_or_else(|e| match e {});
            (tok, &src[l..r])
        })
        .collect()
}

fn err(message: &str, text: &'static str) -> (String, &'static str) {
    (message.to_string(), text)
}

// ---------------------------------------------------------------------------
// Keywords, identifiers, punctuation

const KEYWORDS: &[(&str, Tok<'static>)] = &[
    ("and", And),
    ("as", As),
    ("break", Break),
    ("catch", Catch),
    ("class", Class),
    ("continue", Continue),
    ("else", Else),
    ("false", False),
    ("finally", Finally),
    ("fn", Fn),
    ("for", For),
    ("if", If),
    ("import", Import),
    ("in", In),
    ("is", Is),
    ("let", Let),
    ("nil", Nil),
    ("not", Not),
    ("or", Or),
    ("return", Return),
    ("static", Static),
    ("super", Super),
    ("this", This),
    ("throw", Throw),
    ("true", True),
    ("try", Try),
    ("var", Var),
    ("while", While),
];

#[test]
fn every_keyword() {
    assert_eq!(KEYWORDS.len(), 28, "the brief lists 28 reserved words");
    for (word, tok) in KEYWORDS {
        // `;` so that no Newline token depends on the keyword.
        assert_eq!(toks(&format!("{word};")), vec![tok.clone(), Semi], "{word}");
        assert_eq!(tok.text(), *word);
        assert_eq!(tok.to_string(), format!("`{word}`"));
    }
    let all: Vec<&str> = KEYWORDS.iter().map(|(w, _)| *w).collect();
    let line = all.join(" ");
    let expected: Vec<Tok> = KEYWORDS.iter().map(|(_, t)| t.clone()).collect();
    assert_eq!(toks(&line), expected);
}

#[test]
fn keywords_are_case_sensitive_and_whole_words() {
    assert_eq!(
        toks("If LET Nil True"),
        vec![Ident("If"), Ident("LET"), Ident("Nil"), Ident("True")]
    );
    assert_eq!(
        toks("iff lets nil_ _fn for2 classy"),
        vec![
            Ident("iff"),
            Ident("lets"),
            Ident("nil_"),
            Ident("_fn"),
            Ident("for2"),
            Ident("classy"),
        ]
    );
}

#[test]
fn non_reserved_names_are_identifiers() {
    // `init` is an ordinary method name; `type`, `self`, `yield` are not reserved.
    assert_eq!(
        toks("init type self yield print Int"),
        vec![
            Ident("init"),
            Ident("type"),
            Ident("self"),
            Ident("yield"),
            Ident("print"),
            Ident("Int"),
        ]
    );
}

#[test]
fn identifiers() {
    assert_eq!(
        toks("x _ _x x1 snake_case CamelCase __init__ a1b2c3"),
        vec![
            Ident("x"),
            Ident("_"),
            Ident("_x"),
            Ident("x1"),
            Ident("snake_case"),
            Ident("CamelCase"),
            Ident("__init__"),
            Ident("a1b2c3"),
        ]
    );
    // A digit cannot start an identifier: `1abc` is a number then a name.
    assert_eq!(toks("1abc"), vec![Int(1), Ident("abc")]);
}

const PUNCTUATION: &[(&str, Tok<'static>)] = &[
    ("(", LParen),
    (")", RParen),
    ("[", LBracket),
    ("]", RBracket),
    ("{", LBrace),
    ("}", RBrace),
    (",", Comma),
    (".", Dot),
    ("..", DotDot),
    ("..=", DotDotEq),
    ("...", Ellipsis),
    (":", Colon),
    (";", Semi),
    ("?", Question),
    ("=>", FatArrow),
    ("+", Plus),
    ("-", Minus),
    ("*", Star),
    ("**", StarStar),
    ("/", Slash),
    ("%", Percent),
    ("=", Assign),
    ("==", EqEq),
    ("!=", NotEq),
    ("<", Lt),
    ("<=", Le),
    (">", Gt),
    (">=", Ge),
    ("&", Amp),
    ("|", Pipe),
    ("^", Caret),
    ("~", Tilde),
    ("<<", Shl),
    (">>", Shr),
    ("+=", PlusEq),
    ("-=", MinusEq),
    ("*=", StarEq),
    ("/=", SlashEq),
    ("%=", PercentEq),
];

#[test]
fn every_operator_and_punctuation_token() {
    for (text, tok) in PUNCTUATION {
        assert_eq!(toks(text), vec![tok.clone()], "{text}");
        assert_eq!(tok.text(), *text);
    }
    let line: Vec<&str> = PUNCTUATION.iter().map(|(t, _)| *t).collect();
    let expected: Vec<Tok> = PUNCTUATION.iter().map(|(_, t)| t.clone()).collect();
    assert_eq!(toks(&line.join(" ")), expected);
}

#[test]
fn operators_take_the_longest_match() {
    assert_eq!(toks("a...b"), vec![Ident("a"), Ellipsis, Ident("b")]);
    assert_eq!(toks("a..=b"), vec![Ident("a"), DotDotEq, Ident("b")]);
    assert_eq!(toks("a..b"), vec![Ident("a"), DotDot, Ident("b")]);
    assert_eq!(toks("a.b"), vec![Ident("a"), Dot, Ident("b")]);
    assert_eq!(toks("...."), vec![Ellipsis, Dot]);
    assert_eq!(toks("**="), vec![StarStar, Assign]);
    assert_eq!(toks("<<="), vec![Shl, Assign]);
    assert_eq!(toks(">>="), vec![Shr, Assign]);
    assert_eq!(toks("==="), vec![EqEq, Assign]);
    assert_eq!(toks("=>="), vec![FatArrow, Assign]);
    assert_eq!(toks("<=>"), vec![Le, Gt]);
    assert_eq!(toks("a**-b"), vec![Ident("a"), StarStar, Minus, Ident("b")]);
    assert_eq!(toks("x+=-1"), vec![Ident("x"), PlusEq, Minus, Int(1)]);
    assert_eq!(toks("--x"), vec![Minus, Minus, Ident("x")]);
    assert_eq!(toks("[]="), vec![LBracket, RBracket, Assign]);
}

#[test]
fn whitespace_is_skipped() {
    assert_eq!(toks(" \t a \r\x0C b\t"), vec![Ident("a"), Ident("b")]);
    assert_eq!(toks(""), vec![]);
    assert_eq!(toks("   \n\n\t\n"), vec![]);
}

// ---------------------------------------------------------------------------
// Numbers

#[test]
fn integer_forms() {
    assert_eq!(
        toks("0 7 1_000 0xff 0XFF 0xDead_Beef 0b1010 0B11 0o17 0O777 1_2_3 007"),
        vec![
            Int(0),
            Int(7),
            Int(1000),
            Int(255),
            Int(255),
            Int(0xdead_beef),
            Int(10),
            Int(3),
            Int(15),
            Int(511),
            Int(123),
            Int(7),
        ]
    );
}

#[test]
fn integer_range_boundaries() {
    assert_eq!(toks("9223372036854775807"), vec![Int(i64::MAX as u64)]);
    // 2^63 lexes without error: the parser accepts it only under unary minus.
    assert_eq!(toks("9223372036854775808"), vec![Int(1 << 63)]);
    assert_eq!(toks("-9223372036854775808"), vec![Minus, Int(1 << 63)]);
    assert_eq!(
        errors("9223372036854775809"),
        vec![err("integer literal is too large", "9223372036854775809")]
    );
    assert_eq!(tokenize("9223372036854775809", 0).0, vec![Int(0)]);
    assert_eq!(
        errors("18446744073709551616"),
        vec![err("integer literal is too large", "18446744073709551616")]
    );

    // The same boundaries in the other bases.
    assert_eq!(toks("0x7fffffffffffffff"), vec![Int(i64::MAX as u64)]);
    assert_eq!(toks("0x8000000000000000"), vec![Int(1 << 63)]);
    assert_eq!(toks("0x8000_0000_0000_0000"), vec![Int(1 << 63)]);
    assert_eq!(
        toks("0b1000000000000000000000000000000000000000000000000000000000000000"),
        vec![Int(1 << 63)]
    );
    assert_eq!(toks("0o1000000000000000000000"), vec![Int(1 << 63)]);
    assert_eq!(
        errors("0x8000000000000001"),
        vec![err("integer literal is too large", "0x8000000000000001")]
    );
    assert_eq!(
        errors("0xffffffffffffffff"),
        vec![err("integer literal is too large", "0xffffffffffffffff")]
    );
    assert_eq!(
        errors("0x10000000000000000"),
        vec![err("integer literal is too large", "0x10000000000000000")]
    );
    assert_eq!(
        errors("0o1000000000000000000001"),
        vec![err(
            "integer literal is too large",
            "0o1000000000000000000001"
        )]
    );
}

#[test]
fn malformed_integer_literals() {
    let cases: &[(&str, &str)] = &[
        ("1__0", "misplaced `_` in number literal"),
        ("1_", "misplaced `_` in number literal"),
        ("0x_1", "misplaced `_` in number literal"),
        ("0x1_", "misplaced `_` in number literal"),
        ("0x", "missing digits after `0x`"),
        ("0b", "missing digits after `0b`"),
        ("0o", "missing digits after `0o`"),
        ("0b102", "invalid digit `2` in binary literal"),
        ("0o8", "invalid digit `8` in octal literal"),
        ("0xfg", "invalid digit `g` in hexadecimal literal"),
    ];
    for (src, message) in cases {
        let (toks, errors) = tokenize(src, 0);
        assert_eq!(toks, vec![Int(0)], "{src}");
        assert_eq!(errors.len(), 1, "{src}: {errors:?}");
        assert_eq!(errors[0].message, *message, "{src}");
        assert_eq!(&src[errors[0].span.range()], *src, "{src}");
    }
}

#[test]
fn lexing_goes_on_after_a_bad_literal() {
    let (toks, errors) = tokenize("1__0 + 0b2 + 3", 0);
    assert_eq!(toks, vec![Int(0), Plus, Int(0), Plus, Int(3)]);
    assert_eq!(
        errors
            .iter()
            .map(|e| e.message.as_str())
            .collect::<Vec<_>>(),
        vec![
            "misplaced `_` in number literal",
            "invalid digit `2` in binary literal"
        ]
    );
}

#[test]
fn floats() {
    assert_eq!(
        toks("1.5 2.0e-3 1e9 1E9 1_000.25 0.5 3.25e+2 1e0 6.02_2e2_3"),
        vec![
            Float(1.5),
            Float(2.0e-3),
            Float(1e9),
            Float(1e9),
            Float(1000.25),
            Float(0.5),
            Float(325.0),
            Float(1.0),
            Float(6.022e23),
        ]
    );
    // Underflow to zero is not an error.
    assert_eq!(toks("1e-400"), vec![Float(0.0)]);
}

#[test]
fn malformed_float_literals() {
    assert_eq!(
        errors("1e999"),
        vec![err("float literal is out of range", "1e999")]
    );
    assert_eq!(
        errors("1.5e400"),
        vec![err("float literal is out of range", "1.5e400")]
    );
    assert_eq!(
        errors("1.5_"),
        vec![err("misplaced `_` in number literal", "1.5_")]
    );
    assert_eq!(
        errors("1e_5"),
        vec![err("misplaced `_` in number literal", "1e_5")]
    );
    assert_eq!(
        errors("1__0.5"),
        vec![err("misplaced `_` in number literal", "1__0.5")]
    );
    assert_eq!(tokenize("1e999", 0).0, vec![Float(0.0)]);
}

#[test]
fn a_dot_not_followed_by_a_digit_is_not_part_of_a_number() {
    // `1.` and `.5` are not literals.
    assert_eq!(toks("1."), vec![Int(1), Dot]);
    assert_eq!(toks(".5"), vec![Dot, Int(5)]);
    assert_eq!(toks("1..5"), vec![Int(1), DotDot, Int(5)]);
    assert_eq!(toks("1..=5"), vec![Int(1), DotDotEq, Int(5)]);
    assert_eq!(toks("1...5"), vec![Int(1), Ellipsis, Int(5)]);
    assert_eq!(toks("1.abs"), vec![Int(1), Dot, Ident("abs")]);
    assert_eq!(toks("1.e5"), vec![Int(1), Dot, Ident("e5")]);
    assert_eq!(
        toks("1.5.abs()"),
        vec![Float(1.5), Dot, Ident("abs"), LParen, RParen]
    );
    assert_eq!(toks("0x1.5"), vec![Int(1), Dot, Int(5)]);
}

// ---------------------------------------------------------------------------
// Strings

#[test]
fn plain_strings() {
    assert_eq!(toks(r#""""#), vec![Str(String::new())]);
    assert_eq!(toks(r#""hello""#), vec![Str("hello".into())]);
    assert_eq!(toks(r#""a" "b""#), vec![Str("a".into()), Str("b".into())]);
    assert_eq!(
        toks(r#""héllo wörld 😀 // not a comment /* nor this */""#),
        vec![Str("héllo wörld 😀 // not a comment /* nor this */".into())]
    );
    // `$` not followed by `{` is an ordinary character.
    assert_eq!(
        toks(r#""$ $5 a$b {x} $""#),
        vec![Str("$ $5 a$b {x} $".into())]
    );
}

#[test]
fn every_escape() {
    assert_eq!(
        toks(r#""\n\t\r\0\\\"\$""#),
        vec![Str("\n\t\r\0\\\"$".into())]
    );
    assert_eq!(toks(r#""\${x}""#), vec![Str("${x}".into())]);
    assert_eq!(toks(r#""a\u{1F600}b""#), vec![Str("a😀b".into())]);
    assert_eq!(
        toks(r#""\u{41}\u{e9}\u{10FFFF}\u{0}\u{00004a}""#),
        vec![Str("Aé\u{10FFFF}\0J".into())]
    );
}

#[test]
fn bad_escapes() {
    let cases: &[(&str, &str, &str)] = &[
        (r#""\q""#, "unknown escape sequence `\\q`", r"\q"),
        (r#""\a""#, "unknown escape sequence `\\a`", r"\a"),
        (r#""\é""#, "unknown escape sequence `\\é`", r"\é"),
        (
            r#""\u{110000}""#,
            "unicode escape is not a Unicode scalar value (surrogate or above 10FFFF)",
            r"\u{110000}",
        ),
        (
            r#""\u{D800}""#,
            "unicode escape is not a Unicode scalar value (surrogate or above 10FFFF)",
            r"\u{D800}",
        ),
        (
            r#""\u{}""#,
            "unicode escape must have 1 to 6 hex digits",
            r"\u{}",
        ),
        (
            r#""\u{1234567}""#,
            "unicode escape must have 1 to 6 hex digits",
            r"\u{1234567}",
        ),
        (r#""\u1234""#, "expected `{` after `\\u`", r"\u"),
        (
            r#""\u{12g}""#,
            "unicode escape must be `\\u{` 1 to 6 hex digits `}`",
            r"\u{12",
        ),
    ];
    for (src, message, text) in cases {
        let (toks, errors) = tokenize(src, 0);
        assert_eq!(toks.len(), 1, "{src}: one string token");
        assert!(matches!(toks[0], Str(_)), "{src}");
        assert_eq!(errors.len(), 1, "{src}: {errors:?}");
        assert_eq!(errors[0].message, *message, "{src}");
        assert_eq!(&src[errors[0].span.range()], *text, "{src}");
    }
    // Scanning goes on after a bad escape, and each is reported.
    assert_eq!(
        errors(r#""\q \u{D800} ok \z""#),
        vec![
            err("unknown escape sequence `\\q`", r"\q"),
            err(
                "unicode escape is not a Unicode scalar value (surrogate or above 10FFFF)",
                r"\u{D800}"
            ),
            err("unknown escape sequence `\\z`", r"\z"),
        ]
    );
    assert_eq!(
        tokenize(r#""\u1234" x"#, 0).0,
        vec![Str("1234".into()), Ident("x")]
    );
}

#[test]
fn strings_may_span_lines() {
    assert_eq!(
        toks("\"line one\nline two\n\"\nx"),
        vec![Str("line one\nline two\n".into()), Newline, Ident("x")]
    );
    // A newline inside the string is text, not a statement separator.
    assert_eq!(
        toks("x = \"a\n\nb\""),
        vec![Ident("x"), Assign, Str("a\n\nb".into())]
    );
}

#[test]
fn unterminated_strings() {
    assert_eq!(
        errors("x = \"abc\ny = 1"),
        vec![err("unterminated string", "\"")]
    );
    assert_eq!(
        tokenize("x = \"abc\ny = 1", 0).0,
        vec![Ident("x"), Assign, Str("abc\ny = 1".into())]
    );
    assert_eq!(errors("\""), vec![err("unterminated string", "\"")]);
    assert_eq!(errors("\"abc\\"), vec![err("unterminated string", "\"")]);
    assert_eq!(errors("\"abc\\\""), vec![err("unterminated string", "\"")]);
    // The error points at the opening quote of the whole string, even when the
    // text after an interpolation is what runs off the end.
    let src = "s = \"a ${x} b";
    assert_eq!(errors(src), vec![err("unterminated string", "\"")]);
    let (_, diags) = tokenize(src, 0);
    assert_eq!(diags[0].span.start, 4);
    assert_eq!(
        tokenize(src, 0).0,
        vec![
            Ident("s"),
            Assign,
            StrStart("a ".into()),
            Ident("x"),
            StrEnd(" b".into())
        ]
    );
}

#[test]
fn interpolation() {
    assert_eq!(
        toks(r#""a ${x} b""#),
        vec![StrStart("a ".into()), Ident("x"), StrEnd(" b".into())]
    );
    assert_eq!(
        toks(r#""${x}""#),
        vec![StrStart(String::new()), Ident("x"), StrEnd(String::new())]
    );
    assert_eq!(
        toks(r#""${a}-${b + 1}!""#),
        vec![
            StrStart(String::new()),
            Ident("a"),
            StrMid("-".into()),
            Ident("b"),
            Plus,
            Int(1),
            StrEnd("!".into()),
        ]
    );
    assert_eq!(
        toks(r#""\n${x}\t""#),
        vec![StrStart("\n".into()), Ident("x"), StrEnd("\t".into())]
    );
    assert_eq!(
        toks(r#""${ f(1, 2)[0] }""#),
        vec![
            StrStart(String::new()),
            Ident("f"),
            LParen,
            Int(1),
            Comma,
            Int(2),
            RParen,
            LBracket,
            Int(0),
            RBracket,
            StrEnd(String::new()),
        ]
    );
}

#[test]
fn empty_interpolation_is_left_to_the_parser() {
    assert_eq!(
        toks(r#""a${}b""#),
        vec![StrStart("a".into()), StrEnd("b".into())]
    );
}

#[test]
fn nested_interpolation() {
    assert_eq!(
        toks(r#""a ${ "b ${x} c" } d""#),
        vec![
            StrStart("a ".into()),
            StrStart("b ".into()),
            Ident("x"),
            StrEnd(" c".into()),
            StrEnd(" d".into()),
        ]
    );
    assert_eq!(
        toks(r#""${ "${ "${x}" }" }""#),
        vec![
            StrStart(String::new()),
            StrStart(String::new()),
            StrStart(String::new()),
            Ident("x"),
            StrEnd(String::new()),
            StrEnd(String::new()),
            StrEnd(String::new()),
        ]
    );
}

#[test]
fn braces_inside_interpolation() {
    assert_eq!(
        toks(r#""${ {"k": 1}["k"] }""#),
        vec![
            StrStart(String::new()),
            LBrace,
            Str("k".into()),
            Colon,
            Int(1),
            RBrace,
            LBracket,
            Str("k".into()),
            RBracket,
            StrEnd(String::new()),
        ]
    );
    // A lambda with a block body inside an interpolation, then more text.
    assert_eq!(
        toks(r#""<${ fn() { return {} }() }>""#),
        vec![
            StrStart("<".into()),
            Fn,
            LParen,
            RParen,
            LBrace,
            Return,
            LBrace,
            RBrace,
            RBrace,
            LParen,
            RParen,
            StrEnd(">".into()),
        ]
    );
}

#[test]
fn interpolation_token_spans() {
    let src = r#"x = "a${b}c${d}e""#;
    assert_eq!(
        spanned(src),
        vec![
            (Ident("x"), "x"),
            (Assign, "="),
            (StrStart("a".into()), "\"a${"),
            (Ident("b"), "b"),
            (StrMid("c".into()), "}c${"),
            (Ident("d"), "d"),
            (StrEnd("e".into()), "}e\""),
        ]
    );
}

#[test]
fn token_spans() {
    let src = "let x = 0x1F // c\n  foo.bar(1.5, \"é\")\n";
    assert_eq!(
        spanned(src),
        vec![
            (Let, "let"),
            (Ident("x"), "x"),
            (Assign, "="),
            (Int(31), "0x1F"),
            (Newline, "\n"),
            (Ident("foo"), "foo"),
            (Dot, "."),
            (Ident("bar"), "bar"),
            (LParen, "("),
            (Float(1.5), "1.5"),
            (Comma, ","),
            (Str("é".into()), "\"é\""),
            (RParen, ")"),
            (Newline, "\n"),
        ]
    );
}

// ---------------------------------------------------------------------------
// Comments

#[test]
fn line_comments() {
    assert_eq!(toks("// only a comment"), vec![]);
    assert_eq!(toks("x // comment"), vec![Ident("x")]);
    assert_eq!(
        toks("x // comment\ny"),
        vec![Ident("x"), Newline, Ident("y")]
    );
    assert_eq!(
        toks("x //= not an operator /* not a block\ny"),
        vec![Ident("x"), Newline, Ident("y")]
    );
    assert_eq!(toks("a / b"), vec![Ident("a"), Slash, Ident("b")]);
}

#[test]
fn block_comments() {
    assert_eq!(toks("/* only */"), vec![]);
    assert_eq!(toks("a /* c */ + b"), vec![Ident("a"), Plus, Ident("b")]);
    assert_eq!(toks("a/**/b"), vec![Ident("a"), Ident("b")]);
    assert_eq!(toks("/* a // b */ x"), vec![Ident("x")]);
    assert_eq!(toks("/* \" */ x"), vec![Ident("x")]);
    assert_eq!(toks("/*/ still a comment */ x"), vec![Ident("x")]);
    assert_eq!(toks("/* ** */ x"), vec![Ident("x")]);
}

#[test]
fn nested_block_comments() {
    assert_eq!(toks("/* a /* b */ c */ x"), vec![Ident("x")]);
    assert_eq!(toks("/* /* /* deep */ */ */ x"), vec![Ident("x")]);
    assert_eq!(toks("/* /* */ */ * y"), vec![Star, Ident("y")]);
}

#[test]
fn unterminated_block_comments() {
    assert_eq!(
        errors("x /* never closed"),
        vec![err("unterminated block comment", "/*")]
    );
    assert_eq!(tokenize("x /* never closed", 0).0, vec![Ident("x")]);
    // Nested: the outer comment is still open at the end.
    assert_eq!(
        errors("x /* a /* b */ c"),
        vec![err("unterminated block comment", "/*")]
    );
    let (_, diags) = tokenize("x /* a /* b */ c", 0);
    assert_eq!(diags[0].span.start, 2);
    assert_eq!(errors("/*"), vec![err("unterminated block comment", "/*")]);
    assert_eq!(errors("/*/"), vec![err("unterminated block comment", "/*")]);
}

#[test]
fn a_block_comment_spanning_lines_acts_as_a_newline() {
    assert_eq!(
        toks("a /* one\ntwo */ b"),
        vec![Ident("a"), Newline, Ident("b")]
    );
    // One newline, not two, when the line also ends after the comment.
    assert_eq!(
        toks("a /* one\ntwo */\nb"),
        vec![Ident("a"), Newline, Ident("b")]
    );
    // A comment on one line does not.
    assert_eq!(toks("a /* one */ b"), vec![Ident("a"), Ident("b")]);
    // Nor does one after a token that does not end a statement.
    assert_eq!(
        toks("a + /* one\ntwo */ b"),
        vec![Ident("a"), Plus, Ident("b")]
    );
    // Nor one inside parentheses.
    assert_eq!(
        toks("(a /* one\ntwo */ b)"),
        vec![LParen, Ident("a"), Ident("b"), RParen]
    );
}

// ---------------------------------------------------------------------------
// The newline rule

#[test]
fn newline_after_tokens_that_end_a_statement() {
    let enders: &[(&str, Tok)] = &[
        ("x", Ident("x")),
        ("42", Int(42)),
        ("4.5", Float(4.5)),
        ("\"s\"", Str("s".into())),
        ("true", True),
        ("false", False),
        ("nil", Nil),
        ("this", This),
        ("break", Break),
        ("continue", Continue),
        ("return", Return),
    ];
    for (src, tok) in enders {
        assert_eq!(
            toks(&format!("{src}\ny")),
            vec![tok.clone(), Newline, Ident("y")],
            "{src}"
        );
    }
    assert_eq!(
        toks("\"${x}\"\ny"),
        vec![
            StrStart(String::new()),
            Ident("x"),
            StrEnd(String::new()),
            Newline,
            Ident("y")
        ]
    );
    assert_eq!(
        toks("f()\ny"),
        vec![Ident("f"), LParen, RParen, Newline, Ident("y")]
    );
    assert_eq!(
        toks("a[0]\ny"),
        vec![Ident("a"), LBracket, Int(0), RBracket, Newline, Ident("y")]
    );
    assert_eq!(toks("{}\ny"), vec![LBrace, RBrace, Newline, Ident("y")]);
}

#[test]
fn no_newline_after_operators_commas_and_openers() {
    for (text, tok) in PUNCTUATION {
        if matches!(tok, RParen | RBracket | RBrace) {
            continue;
        }
        let src = format!("{text}\ny");
        let (got, _) = tokenize(&src, 0);
        assert!(!got.contains(&Newline), "newline after {text}: {got:?}");
    }
    assert_eq!(toks("a +\nb"), vec![Ident("a"), Plus, Ident("b")]);
    assert_eq!(toks("a ==\nb"), vec![Ident("a"), EqEq, Ident("b")]);
    assert_eq!(toks("x =\n1"), vec![Ident("x"), Assign, Int(1)]);
}

#[test]
fn no_newline_after_other_keywords() {
    for (word, tok) in KEYWORDS {
        let src = format!("{word}\ny");
        let got = toks(&src);
        let ends = matches!(tok, True | False | Nil | This | Break | Continue | Return);
        let expected = if ends {
            vec![tok.clone(), Newline, Ident("y")]
        } else {
            vec![tok.clone(), Ident("y")]
        };
        assert_eq!(got, expected, "{word}");
    }
    assert_eq!(toks("} else\n{"), vec![RBrace, Else, LBrace]);
}

#[test]
fn newlines_collapse_and_blank_lines_are_ignored() {
    assert_eq!(
        toks("\n\na\n\n\n  \n\tb\n\n"),
        vec![Ident("a"), Newline, Ident("b"), Newline]
    );
    assert_eq!(toks("a\r\nb"), vec![Ident("a"), Newline, Ident("b")]);
    // No trailing newline at the end of input: no Newline token.
    assert_eq!(toks("a"), vec![Ident("a")]);
}

#[test]
fn no_newline_inside_parentheses_or_brackets() {
    assert_eq!(
        toks("f(\n  a,\n  b\n)\nx"),
        vec![
            Ident("f"),
            LParen,
            Ident("a"),
            Comma,
            Ident("b"),
            RParen,
            Newline,
            Ident("x")
        ]
    );
    assert_eq!(
        toks("[\n  1,\n  2\n]\nx"),
        vec![
            LBracket,
            Int(1),
            Comma,
            Int(2),
            RBracket,
            Newline,
            Ident("x")
        ]
    );
    assert_eq!(
        toks("(a\n+ b)"),
        vec![LParen, Ident("a"), Plus, Ident("b"), RParen]
    );
    assert_eq!(
        toks("[(a\n)\n]"),
        vec![LBracket, LParen, Ident("a"), RParen, RBracket]
    );
}

#[test]
fn no_newline_inside_interpolation() {
    assert_eq!(
        toks("\"${\n  x\n  + 1\n}\"\ny"),
        vec![
            StrStart(String::new()),
            Ident("x"),
            Plus,
            Int(1),
            StrEnd(String::new()),
            Newline,
            Ident("y"),
        ]
    );
}

#[test]
fn newlines_are_significant_inside_braces_nested_in_parentheses() {
    assert_eq!(
        toks("f(fn() {\n  a\n  b\n}, [\n  1\n])\n"),
        vec![
            Ident("f"),
            LParen,
            Fn,
            LParen,
            RParen,
            LBrace,
            Ident("a"),
            Newline,
            Ident("b"),
            Newline,
            RBrace,
            Comma,
            LBracket,
            Int(1),
            RBracket,
            RParen,
            Newline,
        ]
    );
    // Inside braces inside an interpolation too.
    assert_eq!(
        toks("\"${ fn() {\n  a\n}() }\""),
        vec![
            StrStart(String::new()),
            Fn,
            LParen,
            RParen,
            LBrace,
            Ident("a"),
            Newline,
            RBrace,
            LParen,
            RParen,
            StrEnd(String::new()),
        ]
    );
    // And not once the braces are closed again.
    assert_eq!(toks("({}\n)"), vec![LParen, LBrace, RBrace, RParen]);
}

#[test]
fn a_line_starting_with_a_dot_continues_the_statement() {
    assert_eq!(
        toks("xs\n  .map(f)\n  .len()\ny"),
        vec![
            Ident("xs"),
            Dot,
            Ident("map"),
            LParen,
            Ident("f"),
            RParen,
            Dot,
            Ident("len"),
            LParen,
            RParen,
            Newline,
            Ident("y"),
        ]
    );
    // Blank lines and comments between do not matter.
    assert_eq!(
        toks("a\n\n  // comment\n  /* block\n  comment */\n  .b"),
        vec![Ident("a"), Dot, Ident("b")]
    );
    assert_eq!(toks("a /* x\n */ .b"), vec![Ident("a"), Dot, Ident("b")]);
    // But a comment that is never closed ends the search.
    let (got, _) = tokenize("a\n/* open", 0);
    assert_eq!(got, vec![Ident("a"), Newline]);
    // A newline that merely precedes a dot later on the line still counts.
    assert_eq!(
        toks("a\nb.c"),
        vec![Ident("a"), Newline, Ident("b"), Dot, Ident("c")]
    );
}

#[test]
fn a_reserved_word_after_a_dot_ends_a_statement() {
    // `x.class` ends its line like any member access; the next line's `(` must
    // not turn it into a call.
    assert_eq!(
        toks("x.class\n(y)"),
        vec![Ident("x"), Dot, Class, Newline, LParen, Ident("y"), RParen]
    );
    // Any reserved word in member position counts (the parser accepts only
    // `class`, but the line still ends where a reader expects).
    for (word, tok) in KEYWORDS {
        assert_eq!(
            toks(&format!("x.{word}\ny")),
            vec![Ident("x"), Dot, tok.clone(), Newline, Ident("y")],
            "{word}"
        );
    }
    // A reserved word elsewhere still does not.
    assert_eq!(toks("class\nA"), vec![Class, Ident("A")]);
    assert_eq!(
        toks("x. class\nA"),
        vec![Ident("x"), Dot, Class, Newline, Ident("A")]
    );
}

// ---------------------------------------------------------------------------
// Unclosed brackets

#[test]
fn a_closing_brace_closes_brackets_left_open_inside_it() {
    // `}` pops the unclosed `(`, so the newline after the block is significant.
    assert_eq!(
        toks("{ f(x }\ny"),
        vec![
            LBrace,
            Ident("f"),
            LParen,
            Ident("x"),
            RBrace,
            Newline,
            Ident("y")
        ]
    );
    assert_eq!(
        toks("\"${ f(x }\"\ny"),
        vec![
            StrStart(String::new()),
            Ident("f"),
            LParen,
            Ident("x"),
            StrEnd(String::new()),
            Newline,
            Ident("y"),
        ]
    );
}

#[test]
fn a_closing_bracket_closes_brackets_left_open_inside_it() {
    assert_eq!(
        toks("f([1)\ny"),
        vec![
            Ident("f"),
            LParen,
            LBracket,
            Int(1),
            RParen,
            Newline,
            Ident("y")
        ]
    );
    // A stray closer changes nothing.
    assert_eq!(
        toks("(a]\nb)\nc"),
        vec![
            LParen,
            Ident("a"),
            RBracket,
            Ident("b"),
            RParen,
            Newline,
            Ident("c")
        ]
    );
    // Nor does one that would reach through a brace.
    assert_eq!(
        toks("({ a)\nb })\nc"),
        vec![
            LParen,
            LBrace,
            Ident("a"),
            RParen,
            Newline,
            Ident("b"),
            RBrace,
            RParen,
            Newline,
            Ident("c"),
        ]
    );
}

#[test]
fn a_statement_keyword_closes_unclosed_brackets() {
    // `let` cannot stand inside `( )`, so the `(` was never closed; the
    // newline before `let` ends the broken statement.
    assert_eq!(
        toks("print(x\nlet y = 1\n"),
        vec![
            Ident("print"),
            LParen,
            Ident("x"),
            Newline,
            Let,
            Ident("y"),
            Assign,
            Int(1),
            Newline,
        ]
    );
    assert_eq!(
        toks("a = [1, (2\n\nreturn"),
        vec![
            Ident("a"),
            Assign,
            LBracket,
            Int(1),
            Comma,
            LParen,
            Int(2),
            Newline,
            Return,
        ]
    );
    // Without a newline there is nothing to emit.
    assert_eq!(toks("f(x if"), vec![Ident("f"), LParen, Ident("x"), If]);
    // Inside a block inside parentheses the keyword is fine.
    assert_eq!(
        toks("f(fn() { let a = 1 })"),
        vec![
            Ident("f"),
            LParen,
            Fn,
            LParen,
            RParen,
            LBrace,
            Let,
            Ident("a"),
            Assign,
            Int(1),
            RBrace,
            RParen,
        ]
    );
    // `.class` is a member name, not the start of a declaration.
    assert_eq!(
        toks("f(x\n.class)"),
        vec![Ident("f"), LParen, Ident("x"), Dot, Class, RParen]
    );
}

// ---------------------------------------------------------------------------
// Unexpected characters

#[test]
fn unexpected_characters_are_reported_and_skipped() {
    for (src, shown) in [
        ("!", "!"),
        ("'", "'"),
        ("\\", "\\"),
        ("@", "@"),
        ("é", "é"),
        ("#", "#"),
        ("`", "`"),
    ] {
        let full = format!("a {src} b");
        let (got, diags) = tokenize(&full, 0);
        assert_eq!(got, vec![Ident("a"), Ident("b")], "{src}");
        assert_eq!(diags.len(), 1, "{src}");
        assert_eq!(diags[0].message, format!("unexpected character `{shown}`"));
        assert_eq!(&full[diags[0].span.range()], src);
    }
    assert_eq!(
        errors("x ! y 'a' @ é z"),
        vec![
            err("unexpected character `!`", "!"),
            err("unexpected character `'`", "'"),
            err("unexpected character `'`", "'"),
            err("unexpected character `@`", "@"),
            err("unexpected character `é`", "é"),
        ]
    );
    assert_eq!(
        tokenize("x ! y 'a' @ é z", 0).0,
        vec![Ident("x"), Ident("y"), Ident("a"), Ident("z")]
    );
    // A non-ASCII letter is not part of an identifier.
    assert_eq!(errors("café"), vec![err("unexpected character `é`", "é")]);
    assert_eq!(tokenize("café", 0).0, vec![Ident("caf")]);
    // Inside a string these are ordinary characters.
    assert_eq!(toks("\"! ' @ é\""), vec![Str("! ' @ é".into())]);
}

#[test]
fn unexpected_character_help() {
    let (_, diags) = tokenize("!x", 0);
    assert!(diags[0].help.as_deref().unwrap().contains("`not`"));
    let (_, diags) = tokenize("'x'", 0);
    assert!(diags[0].help.as_deref().unwrap().contains("double quotes"));
}

#[test]
fn diagnostics_carry_the_file_id() {
    let (_, diags) = tokenize("@", 7);
    assert_eq!(diags[0].file, 7);
}
