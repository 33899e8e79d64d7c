//! Bounded YAML loading for the importers.
//!
//! YAML aliases let a small file describe a huge tree: nine nested anchors of ten aliases
//! each (the "billion laughs" file) expand to a billion nodes. `serde_norway` 0.9 limits
//! nesting to 128 levels and alias jumps to 100 times the number of parse events. That still
//! lets many aliases repeat one large anchor, so the expanded tree can grow with the square
//! of the input size. [`load`] therefore builds the [`Value`] itself and counts
//! every node it creates, aliases expanded, against a budget that grows with the input
//! length. The load stops with an error as soon as the count passes the budget. Merge keys
//! (`<<: *base`) are resolved afterwards with [`Value::apply_merge`], which only moves
//! entries that the budget already counted.
//!
//! The loader also rejects a key repeated in one mapping, which `serde_norway` would accept
//! while keeping only one of its values. It checks for control characters itself because
//! libyaml reports them by byte offset, without a line and column.

use std::cell::Cell;
use std::fmt;

use serde::de::{DeserializeSeed, EnumAccess, MapAccess, SeqAccess, Visitor};
use serde_norway::value::{Tag, TaggedValue};
use serde_norway::{Mapping, Value};

/// Limits on a YAML input and on the tree its aliases expand to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct YamlLimits {
    /// Largest input accepted, in bytes.
    pub max_bytes: usize,
    /// Maximum nesting of sequences and mappings. `serde_norway` rejects nesting deeper
    /// than 128 levels whatever this value is.
    pub max_depth: usize,
    /// Nodes always allowed, however short the input.
    pub base_nodes: usize,
    /// Further nodes allowed per input byte.
    pub nodes_per_byte: usize,
    /// Nodes never exceeded, however long the input.
    pub max_nodes: usize,
}

impl Default for YamlLimits {
    fn default() -> Self {
        Self {
            max_bytes: 64 * 1024 * 1024,
            max_depth: 128,
            base_nodes: 100_000,
            nodes_per_byte: 4,
            max_nodes: 4_000_000,
        }
    }
}

impl YamlLimits {
    /// Returns how many nodes an input of this length may expand to. Without aliases a node
    /// takes at least one byte, so the budget only stops inputs whose aliases repeat
    /// their anchors many times over.
    pub fn node_budget(&self, input_len: usize) -> usize {
        input_len
            .saturating_mul(self.nodes_per_byte)
            .saturating_add(self.base_nodes)
            .min(self.max_nodes)
    }
}

/// An error from loading a YAML input. Its message leaves out the position, which
/// [`YamlError::location`] returns, so that the caller can put it after the file name.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum YamlError {
    /// The text is not valid YAML.
    #[error("invalid YAML: {message}")]
    Syntax {
        /// Position where the parser stopped, if known.
        location: Location,
        /// The parser's message, without the position.
        message: String,
    },
    /// The text contains a character that YAML does not allow anywhere, such as a C0
    /// control character other than tab, line feed and carriage return.
    #[error(
        "invalid YAML: control character U+{code:04X} is not allowed; remove it, or write it \
         as an escape in a double-quoted string"
    )]
    ControlCharacter {
        /// The character's code point.
        code: u32,
        /// Position of the character.
        location: Location,
    },
    /// A mapping contains the same key twice, so one of the values would be lost.
    #[error("invalid YAML: duplicate key `{key}` in a mapping; rename or remove one of them")]
    DuplicateKey {
        /// The repeated key, as a string.
        key: String,
        /// Position of the second occurrence, if known.
        location: Location,
    },
    /// The input is longer than [`YamlLimits::max_bytes`].
    #[error("the input is {bytes} bytes long, more than the limit of {max} bytes")]
    TooLarge {
        /// Input length in bytes.
        bytes: usize,
        /// The limit in bytes.
        max: usize,
    },
    /// Aliases are expanded more often than `serde_norway` allows: 100 expansions per
    /// parse event.
    #[error(
        "YAML aliases are expanded too often; \
         remove the repeated aliases or inline fewer copies"
    )]
    AliasRepetition {
        /// Position where the parser stopped, if known.
        location: Location,
    },
    /// Sequences and mappings nest deeper than the limit.
    #[error("YAML nesting is deeper than {max} levels")]
    TooDeep {
        /// The limit in levels.
        max: usize,
        /// Position where the nesting passed the limit, if known.
        location: Location,
    },
    /// Aliases expand to more nodes than the budget allows.
    #[error(
        "YAML aliases expand to more than {max} nodes; \
         remove the repeated aliases or inline fewer copies"
    )]
    TooManyNodes {
        /// The node budget for this input.
        max: usize,
        /// Position where the count passed the budget, if known.
        location: Location,
    },
}

impl YamlError {
    /// Returns the position of the error in the input, if known.
    pub fn location(&self) -> Location {
        match self {
            Self::Syntax { location, .. }
            | Self::ControlCharacter { location, .. }
            | Self::DuplicateKey { location, .. }
            | Self::AliasRepetition { location }
            | Self::TooDeep { location, .. }
            | Self::TooManyNodes { location, .. } => *location,
            Self::TooLarge { .. } => Location::default(),
        }
    }
}

/// A 1-based line and column in the input, or none.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Location(pub Option<(usize, usize)>);

impl Location {
    /// Returns the line, 1-based.
    pub fn line(self) -> Option<usize> {
        self.0.map(|(line, _)| line)
    }

    /// Returns the column, 1-based.
    pub fn column(self) -> Option<usize> {
        self.0.map(|(_, column)| column)
    }

    fn of(error: &serde_norway::Error) -> Self {
        Self(
            error
                .location()
                .map(|location| (location.line(), location.column())),
        )
    }
}

/// Formats as `:line:column`, to follow a file name, or as nothing when the position is
/// not known.
impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some((line, column)) => write!(f, ":{line}:{column}"),
            None => Ok(()),
        }
    }
}

/// Returns the message of a `serde_norway` error without the ` at line L column C` that it
/// appends for the position where the parser stopped, which [`Location::of`] reports.
fn message_of(error: &serde_norway::Error) -> String {
    let message = error.to_string();
    match error.location() {
        Some(location) => {
            let suffix = format!(" at line {} column {}", location.line(), location.column());
            message.replacen(&suffix, "", 1)
        }
        None => message,
    }
}

/// Parses one YAML document within `limits`, expands its aliases and resolves its merge
/// keys.
pub fn load(text: &str, limits: &YamlLimits) -> Result<Value, YamlError> {
    if text.len() > limits.max_bytes {
        return Err(YamlError::TooLarge {
            bytes: text.len(),
            max: limits.max_bytes,
        });
    }

    check_characters(text)?;
    check_flow_depth(text, limits.max_depth)?;

    let budget = Budget {
        remaining: Cell::new(limits.node_budget(text.len())),
        max_nodes: limits.node_budget(text.len()),
        max_depth: limits.max_depth,
        exceeded: Cell::new(None),
    };
    let deserializer = serde_norway::Deserializer::from_str(text);
    let mut value = BoundedValue {
        budget: &budget,
        depth: 0,
    }
    .deserialize(deserializer)
    .map_err(|error| budget.classify(&error))?;

    value.apply_merge().map_err(|error| YamlError::Syntax {
        location: Location::of(&error),
        message: message_of(&error),
    })?;
    Ok(value)
}

/// Rejects the first character outside YAML's printable set: tab, line feed, carriage
/// return, U+0020 to U+007E, U+0085, U+00A0 to U+D7FF, U+E000 to U+FFFD and the planes
/// above. libyaml rejects the same set but reports only the byte offset.
fn check_characters(text: &str) -> Result<(), YamlError> {
    let is_printable = |c: char| {
        matches!(c, '\t' | '\n' | '\r' | ' '..='~' | '\u{85}' | '\u{A0}'..='\u{D7FF}')
            || matches!(c, '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
    };
    let Some(offset) = text.find(|c: char| !is_printable(c)) else {
        return Ok(());
    };

    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    let code = text[offset..].chars().next().map_or(0, u32::from);
    Err(YamlError::ControlCharacter {
        code,
        location: Location(Some((line, column))),
    })
}

/// Rejects flow collections (`[...]`, `{...}`) nested deeper than `max_depth`.
///
/// libyaml's scanner spends time proportional to the nesting depth on each token inside
/// flow collections, so ten thousand nested brackets take seconds to parse before the
/// parser's own depth limit applies. This scan runs first, in linear time, and skips
/// quoted scalars and comments. Brackets inside block scalars and plain text count too,
/// but that only matters for text with more than `max_depth` unclosed brackets.
fn check_flow_depth(text: &str, max_depth: usize) -> Result<(), YamlError> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut comment = false;
    let mut previous = '\n';
    let (mut line, mut column) = (1, 0);
    let mut chars = text.chars().peekable();

    while let Some(c) = chars.next() {
        column += 1;
        if c == '\n' {
            (line, column) = (line + 1, 0);
            comment = false;
        }
        match quote {
            _ if comment => {}
            Some('"') if c == '\\' => {
                // Skip the escaped character, unless it is a line break.
                if chars.peek().is_some_and(|&next| next != '\n') {
                    chars.next();
                    column += 1;
                }
            }
            Some(open) if c == open => {
                if open == '\'' && chars.peek() == Some(&'\'') {
                    chars.next();
                    column += 1;
                } else {
                    quote = None;
                }
            }
            Some(_) => {}
            None => {
                let starts_token = previous.is_whitespace() || "[{,".contains(previous);
                match c {
                    '#' if starts_token => comment = true,
                    '"' | '\'' if starts_token => quote = Some(c),
                    '[' | '{' => {
                        depth += 1;
                        if depth > max_depth {
                            return Err(YamlError::TooDeep {
                                max: max_depth,
                                location: Location(Some((line, column))),
                            });
                        }
                    }
                    ']' | '}' => depth = depth.saturating_sub(1),
                    _ => {}
                }
            }
        }
        previous = c;
    }
    Ok(())
}

/// The limit a load passed or the rule it broke, remembered so that the error names it
/// rather than the parser's wrapping of it.
#[derive(Clone, Debug)]
enum Exceeded {
    Nodes,
    Depth,
    /// A mapping repeats this key.
    DuplicateKey(String),
}

struct Budget {
    remaining: Cell<usize>,
    max_nodes: usize,
    max_depth: usize,
    exceeded: Cell<Option<Exceeded>>,
}

impl Budget {
    fn take_node<E: serde::de::Error>(&self) -> Result<(), E> {
        match self.remaining.get().checked_sub(1) {
            Some(remaining) => {
                self.remaining.set(remaining);
                Ok(())
            }
            None => {
                self.exceeded.set(Some(Exceeded::Nodes));
                Err(E::custom("node budget exceeded"))
            }
        }
    }

    fn enter<E: serde::de::Error>(&self, depth: usize) -> Result<(), E> {
        if depth > self.max_depth {
            self.exceeded.set(Some(Exceeded::Depth));
            return Err(E::custom("nesting limit exceeded"));
        }
        Ok(())
    }

    /// Records a key that a mapping repeats.
    fn duplicate_key<E: serde::de::Error>(&self, key: &Value) -> E {
        let key = match key {
            Value::String(text) => text.clone(),
            other => serde_norway::to_string(other)
                .map(|text| text.trim_end().to_owned())
                .unwrap_or_else(|_| format!("{other:?}")),
        };
        self.exceeded.set(Some(Exceeded::DuplicateKey(key)));
        E::custom("duplicate key")
    }

    fn classify(&self, error: &serde_norway::Error) -> YamlError {
        let location = Location::of(error);
        match self.exceeded.take() {
            Some(Exceeded::DuplicateKey(key)) => YamlError::DuplicateKey { key, location },
            Some(Exceeded::Nodes) => YamlError::TooManyNodes {
                max: self.max_nodes,
                location,
            },
            Some(Exceeded::Depth) => YamlError::TooDeep {
                max: self.max_depth,
                location,
            },
            // serde_norway has no error kind to match on, only its message.
            None if error.to_string().starts_with("repetition limit exceeded") => {
                YamlError::AliasRepetition { location }
            }
            None if error.to_string().starts_with("recursion limit exceeded") => {
                YamlError::TooDeep {
                    max: self.max_depth.min(128),
                    location,
                }
            }
            None => YamlError::Syntax {
                location,
                message: message_of(error),
            },
        }
    }
}

/// A [`Value`] deserialized node by node against a [`Budget`].
#[derive(Clone, Copy)]
struct BoundedValue<'a> {
    budget: &'a Budget,
    depth: usize,
}

impl BoundedValue<'_> {
    fn child(self) -> Self {
        Self {
            budget: self.budget,
            depth: self.depth + 1,
        }
    }

    fn leaf<E: serde::de::Error>(self, value: Value) -> Result<Value, E> {
        self.budget.take_node()?;
        Ok(value)
    }
}

impl<'de> DeserializeSeed<'de> for BoundedValue<'_> {
    type Value = Value;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for BoundedValue<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E: serde::de::Error>(self, value: bool) -> Result<Value, E> {
        self.leaf(Value::Bool(value))
    }

    fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<Value, E> {
        self.leaf(Value::Number(value.into()))
    }

    fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<Value, E> {
        self.leaf(Value::Number(value.into()))
    }

    fn visit_f64<E: serde::de::Error>(self, value: f64) -> Result<Value, E> {
        self.leaf(Value::Number(value.into()))
    }

    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Value, E> {
        self.leaf(Value::String(value.to_owned()))
    }

    fn visit_string<E: serde::de::Error>(self, value: String) -> Result<Value, E> {
        self.leaf(Value::String(value))
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Value, E> {
        self.leaf(Value::Null)
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Value, E> {
        self.leaf(Value::Null)
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        self.deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.budget.take_node()?;
        self.budget.enter(self.depth + 1)?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self.child())? {
            items.push(item);
        }
        Ok(Value::Sequence(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        self.budget.take_node()?;
        self.budget.enter(self.depth + 1)?;
        let mut mapping = Mapping::new();
        loop {
            let seed = UniqueKey {
                value: self.child(),
                mapping: &mapping,
            };
            let Some(key) = map.next_key_seed(seed)? else {
                break;
            };
            let value = map.next_value_seed(self.child())?;
            mapping.insert(key, value);
        }
        Ok(Value::Mapping(mapping))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        use serde::de::VariantAccess as _;

        self.budget.take_node()?;
        let (tag, contents) = data.variant::<String>()?;
        let value = contents.newtype_variant_seed(self.child())?;
        Ok(Value::Tagged(Box::new(TaggedValue {
            tag: Tag::new(tag),
            value,
        })))
    }
}

/// A mapping key that must not already be in `mapping`. The check runs while the parser is
/// still at the key, so that the parser gives the error the key's position.
struct UniqueKey<'a, 'm> {
    value: BoundedValue<'a>,
    mapping: &'m Mapping,
}

impl UniqueKey<'_, '_> {
    fn check<E: serde::de::Error>(&self, key: Value) -> Result<Value, E> {
        if self.mapping.contains_key(&key) {
            return Err(self.value.budget.duplicate_key(&key));
        }
        Ok(key)
    }
}

impl<'de> DeserializeSeed<'de> for UniqueKey<'_, '_> {
    type Value = Value;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

/// Builds the key as [`BoundedValue`] does, then checks it.
impl<'de> Visitor<'de> for UniqueKey<'_, '_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a YAML mapping key")
    }

    fn visit_bool<E: serde::de::Error>(self, value: bool) -> Result<Value, E> {
        self.check(self.value.visit_bool(value)?)
    }

    fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<Value, E> {
        self.check(self.value.visit_i64(value)?)
    }

    fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<Value, E> {
        self.check(self.value.visit_u64(value)?)
    }

    fn visit_f64<E: serde::de::Error>(self, value: f64) -> Result<Value, E> {
        self.check(self.value.visit_f64(value)?)
    }

    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Value, E> {
        self.check(self.value.visit_str(value)?)
    }

    fn visit_string<E: serde::de::Error>(self, value: String) -> Result<Value, E> {
        self.check(self.value.visit_string(value)?)
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Value, E> {
        self.check(self.value.visit_unit()?)
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Value, E> {
        self.check(self.value.visit_none()?)
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        let key = self.value.visit_some(deserializer)?;
        self.check(key)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Value, A::Error> {
        self.check(self.value.visit_seq(seq)?)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Value, A::Error> {
        self.check(self.value.visit_map(map)?)
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        self.check(self.value.visit_enum(data)?)
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;

    /// Nine levels of ten aliases each: 10^9 leaves once expanded.
    fn billion_laughs() -> String {
        let mut text = String::from("a0: &a0 [\"lol\"]\n");
        for level in 1..=9 {
            let aliases = vec![format!("*a{}", level - 1); 10].join(", ");
            text.push_str(&format!("a{level}: &a{level} [{aliases}]\n"));
        }
        text
    }

    #[test]
    fn merge_keys_resolve() {
        let text = "base: &base {x: 1, y: 2}\nderived:\n  <<: *base\n  y: 3\n";
        let value = load(text, &YamlLimits::default()).expect("valid YAML");

        // `x` comes only from the merge; `y` is overridden by the derived mapping.
        assert_eq!(value["derived"]["x"], Value::from(1));
        assert_eq!(value["derived"]["y"], Value::from(3));
        assert!(value["derived"].get("<<").is_none());
    }

    #[test]
    fn billion_laughs_rejected_quickly() {
        let text = billion_laughs();
        let start = Instant::now();
        let error = load(&text, &YamlLimits::default()).expect_err("must be rejected");
        let elapsed = start.elapsed();

        // serde_norway's own limit on alias expansions stops this small file first.
        assert!(
            matches!(error, YamlError::AliasRepetition { .. }),
            "unexpected error: {error}"
        );
        assert!(error.to_string().contains("aliases are expanded too often"));
        assert!(elapsed < Duration::from_secs(2), "took {elapsed:?}");
    }

    #[test]
    fn one_anchor_many_aliases_rejected() {
        // A 20,000-item anchor repeated by 2,000 aliases: 40 million nodes from 100 kB,
        // within serde_norway's alias jump limit but far past the node budget.
        let items = vec!["x"; 20_000].join(",");
        let mut text = format!("a: &a [{items}]\nb:\n");
        for _ in 0..2_000 {
            text.push_str("- *a\n");
        }
        let error = load(&text, &YamlLimits::default()).expect_err("must be rejected");

        assert!(matches!(error, YamlError::TooManyNodes { .. }), "{error}");
        assert!(error.to_string().contains("aliases expand to more than"));
    }

    #[test]
    fn deep_nesting_rejected_quickly() {
        let text = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let start = Instant::now();
        let error = load(&text, &YamlLimits::default()).expect_err("must be rejected");
        let elapsed = start.elapsed();

        assert!(
            matches!(error, YamlError::TooDeep { max: 128, .. }),
            "{error}"
        );
        assert!(error.to_string().contains("deeper than 128 levels"));
        assert!(elapsed < Duration::from_secs(2), "took {elapsed:?}");
    }

    #[test]
    fn configured_depth_limit_applies() {
        let limits = YamlLimits {
            max_depth: 3,
            ..YamlLimits::default()
        };
        // Depth 3 passes, depth 4 does not.
        assert!(load("[[[1]]]", &limits).is_ok());
        let error = load("[[[[1]]]]", &limits).expect_err("too deep");

        assert!(
            matches!(error, YamlError::TooDeep { max: 3, .. }),
            "{error}"
        );
    }

    #[test]
    fn oversized_input_rejected() {
        let limits = YamlLimits {
            max_bytes: 10,
            ..YamlLimits::default()
        };
        let error = load("key: a longer value", &limits).expect_err("too large");

        assert_eq!(error, YamlError::TooLarge { bytes: 19, max: 10 });
    }

    #[test]
    fn syntax_error_has_position() {
        let error = load("a: [1, 2\nb: c", &YamlLimits::default()).expect_err("invalid");

        let YamlError::Syntax { location, .. } = error else {
            panic!("unexpected error: {error}");
        };
        assert_eq!(location.line(), Some(2));
    }

    #[test]
    fn flow_depth_scan_skips_quotes_and_comments() {
        // Brackets inside quotes and comments do not nest; the deepest real nesting is
        // the root mapping, a sequence and a mapping: three levels.
        let text = "a: \"[[[\\\"[[\"\nb: '[[['' [['\nc: it's [[x]] # [[[\nd: [{e: 1}]\n";
        let limits = YamlLimits {
            max_depth: 3,
            ..YamlLimits::default()
        };
        let value = load(text, &limits).expect("three levels at most");

        assert_eq!(value["a"], Value::from("[[[\"[["));
        assert_eq!(value["b"], Value::from("[[[' [["));
        assert_eq!(
            check_flow_depth("[[[[1]]]]", 3),
            Err(YamlError::TooDeep {
                max: 3,
                location: Location(Some((1, 4))),
            })
        );
    }

    #[test]
    fn duplicate_key_rejected_with_position() {
        // The second `A` is on line 4, in the mapping under `technical_assets`.
        let text = "technical_assets:\n  A:\n    id: a\n  A:\n    id: b\n";
        let error = load(text, &YamlLimits::default()).expect_err("duplicate key");

        let YamlError::DuplicateKey { key, location } = &error else {
            panic!("unexpected error: {error}");
        };
        assert_eq!(key, "A");
        assert_eq!(location.line(), Some(4), "{error}");
        assert!(error.to_string().contains("duplicate key `A`"), "{error}");
    }

    #[test]
    fn same_key_in_sibling_mappings_allowed() {
        let text = "a:\n  id: 1\nb:\n  id: 2\n";
        let value = load(text, &YamlLimits::default()).expect("valid YAML");

        assert_eq!(value["b"]["id"], Value::from(2));
    }

    #[test]
    fn control_character_has_line_and_column() {
        // The bell character is the fourth character of line 2.
        let text = "title: ok\nname: a\u{7}b\n";
        let error = load(text, &YamlLimits::default()).expect_err("control character");

        assert_eq!(
            error,
            YamlError::ControlCharacter {
                code: 7,
                location: Location(Some((2, 8))),
            }
        );
        assert!(error.to_string().contains("U+0007"), "{error}");
    }

    #[test]
    fn printable_characters_accepted() {
        let text = "a: \"tab\there\"\r\nb: é — 𝄞 \u{85}\n";

        assert_eq!(check_characters(text), Ok(()));
        assert!(check_characters("a: \u{7F}").is_err());
        assert!(check_characters("a: \u{FFFE}").is_err());
    }

    #[test]
    fn syntax_message_leaves_out_position() {
        let error = load("a: *missing\n", &YamlLimits::default()).expect_err("unknown anchor");

        assert_eq!(error.to_string(), "invalid YAML: unknown anchor");
        assert_eq!(error.location().to_string(), ":1:4");
    }

    #[test]
    fn leading_byte_order_mark_skipped() {
        let value = load("\u{feff}a: 1\n", &YamlLimits::default()).expect("valid YAML");

        assert_eq!(value["a"], Value::from(1));
    }

    #[test]
    fn tags_are_kept() {
        let value = load("a: !custom 5", &YamlLimits::default()).expect("valid YAML");

        let Value::Tagged(tagged) = &value["a"] else {
            panic!("not tagged: {value:?}");
        };
        assert_eq!(tagged.tag, Tag::new("custom"));
        assert_eq!(tagged.value, Value::from(5));
    }
}
