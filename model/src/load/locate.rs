//! Positions in RON text: a lexer that knows strings, raw strings, chars, comments and
//! nesting, and a walker that maps document paths such as `edges[7].to` to the line and
//! column of that value.
//!
//! `ron` keeps no positions once it has deserialized a value, so every error found after
//! parsing is placed by walking the text again along the error's path. The walker reads
//! any RON that `ron` accepts, including hand-written text with several fields on a line,
//! explicit `Some(..)` and newtype variants written with or without their own parentheses.

use std::collections::HashMap;
use std::fmt;

use super::error::Position;

/// One step of a path into a document.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Segment {
    /// A named field of a struct or struct variant.
    Field(String),
    /// An element of a list.
    Index(usize),
    /// An entry of a map, by its string key. A path that ends here points at the key.
    Key(String),
}

/// A path into a document, such as `nodes[3].parent` or `verdicts["VIS-4"].date`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Path(pub Vec<Segment>);

impl Path {
    /// Creates the empty path, which names the whole document.
    pub fn root() -> Self {
        Self::default()
    }

    /// Returns this path extended by a field.
    pub fn field(&self, name: &str) -> Self {
        self.with(Segment::Field(name.to_owned()))
    }

    /// Returns this path extended by a list index.
    pub fn index(&self, index: usize) -> Self {
        self.with(Segment::Index(index))
    }

    /// Returns this path extended by a map key.
    pub fn key(&self, key: &str) -> Self {
        self.with(Segment::Key(key.to_owned()))
    }

    fn with(&self, segment: Segment) -> Self {
        let mut segments = self.0.clone();
        segments.push(segment);
        Self(segments)
    }

    /// Returns the name of the last named field or map key on the path, if any.
    pub fn last_field(&self) -> Option<&str> {
        self.0.iter().rev().find_map(|segment| match segment {
            Segment::Field(name) | Segment::Key(name) => Some(name.as_str()),
            Segment::Index(_) => None,
        })
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, segment) in self.0.iter().enumerate() {
            match segment {
                Segment::Field(name) if i == 0 => write!(f, "{name}")?,
                Segment::Field(name) => write!(f, ".{name}")?,
                Segment::Index(index) => write!(f, "[{index}]")?,
                Segment::Key(key) => write!(f, "[{key:?}]")?,
            }
        }
        Ok(())
    }
}

/// The kinds of token the walker needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TokenKind {
    /// `(`, `[` or `{`.
    Open(u8),
    /// `)`, `]` or `}`.
    Close(u8),
    Comma,
    Colon,
    /// A string, raw string, byte string, char or byte literal.
    Literal,
    /// An identifier, number or other run of characters, such as `#!`.
    Atom,
}

#[derive(Clone, Copy, Debug)]
struct Token {
    kind: TokenKind,
    start: usize,
    end: usize,
}

/// A tokenizer over RON text that skips whitespace and comments. It stops (returns `None`)
/// at the end of the text and at anything it cannot read, such as an unclosed string.
#[derive(Clone)]
struct Lexer<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Lexer<'a> {
    fn new(text: &'a str) -> Self {
        Self { text, pos: 0 }
    }

    fn rest(&self) -> &'a str {
        &self.text[self.pos..]
    }

    /// Skips whitespace and comments; returns false at an unclosed block comment.
    fn skip_trivia(&mut self) -> bool {
        loop {
            let rest = self.rest();
            let trimmed = rest.trim_start_matches(is_whitespace);
            self.pos += rest.len() - trimmed.len();

            if trimmed.starts_with("//") {
                self.pos += trimmed.find('\n').unwrap_or(trimmed.len());
            } else if trimmed.starts_with("/*") {
                match block_comment_len(trimmed) {
                    Some(len) => self.pos += len,
                    None => return false,
                }
            } else {
                return true;
            }
        }
    }

    fn next_token(&mut self) -> Option<Token> {
        if !self.skip_trivia() {
            return None;
        }
        let rest = self.rest();
        let start = self.pos;
        let first = *rest.as_bytes().first()?;
        let (kind, len) = match first {
            b'(' | b'[' | b'{' => (TokenKind::Open(first), 1),
            b')' | b']' | b'}' => (TokenKind::Close(first), 1),
            b',' => (TokenKind::Comma, 1),
            b':' => (TokenKind::Colon, 1),
            _ => match literal_len(rest) {
                Some(len) => (TokenKind::Literal, len?),
                None => (TokenKind::Atom, atom_len(rest)),
            },
        };
        if len == 0 {
            return None;
        }
        self.pos += len;
        Some(Token {
            kind,
            start,
            end: self.pos,
        })
    }

    fn peek(&self) -> Option<Token> {
        self.clone().next_token()
    }
}

fn is_whitespace(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200E}' | '\u{200F}')
}

/// Returns the length of a nested block comment at the start of `text`, or `None` when it
/// is not closed.
fn block_comment_len(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut level = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(b"/*") {
            level += 1;
            i += 2;
        } else if bytes[i..].starts_with(b"*/") {
            level -= 1;
            i += 2;
            if level == 0 {
                return Some(i);
            }
        } else {
            i += 1;
        }
    }
    None
}

/// Returns `Some(Some(len))` for a complete literal at the start of `text`, `Some(None)`
/// for an unclosed one and `None` when `text` does not start with a literal.
fn literal_len(text: &str) -> Option<Option<usize>> {
    let bytes = text.as_bytes();
    let prefix = usize::from(bytes.first() == Some(&b'b'));
    match bytes.get(prefix) {
        Some(b'"') => Some(quoted_len(text, prefix, b'"')),
        Some(b'\'') => Some(quoted_len(text, prefix, b'\'')),
        Some(b'r') => {
            let hashes = bytes[prefix + 1..]
                .iter()
                .take_while(|&&b| b == b'#')
                .count();
            if bytes.get(prefix + 1 + hashes) != Some(&b'"') {
                // `r#ident` is a raw identifier, `r` alone an identifier.
                return None;
            }
            let body = prefix + 2 + hashes;
            let closing = format!("\"{}", "#".repeat(hashes));
            Some(
                text.get(body..)?
                    .find(&closing)
                    .map(|end| body + end + closing.len()),
            )
        }
        _ => None,
    }
}

/// Returns the length of a `"` or `'` literal with backslash escapes.
fn quoted_len(text: &str, prefix: usize, quote: u8) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = prefix + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b if b == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// Returns the length of a run of characters that is no delimiter, literal or comment.
fn atom_len(text: &str) -> usize {
    let mut len = 0;
    for (i, c) in text.char_indices() {
        let delimiter = is_whitespace(c) || matches!(c, '(' | ')' | '[' | ']' | '{' | '}');
        let separator = matches!(c, ',' | ':' | '"' | '\'');
        if delimiter || separator || text[i..].starts_with("//") || text[i..].starts_with("/*") {
            break;
        }
        len = i + c.len_utf8();
    }
    len
}

/// The deepest nesting found past the limit: its byte offset.
pub fn find_excess_nesting(text: &str, max_depth: usize) -> Option<usize> {
    let mut lexer = Lexer::new(text);
    let mut depth = 0usize;
    while let Some(token) = lexer.next_token() {
        match token.kind {
            TokenKind::Open(_) => {
                depth += 1;
                if depth > max_depth {
                    return Some(token.start);
                }
            }
            TokenKind::Close(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// Maps byte offsets of one text to lines and columns (both from 1, columns in characters).
pub struct LineIndex<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// Indexes the line starts of a text.
    pub fn new(text: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self { text, line_starts }
    }

    /// Returns the line and column of a byte offset (clamped to the text).
    pub fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let start = self.line_starts[line];
        let column = self
            .text
            .get(start..offset)
            .map_or(offset - start, |prefix| prefix.chars().count());
        Position {
            line: line + 1,
            column: column + 1,
        }
    }

    /// Returns the byte offset of a line and column, as ron reports them.
    pub fn offset(&self, position: Position) -> usize {
        let Some(&start) = self.line_starts.get(position.line.saturating_sub(1)) else {
            return self.text.len();
        };
        let line = &self.text[start..];
        let skip = position.column.saturating_sub(1);
        start + line.char_indices().nth(skip).map_or(line.len(), |(i, _)| i)
    }
}

/// A trie of the requested paths, so one walk over the text places all of them.
#[derive(Default)]
struct Trie {
    children: HashMap<Segment, Trie>,
    /// Requested paths that pass through or end at this node.
    through: Vec<usize>,
}

/// Returns the byte offset of each path's value in `text`. A path that cannot be followed to
/// its end (a field left out because it holds its default, or a document migrated from an
/// older format) gets the offset of the deepest value on it that exists; the root is at the
/// start of the document's value.
pub fn locate_all(text: &str, paths: &[Path]) -> Vec<usize> {
    let mut trie = Trie::default();
    for (i, path) in paths.iter().enumerate() {
        let mut node = &mut trie;
        node.through.push(i);
        for segment in &path.0 {
            node = node.children.entry(segment.clone()).or_default();
            node.through.push(i);
        }
    }

    let mut offsets = vec![0; paths.len()];
    let mut walker = Walker {
        lexer: Lexer::new(text),
        offsets: &mut offsets,
    };
    walker.skip_attributes();
    walker.value(Some(&trie), true);
    offsets
}

/// Returns the offset of one path's value; see [`locate_all`].
pub fn locate(text: &str, path: &Path) -> usize {
    locate_all(text, std::slice::from_ref(path))[0]
}

struct Walker<'t, 'o> {
    lexer: Lexer<'t>,
    offsets: &'o mut [usize],
}

impl Walker<'_, '_> {
    /// Skips `#![enable(..)]` attributes before the value.
    fn skip_attributes(&mut self) {
        while self
            .lexer
            .peek()
            .is_some_and(|token| self.lexer.text[token.start..].starts_with("#!"))
        {
            self.lexer.next_token();
            if self
                .lexer
                .peek()
                .is_some_and(|t| t.kind == TokenKind::Open(b'['))
            {
                self.lexer.next_token();
                self.skip_group();
            }
        }
    }

    fn record(&mut self, node: Option<&Trie>, offset: usize) {
        if let Some(node) = node {
            for &i in &node.through {
                self.offsets[i] = offset;
            }
        }
    }

    /// Walks one value, recording its offset for the trie node it stands at when `record`
    /// is set. Returns false when the text ends or breaks off.
    fn value(&mut self, node: Option<&Trie>, record: bool) -> bool {
        let Some(token) = self.lexer.next_token() else {
            return false;
        };
        if record {
            self.record(node, token.start);
        }
        let wanted = node.filter(|node| !node.children.is_empty());
        match token.kind {
            TokenKind::Open(b'(') => self.group(wanted),
            TokenKind::Open(b'[') => self.list(wanted),
            TokenKind::Open(_) => self.map(wanted),
            TokenKind::Atom => {
                // A named struct or enum variant: `Zone(..)`, `Some(..)`, `Manual(days: 30)`.
                if self
                    .lexer
                    .peek()
                    .is_some_and(|t| t.kind == TokenKind::Open(b'('))
                {
                    self.lexer.next_token();
                    return self.group(wanted);
                }
                true
            }
            TokenKind::Literal => true,
            TokenKind::Close(_) | TokenKind::Comma | TokenKind::Colon => false,
        }
    }

    /// Walks the inside of `( .. )` after its opening parenthesis: named fields, or
    /// unnamed items. A single unnamed item (`Some(x)`, `Zone((..))`) is transparent: the
    /// path continues into it.
    fn group(&mut self, node: Option<&Trie>) -> bool {
        let Some(node) = node else {
            return self.skip_group();
        };
        let mut items = 0;
        loop {
            let Some(token) = self.lexer.peek() else {
                return false;
            };
            match token.kind {
                TokenKind::Close(_) => {
                    self.lexer.next_token();
                    return true;
                }
                TokenKind::Comma => {
                    self.lexer.next_token();
                    continue;
                }
                _ => {}
            }

            let ok = if let Some(name) = self.field_name() {
                let child = node.children.get(&Segment::Field(name.to_owned()));
                self.value(child, true)
            } else {
                items += 1;
                // Only the first unnamed item can be a wrapper around the value.
                self.value((items == 1).then_some(node), true)
            };
            if !ok {
                return false;
            }
        }
    }

    /// Consumes `name :` and returns the name, or consumes nothing.
    fn field_name(&mut self) -> Option<&str> {
        let mut ahead = self.lexer.clone();
        let name = ahead.next_token()?;
        if name.kind != TokenKind::Atom || ahead.next_token()?.kind != TokenKind::Colon {
            return None;
        }
        self.lexer = ahead;
        let text = &self.lexer.text[name.start..name.end];
        Some(text.strip_prefix("r#").unwrap_or(text))
    }

    fn list(&mut self, node: Option<&Trie>) -> bool {
        let Some(node) = node else {
            return self.skip_group();
        };
        let mut index = 0;
        loop {
            let Some(token) = self.lexer.peek() else {
                return false;
            };
            match token.kind {
                TokenKind::Close(_) => {
                    self.lexer.next_token();
                    return true;
                }
                TokenKind::Comma => {
                    self.lexer.next_token();
                }
                _ => {
                    let child = node.children.get(&Segment::Index(index));
                    if !self.value(child, true) {
                        return false;
                    }
                    index += 1;
                }
            }
        }
    }

    fn map(&mut self, node: Option<&Trie>) -> bool {
        let Some(node) = node else {
            return self.skip_group();
        };
        loop {
            let Some(token) = self.lexer.peek() else {
                return false;
            };
            match token.kind {
                TokenKind::Close(_) => {
                    self.lexer.next_token();
                    return true;
                }
                TokenKind::Comma => {
                    self.lexer.next_token();
                }
                _ => {
                    let key_text = &self.lexer.text[token.start..token.end];
                    let key = unquote(key_text);
                    let child = key.and_then(|key| node.children.get(&Segment::Key(key)));
                    if !self.value(child, true) {
                        return false;
                    }
                    if self.lexer.next_token().map(|t| t.kind) != Some(TokenKind::Colon) {
                        return false;
                    }
                    // The key keeps its own offset; the entry's fields are in its value.
                    if !self.value(child, false) {
                        return false;
                    }
                }
            }
        }
    }

    /// Skips to the matching close of an already opened group.
    fn skip_group(&mut self) -> bool {
        let mut depth = 1usize;
        while let Some(token) = self.lexer.next_token() {
            match token.kind {
                TokenKind::Open(_) => depth += 1,
                TokenKind::Close(_) => {
                    depth -= 1;
                    if depth == 0 {
                        return true;
                    }
                }
                _ => {}
            }
        }
        false
    }
}

/// Returns the text of a plain string literal (escapes resolved by `ron`), or `None` for
/// anything else.
fn unquote(literal: &str) -> Option<String> {
    if literal.starts_with('"') || literal.starts_with('r') {
        ron::from_str::<String>(literal).ok()
    } else {
        None
    }
}

/// Returns the token (literal, number or name) that starts at a byte offset, after any
/// whitespace and comments.
pub fn token_at(text: &str, offset: usize) -> Option<&str> {
    let mut lexer = Lexer {
        text,
        pos: offset.min(text.len()),
    };
    if !text.is_char_boundary(lexer.pos) {
        return None;
    }
    let token = lexer.next_token()?;
    matches!(token.kind, TokenKind::Literal | TokenKind::Atom)
        .then(|| &text[token.start..token.end])
}

/// Returns the path of the innermost value that contains a byte offset, as far as the text
/// can be read up to that offset. Used to name the field of a parse error.
pub fn path_at(text: &str, offset: usize) -> Path {
    let mut lexer = Lexer::new(text);
    let mut walker = Walker {
        lexer: lexer.clone(),
        offsets: &mut [],
    };
    walker.skip_attributes();
    lexer = walker.lexer;

    let mut finder = PathFinder {
        lexer,
        offset,
        path: Vec::new(),
    };
    finder.value();
    Path(finder.path)
}

/// Follows the text to an offset, keeping the path of the value it is in.
struct PathFinder<'t> {
    lexer: Lexer<'t>,
    offset: usize,
    path: Vec<Segment>,
}

/// Whether the walk reached the offset (stop) or finished the value before it (go on).
#[derive(PartialEq, Eq)]
enum Flow {
    Done,
    Continue,
}

impl PathFinder<'_> {
    fn past(&self, token: &Token) -> bool {
        token.start >= self.offset
    }

    fn value(&mut self) -> Flow {
        let Some(token) = self.lexer.next_token() else {
            return Flow::Done;
        };
        if token.end > self.offset && !matches!(token.kind, TokenKind::Open(_)) {
            return Flow::Done;
        }
        match token.kind {
            TokenKind::Open(b'[') => self.list(),
            TokenKind::Open(b'{') => self.map(),
            TokenKind::Open(_) => self.group(),
            TokenKind::Atom => {
                if self
                    .lexer
                    .peek()
                    .is_some_and(|t| t.kind == TokenKind::Open(b'('))
                {
                    self.lexer.next_token();
                    return self.group();
                }
                Flow::Continue
            }
            TokenKind::Literal => Flow::Continue,
            _ => Flow::Done,
        }
    }

    fn group(&mut self) -> Flow {
        loop {
            let Some(token) = self.lexer.peek() else {
                return Flow::Done;
            };
            if self.past(&token) {
                return Flow::Done;
            }
            match token.kind {
                TokenKind::Close(_) => {
                    self.lexer.next_token();
                    return Flow::Continue;
                }
                TokenKind::Comma => {
                    self.lexer.next_token();
                    continue;
                }
                _ => {}
            }

            let mut ahead = self.lexer.clone();
            let named = ahead.next_token().filter(|t| t.kind == TokenKind::Atom);
            if let Some(name) = named
                && ahead.next_token().map(|t| t.kind) == Some(TokenKind::Colon)
            {
                let text = &self.lexer.text[name.start..name.end];
                self.path.push(Segment::Field(
                    text.strip_prefix("r#").unwrap_or(text).to_owned(),
                ));
                self.lexer = ahead;
                if self.value() == Flow::Done {
                    return Flow::Done;
                }
                self.path.pop();
            } else if self.value() == Flow::Done {
                return Flow::Done;
            }
        }
    }

    fn list(&mut self) -> Flow {
        let mut index = 0;
        loop {
            let Some(token) = self.lexer.peek() else {
                return Flow::Done;
            };
            if self.past(&token) {
                return Flow::Done;
            }
            match token.kind {
                TokenKind::Close(_) => {
                    self.lexer.next_token();
                    return Flow::Continue;
                }
                TokenKind::Comma => {
                    self.lexer.next_token();
                }
                _ => {
                    self.path.push(Segment::Index(index));
                    if self.value() == Flow::Done {
                        return Flow::Done;
                    }
                    self.path.pop();
                    index += 1;
                }
            }
        }
    }

    fn map(&mut self) -> Flow {
        loop {
            let Some(token) = self.lexer.peek() else {
                return Flow::Done;
            };
            if self.past(&token) {
                return Flow::Done;
            }
            match token.kind {
                TokenKind::Close(_) => {
                    self.lexer.next_token();
                    return Flow::Continue;
                }
                TokenKind::Comma => {
                    self.lexer.next_token();
                }
                _ => {
                    let key = unquote(&self.lexer.text[token.start..token.end]);
                    self.path.push(Segment::Key(key.unwrap_or_default()));
                    if self.value() == Flow::Done {
                        return Flow::Done;
                    }
                    match self.lexer.next_token() {
                        Some(colon) if colon.kind == TokenKind::Colon && !self.past(&colon) => {}
                        _ => return Flow::Done,
                    }
                    if self.value() == Flow::Done {
                        return Flow::Done;
                    }
                    self.path.pop();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn position_of(text: &str, path: &Path) -> (usize, usize) {
        let offset = locate(text, path);
        let position = LineIndex::new(text).position(offset);
        (position.line, position.column)
    }

    fn path(segments: &[Segment]) -> Path {
        Path(segments.to_vec())
    }

    use Segment::{Field, Index, Key};

    fn f(name: &str) -> Segment {
        Field(name.to_owned())
    }

    #[test]
    fn locate_fields_on_one_line() {
        let text = r#"(format: 1, name: "x", nodes: [(id: "a", label: "A"), (id: "b", parent: Some("z"))])"#;
        // `(id: "b", parent: Some("z"))` is the second node; its parent's value starts at
        // the `S` of `Some`: 72 characters precede it, so it is column 73.
        let parent = path(&[f("nodes"), Index(1), f("parent")]);
        assert_eq!(position_of(text, &parent), (1, 73));
        let label = path(&[f("nodes"), Index(0), f("label")]);
        assert_eq!(position_of(text, &label), (1, 49));
    }

    #[test]
    fn locate_skips_comments_and_strings() {
        let text = "(\n  // nodes: [ (\n  /* a /* nested */ ) */ name: \"a ) ] \\\" (\",\n  nodes: [r#\"(\"#, (id: \"q\")],\n)";
        // Line 4 is `  nodes: [r#"("#, (id: "q")],`; 23 characters precede the second
        // element's `id` value, so it is column 24.
        let id = path(&[f("nodes"), Index(1), f("id")]);
        assert_eq!(position_of(text, &id), (4, 24));
    }

    #[test]
    fn locate_map_key_and_value() {
        let text = "#![enable(implicit_some)]\n(verdicts: {\n    \"ID-1\": (date: \"x\"),\n    \"VIS-4\": (verdict: Pass, date: \"2026-13-01\"),\n})";
        let key = path(&[f("verdicts"), Key("VIS-4".into())]);
        assert_eq!(position_of(text, &key), (4, 5));
        let date = path(&[f("verdicts"), Key("VIS-4".into()), f("date")]);
        assert_eq!(position_of(text, &date), (4, 36));
    }

    #[test]
    fn locate_through_newtype_wrappers() {
        let explicit = "(kind: Key((rotation: Manual(days: 0))))";
        let unwrapped = "(kind: Key(rotation: Manual(days: 0)))";
        let days = path(&[f("kind"), f("rotation"), f("days")]);
        assert_eq!(position_of(explicit, &days), (1, 36));
        assert_eq!(position_of(unwrapped, &days), (1, 35));
    }

    #[test]
    fn locate_missing_field_falls_back() {
        let text = "(nodes: [(id: \"a\")])";
        let missing = path(&[f("nodes"), Index(0), f("parent")]);
        assert_eq!(position_of(text, &missing), (1, 10));
    }

    #[test]
    fn path_at_names_field() {
        let text = "(nodes: [(id: \"a\"), (id: \"b\", size: (width: x))])";
        let offset = text.find("x)").unwrap_or_default();
        assert_eq!(path_at(text, offset).to_string(), "nodes[1].size.width");
    }

    #[test]
    fn nesting_limit_finds_excess() {
        let deep = format!("{}{}", "[".repeat(5), "]".repeat(5));
        assert_eq!(find_excess_nesting(&deep, 5), None);
        assert_eq!(find_excess_nesting(&deep, 4), Some(4));
        let in_string = format!("\"{}\"", "[".repeat(50));
        assert_eq!(find_excess_nesting(&in_string, 4), None);
    }

    #[test]
    fn line_index_counts_characters() {
        let text = "ab\nçé x";
        let index = LineIndex::new(text);
        let offset = text.find('x').unwrap_or_default();
        assert_eq!(index.position(offset), Position { line: 2, column: 4 });
        assert_eq!(index.offset(Position { line: 2, column: 4 }), offset);
    }
}
