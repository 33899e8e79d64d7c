//! Reading JSON inputs: parsing that reports where the text stops being JSON, and typed
//! access to fields that names the dotted path of any field that does not fit the format.

use serde_json::{Map, Value};

use crate::import::ImportError;

/// Largest string shown as the found value in an error, in characters.
const MAX_SHOWN_CHARS: usize = 40;

/// Parses JSON text. serde_json stops at 128 levels of nesting, so deep input fails here
/// with an error instead of overflowing the stack.
pub(crate) fn parse(text: &str, file: &str) -> Result<Value, ImportError> {
    let text = text.trim_start_matches('\u{feff}');
    serde_json::from_str(text).map_err(|error| ImportError::Json {
        file: file.to_owned(),
        line: error.line(),
        column: error.column(),
        message: without_position(&error.to_string()),
    })
}

/// Drops serde_json's trailing " at line L column C", which the error repeats in its own
/// fields.
fn without_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

/// A value inside a JSON input with the path that leads to it.
#[derive(Clone, Debug)]
pub(crate) struct Field<'a> {
    file: &'a str,
    path: String,
    value: &'a Value,
}

impl<'a> Field<'a> {
    /// The whole input.
    pub fn root(file: &'a str, value: &'a Value) -> Self {
        Self {
            file,
            path: String::new(),
            value,
        }
    }

    /// Returns the dotted path, such as `detail.diagrams[0].cells[3].data`.
    pub fn path(&self) -> &str {
        if self.path.is_empty() {
            "(root)"
        } else {
            &self.path
        }
    }

    /// Returns the value.
    pub fn value(&self) -> &'a Value {
        self.value
    }

    /// Returns the member `key` of an object, or `None` when it is missing or null. A value
    /// that is not an object has no members.
    pub fn get(&self, key: &str) -> Option<Field<'a>> {
        let value = self.value.as_object()?.get(key)?;
        if value.is_null() {
            return None;
        }
        Some(self.child_key(key, value))
    }

    /// Returns the member `key`, which must be present and not null.
    pub fn field(&self, key: &str) -> Result<Field<'a>, ImportError> {
        self.object()?;
        self.get(key).ok_or_else(|| ImportError::Field {
            file: self.file.to_owned(),
            path: self.child_path(key),
            expected: "present".to_owned(),
            found: "missing".to_owned(),
        })
    }

    fn child_key(&self, key: &str, value: &'a Value) -> Field<'a> {
        Field {
            file: self.file,
            path: self.child_path(key),
            value,
        }
    }

    fn child_path(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// Returns the value as an object.
    pub fn object(&self) -> Result<&'a Map<String, Value>, ImportError> {
        self.value
            .as_object()
            .ok_or_else(|| self.mismatch("an object"))
    }

    /// Returns the value as a string.
    pub fn str(&self) -> Result<&'a str, ImportError> {
        self.value.as_str().ok_or_else(|| self.mismatch("a string"))
    }

    /// Returns the value as a boolean.
    pub fn bool(&self) -> Result<bool, ImportError> {
        self.value
            .as_bool()
            .ok_or_else(|| self.mismatch("true or false"))
    }

    /// Returns the value as a number.
    pub fn f64(&self) -> Result<f64, ImportError> {
        self.value.as_f64().ok_or_else(|| self.mismatch("a number"))
    }

    /// Returns the elements of an array, each with its index in the path.
    pub fn array(&self) -> Result<Vec<Field<'a>>, ImportError> {
        let items = self
            .value
            .as_array()
            .ok_or_else(|| self.mismatch("an array"))?;
        Ok(items
            .iter()
            .enumerate()
            .map(|(index, value)| Field {
                file: self.file,
                path: format!("{}[{index}]", self.path),
                value,
            })
            .collect())
    }

    /// Returns the string member `key`, or `None` when it is missing or null.
    pub fn opt_str(&self, key: &str) -> Result<Option<&'a str>, ImportError> {
        self.get(key).map(|field| field.str()).transpose()
    }

    /// Returns the boolean member `key`, or `None` when it is missing or null.
    pub fn opt_bool(&self, key: &str) -> Result<Option<bool>, ImportError> {
        self.get(key).map(|field| field.bool()).transpose()
    }

    /// Returns the number member `key`, or `None` when it is missing or null.
    pub fn opt_f64(&self, key: &str) -> Result<Option<f64>, ImportError> {
        self.get(key).map(|field| field.f64()).transpose()
    }

    /// Returns the elements of the array member `key`, none when it is missing or null.
    pub fn opt_array(&self, key: &str) -> Result<Vec<Field<'a>>, ImportError> {
        Ok(match self.get(key) {
            Some(field) => field.array()?,
            None => Vec::new(),
        })
    }

    /// Returns an error saying that this field must be `expected`.
    pub fn mismatch(&self, expected: &str) -> ImportError {
        ImportError::Field {
            file: self.file.to_owned(),
            path: self.path().to_owned(),
            expected: expected.to_owned(),
            found: describe(self.value),
        }
    }
}

/// Describes a JSON value for an error message: the value itself when it is short, or its
/// kind.
pub(crate) fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(flag) => flag.to_string(),
        Value::Number(number) => number.to_string(),
        Value::String(text) if text.chars().count() <= MAX_SHOWN_CHARS => format!("{text:?}"),
        Value::String(_) => "a long string".to_owned(),
        Value::Array(_) => "an array".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_error_has_position() {
        // The key on line 2 lacks its quotes.
        let error = parse("{\n  a: 1\n}", "x.json").expect_err("invalid");
        let ImportError::Json { line, message, .. } = &error else {
            panic!("{error}");
        };
        assert_eq!(*line, 2);
        assert!(!message.contains(" at line "), "{message}");
    }

    #[test]
    fn field_errors_name_path() {
        let value = serde_json::json!({"a": {"b": [1, {"c": 0}]}});
        let root = Field::root("x.json", &value);
        let items = root
            .field("a")
            .and_then(|a| a.field("b"))
            .and_then(|b| b.array())
            .expect("array");
        let error = items[1].field("c").and_then(|c| c.str().map(str::to_owned));
        assert_eq!(
            error.expect_err("number").to_string(),
            "x.json: `a.b[1].c` must be a string, but is 0"
        );
        let missing = items[1].field("d").expect_err("missing");
        assert_eq!(
            missing.to_string(),
            "x.json: `a.b[1].d` must be present, but is missing"
        );
    }
}
