//! Compiling a policy store: its text split into policies and templates, each parsed on its
//! own so that every error has a policy id and a position; template links; the store's own
//! schema or the derived one; strict validation.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{BuildHasher as _, Hash, Hasher};
use std::ops::Range;
use std::str::FromStr;

use cedar_policy::{
    EntityId, EntityTypeName, EntityUid, Policy, PolicyId, PolicySet, Schema, SlotId, Template,
    ValidationMode, Validator,
};
use miette::Diagnostic;

use super::derive::{self, EntityKind, NAMESPACE};
use super::limits;
use super::{Problem, Stage};
use crate::document::PolicyStore;

/// Stack size of the thread that parses and validates: Cedar's parser recurses once per
/// nesting level, about 50 KiB a level in a debug build.
pub(super) const PARSE_STACK_BYTES: usize = 32 * 1024 * 1024;

/// A policy store, parsed, linked and validated.
pub struct CompiledStore {
    /// Id of the store.
    pub id: String,
    /// A hash of everything the store's decisions depend on besides the request: text,
    /// links, schema, entity type and context path maps, and (for a derived schema) the
    /// actions.
    pub version: u64,
    /// The policies, templates and linked policies that parsed.
    pub policies: PolicySet,
    /// The schema the store was validated against, if it parsed.
    pub schema: Option<Schema>,
    /// Whether the schema is the store's own.
    pub own_schema: bool,
    /// The entity type of each entity kind; a kind absent here has no entities in this store.
    pub types: BTreeMap<EntityKind, EntityTypeName>,
    /// The context attribute paths, (standard path, path in this store), that the schema
    /// declares.
    pub context_paths: Vec<(String, String)>,
    /// Every parse, link, schema and validation problem.
    pub problems: Vec<Problem>,
    /// Byte range of each policy's or template's text, by policy id.
    pub spans: HashMap<String, Range<usize>>,
}

impl CompiledStore {
    /// Returns whether the store can be asked: everything parsed, linked and validated.
    pub fn is_sound(&self) -> bool {
        self.schema.is_some() && self.problems.iter().all(|problem| !problem.is_error())
    }

    /// Returns the uid of a node of this kind in this store, if the kind has a type here.
    pub fn uid(&self, kind: EntityKind, id: &str) -> Option<EntityUid> {
        let type_name = self.types.get(&kind)?.clone();
        Some(EntityUid::from_type_name_and_id(
            type_name,
            EntityId::new(id),
        ))
    }

    /// Returns a problem at a byte offset of a policy's text.
    pub(super) fn problem_at(
        &self,
        text: &str,
        stage: Stage,
        policy: Option<&str>,
        offset: Option<usize>,
        message: String,
    ) -> Problem {
        let base = policy
            .and_then(|id| self.spans.get(id))
            .map_or(0, |span| span.start);
        Problem::at(
            &self.id,
            text,
            stage,
            policy,
            base + offset.unwrap_or(0),
            message,
        )
    }
}

/// Returns the version of a store: a hash of its text, links, schema and maps, and of the
/// actions its derived schema declares.
pub fn version(store: &PolicyStore, actions: &BTreeSet<String>) -> u64 {
    let mut hasher = foldhash::quality::FixedState::with_seed(2).build_hasher();
    store.policies.hash(&mut hasher);
    for link in &store.links {
        (&link.template, &link.id, &link.principal, &link.resource).hash(&mut hasher);
    }
    store.schema.hash(&mut hasher);
    store.entity_types.hash(&mut hasher);
    store.context_paths.hash(&mut hasher);
    if store.schema.is_none() {
        actions.hash(&mut hasher);
    }
    hasher.finish()
}

/// Compiles a store on a thread with a stack large enough for the deepest text the limits
/// let through. `node_kind` gives the entity kind of a node id, for template links.
pub fn compile(
    store: &PolicyStore,
    actions: &BTreeSet<String>,
    node_kind: &(dyn Fn(&str) -> Option<EntityKind> + Sync),
) -> CompiledStore {
    let version = version(store, actions);
    on_parse_stack(|| compile_here(store, actions, node_kind, version)).unwrap_or_else(|| {
        log::error!("compiling policy store {:?} failed", store.id);
        let mut compiled = empty(store, version);
        compiled.problems.push(Problem::at(
            &store.id,
            "",
            Stage::Parse,
            None,
            0,
            "the store could not be compiled".into(),
        ));
        compiled
    })
}

/// Runs a function that parses Cedar text on a thread with a stack large enough for the
/// deepest text the limits let through. Returns `None` when the thread could not start or
/// panicked.
pub(super) fn on_parse_stack<T: Send>(parse: impl FnOnce() -> T + Send) -> Option<T> {
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name("cedar-parse".into())
            .stack_size(PARSE_STACK_BYTES)
            .spawn_scoped(scope, parse);
        match worker.map(|handle| handle.join()) {
            Ok(Ok(value)) => Some(value),
            Ok(Err(_)) | Err(_) => None,
        }
    })
}

fn empty(store: &PolicyStore, version: u64) -> CompiledStore {
    CompiledStore {
        id: store.id.clone(),
        version,
        policies: PolicySet::new(),
        schema: None,
        own_schema: store.schema.is_some(),
        types: BTreeMap::new(),
        context_paths: Vec::new(),
        problems: Vec::new(),
        spans: HashMap::new(),
    }
}

fn compile_here(
    store: &PolicyStore,
    actions: &BTreeSet<String>,
    node_kind: &(dyn Fn(&str) -> Option<EntityKind> + Sync),
    version: u64,
) -> CompiledStore {
    let mut compiled = empty(store, version);
    compiled.types = entity_types(store, &mut compiled.problems);
    load_schema(store, actions, &mut compiled);

    if let Err(error) = limits::check(&store.policies) {
        let span = error.span();
        compiled.problems.push(
            Problem::at(
                &store.id,
                &store.policies,
                Stage::Limit,
                None,
                span.start,
                error.to_string(),
            )
            .with_length(span.len()),
        );
        return compiled;
    }
    parse_statements(store, &mut compiled);
    link(store, node_kind, &mut compiled);
    validate(store, &mut compiled);
    compiled
}

/// Returns the entity type of each kind: the derived ones, or those the store maps.
fn entity_types(
    store: &PolicyStore,
    problems: &mut Vec<Problem>,
) -> BTreeMap<EntityKind, EntityTypeName> {
    let mut types = BTreeMap::new();
    for kind in EntityKind::ALL {
        let name = if store.schema.is_none() {
            format!("{NAMESPACE}::{}", kind.type_name())
        } else {
            match store
                .entity_types
                .get(kind.key())
                .or_else(|| store.entity_types.get(kind.type_name()))
            {
                Some(name) => name.clone(),
                None => continue,
            }
        };
        match EntityTypeName::from_str(&name) {
            Ok(type_name) => {
                types.insert(kind, type_name);
            }
            Err(error) => problems.push(Problem::at(
                &store.id,
                "",
                Stage::Schema,
                None,
                0,
                format!("entity type {name:?} for {}: {error}", kind.key()),
            )),
        }
    }
    types
}

/// Parses the store's own schema, or builds the derived one, and finds which context
/// attributes it declares.
fn load_schema(store: &PolicyStore, actions: &BTreeSet<String>, compiled: &mut CompiledStore) {
    let paths = derive::mapped_context_paths(&store.context_paths);
    let Some(text) = &store.schema else {
        let json = derive::schema_json(actions.iter().map(String::as_str), &paths);
        match Schema::from_json_value(json) {
            Ok(schema) => compiled.schema = Some(schema),
            Err(error) => compiled.problems.push(Problem::at(
                &store.id,
                "",
                Stage::Schema,
                None,
                0,
                format!("the derived schema is invalid: {error}"),
            )),
        }
        compiled.context_paths = paths;
        return;
    };

    let problem = |offset: usize, message: String| {
        Problem::at(&store.id, text, Stage::Schema, None, offset, message)
    };
    if let Err(error) = limits::check(text) {
        let span = error.span();
        compiled
            .problems
            .push(problem(span.start, error.to_string()).with_length(span.len()));
        return;
    }
    match Schema::from_cedarschema_str(text) {
        Ok((schema, warnings)) => {
            for warning in warnings {
                log::debug!("policy store {:?} schema: {warning}", store.id);
            }
            compiled.context_paths = declared_context_paths(text, &paths);
            compiled.schema = Some(schema);
        }
        Err(error) => {
            let span = first_span(&error);
            compiled
                .problems
                .push(problem(span.start, error.to_string()).with_length(span.len()));
        }
    }
}

/// Returns the context paths that every action of a schema declares with the expected
/// type, resolving common types. A path absent from any action's context is left out of
/// the worst-case context for the whole store.
fn declared_context_paths(text: &str, paths: &[(String, String)]) -> Vec<(String, String)> {
    let Ok((fragment, _)) = cedar_policy::SchemaFragment::from_cedarschema_str(text) else {
        return Vec::new();
    };
    let Ok(json) = fragment.to_json_value() else {
        return Vec::new();
    };
    let namespaces: Vec<&serde_json::Value> = json
        .as_object()
        .map(|map| map.values().collect())
        .unwrap_or_default();
    let common = |name: &str| {
        let short = name.rsplit("::").next().unwrap_or(name);
        namespaces
            .iter()
            .find_map(|namespace| namespace.get("commonTypes")?.get(short))
    };
    let contexts: Vec<&serde_json::Value> = namespaces
        .iter()
        .filter_map(|namespace| namespace.get("actions")?.as_object())
        .flat_map(|actions| actions.values())
        .filter_map(|action| action.get("appliesTo")?.get("context"))
        .collect();
    if contexts.is_empty() {
        return Vec::new();
    }

    paths
        .iter()
        .filter(|(standard, mapped)| {
            let wanted = derive::CONTEXT_ATTRIBUTES
                .iter()
                .find(|(name, _)| name == standard)
                .map(|(_, cedar_type)| *cedar_type);
            contexts
                .iter()
                .all(|context| leaf_type(context, mapped, &common) == wanted)
        })
        .cloned()
        .collect()
}

/// Returns the type name of the leaf at a dotted path of a schema record type.
fn leaf_type<'v>(
    record: &'v serde_json::Value,
    path: &str,
    common: &dyn Fn(&str) -> Option<&'v serde_json::Value>,
) -> Option<&'static str> {
    let mut current = record;
    for part in path.split('.') {
        current = resolve(current, common)?.get("attributes")?.get(part)?;
    }
    let type_name = resolve(current, common)?.get("type")?.as_str()?;
    derive::CONTEXT_ATTRIBUTES
        .iter()
        .map(|(_, cedar_type)| *cedar_type)
        .find(|cedar_type| {
            *cedar_type == type_name || (*cedar_type == "Boolean" && type_name == "Bool")
        })
}

/// Follows common type references (at most a few levels) to the type they name.
fn resolve<'v>(
    mut value: &'v serde_json::Value,
    common: &dyn Fn(&str) -> Option<&'v serde_json::Value>,
) -> Option<&'v serde_json::Value> {
    for _ in 0..8 {
        let type_name = value.get("type")?.as_str()?;
        let reference = match type_name {
            "EntityOrCommon" => value.get("name")?.as_str()?,
            "Record" | "Set" | "Boolean" | "Long" | "String" | "Entity" | "Extension" => {
                return Some(value);
            }
            other => other,
        };
        value = common(reference)?;
    }
    None
}

/// One policy or template of a store's text.
struct Statement {
    span: Range<usize>,
    is_template: bool,
}

/// Splits a store's text into statements at every `;` outside strings and comments. Cedar
/// uses `;` only to end a policy.
fn split_statements(text: &str) -> Vec<Statement> {
    let bytes = text.as_bytes();
    let mut statements = Vec::new();
    let (mut start, mut at, mut slot) = (0, 0, false);
    while at < bytes.len() {
        match bytes[at] {
            b'"' => {
                at += 1;
                while at < bytes.len() && bytes[at] != b'"' {
                    at += if bytes[at] == b'\\' { 2 } else { 1 };
                }
            }
            b'/' if bytes.get(at + 1) == Some(&b'/') => {
                while at < bytes.len() && bytes[at] != b'\n' {
                    at += 1;
                }
            }
            b'?' => slot = true,
            b';' => {
                statements.push(Statement {
                    span: start..at + 1,
                    is_template: slot,
                });
                (start, slot) = (at + 1, false);
            }
            _ => {}
        }
        at += 1;
    }
    let rest = text.get(start..).unwrap_or_default();
    if !strip_comments(rest).trim().is_empty() {
        statements.push(Statement {
            span: start..text.len(),
            is_template: slot,
        });
    }
    statements
}

fn strip_comments(text: &str) -> String {
    text.lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Returns the value of a statement's `@id` annotation, read from its text before the
/// effect: `@id("refuse-risky")` gives `refuse-risky`. Only a plain string literal counts;
/// one with escapes is left to Cedar's parser.
pub(super) fn declared_id(statement: &str) -> Option<String> {
    let head_end = ["permit", "forbid"]
        .iter()
        .filter_map(|effect| statement.find(effect))
        .min()
        .unwrap_or(statement.len());
    let head = &statement[..head_end];
    let after = head.find("@id")? + "@id".len();
    let rest = head[after..].trim_start().strip_prefix('(')?.trim_start();
    let literal = rest.strip_prefix('"')?;
    let value = &literal[..literal.find('"')?];
    (!value.contains('\\') && !value.is_empty()).then(|| value.to_owned())
}

/// Parses each statement as a policy or a template, under its `@id` annotation or, without
/// one, under `policyN` (N counting statements from 0, as Cedar names them).
fn parse_statements(store: &PolicyStore, compiled: &mut CompiledStore) {
    let text = &store.policies;
    for (n, statement) in split_statements(text).into_iter().enumerate() {
        let source = &text[statement.span.clone()];
        let fallback = format!("policy{n}");
        // A statement that does not parse is still named by its `@id` where it has one.
        let named = declared_id(source).unwrap_or_else(|| fallback.clone());
        let problem_at = |offset: usize, id: &str, message: String| {
            Problem::at(
                &store.id,
                text,
                Stage::Parse,
                Some(id),
                statement.span.start + offset,
                message,
            )
        };
        let added = if statement.is_template {
            Template::parse(None, source).map(|template| {
                let id = template.annotation("id").unwrap_or(&fallback).to_owned();
                (id.clone(), Err(template.new_id(PolicyId::new(id))))
            })
        } else {
            Policy::parse(None, source).map(|policy| {
                let id = policy.annotation("id").unwrap_or(&fallback).to_owned();
                (id.clone(), Ok(policy.new_id(PolicyId::new(id))))
            })
        };
        let (id, item) = match added {
            Ok(added) => added,
            Err(errors) => {
                for error in errors.iter() {
                    let span = first_span(error);
                    compiled.problems.push(
                        problem_at(span.start, &named, error.to_string()).with_length(span.len()),
                    );
                }
                continue;
            }
        };
        let result = match item {
            Ok(policy) => compiled.policies.add(policy),
            Err(template) => compiled.policies.add_template(template),
        };
        if let Err(error) = result {
            compiled
                .problems
                .push(problem_at(0, &id, error.to_string()));
            continue;
        }
        compiled.spans.insert(id, statement.span);
    }
}

/// Links every template instance, and reports templates that no link instantiates.
fn link(
    store: &PolicyStore,
    node_kind: &(dyn Fn(&str) -> Option<EntityKind> + Sync),
    compiled: &mut CompiledStore,
) {
    let mut linked = BTreeSet::new();
    for link in &store.links {
        let mut slots = HashMap::new();
        let mut failed = None;
        for (slot, node) in [
            (SlotId::principal(), &link.principal),
            (SlotId::resource(), &link.resource),
        ] {
            let Some(node) = node else {
                continue;
            };
            match node_kind(node).and_then(|kind| compiled.uid(kind, node)) {
                Some(uid) => {
                    slots.insert(slot, uid);
                }
                None => {
                    failed = Some(format!(
                        "link {:?} fills {slot} with {node:?}, which has no entity type in this store",
                        link.id
                    ));
                }
            }
        }
        let result = match failed {
            Some(message) => Err(message),
            None => compiled
                .policies
                .link(
                    PolicyId::new(&link.template),
                    PolicyId::new(&link.id),
                    slots,
                )
                .map_err(|error| format!("link {:?}: {error}", link.id)),
        };
        match result {
            Ok(()) => {
                linked.insert(link.template.clone());
                if let Some(span) = compiled.spans.get(&link.template).cloned() {
                    compiled.spans.insert(link.id.clone(), span);
                }
            }
            Err(message) => {
                let problem = compiled.problem_at(
                    &store.policies,
                    Stage::Link,
                    Some(&link.template),
                    None,
                    message,
                );
                compiled.problems.push(problem);
            }
        }
    }

    let unlinked: Vec<String> = compiled
        .policies
        .templates()
        .map(|template| template.id().to_string())
        .filter(|id| !linked.contains(id))
        .collect();
    for id in unlinked {
        let problem = compiled.problem_at(
            &store.policies,
            Stage::Unlinked,
            Some(&id),
            None,
            format!("template {id:?} has no link, so it permits and forbids nothing"),
        );
        compiled.problems.push(problem);
    }
}

/// Validates the policies against the schema in strict mode.
fn validate(store: &PolicyStore, compiled: &mut CompiledStore) {
    let Some(schema) = &compiled.schema else {
        return;
    };
    let result =
        Validator::new(schema.clone()).validate(&compiled.policies, ValidationMode::Strict);
    let mut problems = Vec::new();
    for error in result.validation_errors() {
        let id = error.policy_id().to_string();
        let span = first_span(error);
        problems.push(
            compiled
                .problem_at(
                    &store.policies,
                    Stage::Validation,
                    Some(&id),
                    Some(span.start),
                    error.to_string(),
                )
                .with_length(span.len()),
        );
    }
    compiled.problems.extend(problems);
}

/// Returns the byte range of a diagnostic's first label, or `0..0`.
pub(super) fn first_span(error: &dyn Diagnostic) -> Range<usize> {
    error
        .labels()
        .and_then(|mut labels| labels.next())
        .map_or(0..0, |label| label.offset()..label.offset() + label.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_split_outside_strings_and_comments() {
        let text = "permit (principal, action, resource) when { \"a;b\" == \"a;b\" };\n\
                    // a comment; with a semicolon\n\
                    forbid (principal == ?principal, action, resource);\n// trailing";
        let statements = split_statements(text);
        assert_eq!(statements.len(), 2);
        assert!(!statements[0].is_template);
        assert!(statements[1].is_template);
    }
}
