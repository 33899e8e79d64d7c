//! Asking a policy store: requests built from the model, decisions cached under what the
//! request can read.
//!
//! A decision depends only on the store (its [`version`](super::store::CompiledStore)),
//! the principal and the resource with their ancestors and attributes (a node's
//! fingerprint), the action and the context. The [`PolicyCache`] keeps decisions under
//! exactly that key, so an edit elsewhere in the model, or the ranking of another identity,
//! reuses them, and an edit to the store or to a node the request reads does not.

use std::collections::{BTreeSet, HashMap};
use std::hash::{BuildHasher as _, Hash};
use std::sync::Arc;

use cedar_policy::{
    Authorizer, Context, Decision, Entities, Entity, EntityUid, Request, RestrictedExpression,
};
use serde_json::json;

use super::derive::{self, EntityKind, ModelEntities, SYNTHETIC_ID};
use super::limits;
use super::store::{self, CompiledStore};
use crate::graph::{Graph, NodeIx};

/// Most decisions kept before the cache starts over.
const MAX_DECISIONS: usize = 1 << 20;

/// Most compiled stores and entity sets kept before the cache starts over.
const MAX_STORES: usize = 256;

/// Compiled stores, entity sets and decisions, kept across reviews.
#[derive(Default)]
pub struct PolicyCache {
    compiled: HashMap<u64, Arc<CompiledStore>>,
    entities: HashMap<(u64, u64), Arc<Entities>>,
    decisions: foldhash::HashMap<DecisionKey, Arc<Outcome>>,
    summaries: foldhash::HashMap<SummaryKey, Arc<Summary>>,
    stats: CacheStats,
}

/// The key of a summary: one check's decisions for a list of principals, which the review
/// reads as a whole (a closure, or who may call a service).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SummaryKey {
    /// The purpose of the summary, so that two summaries of one request never share a key.
    pub purpose: u8,
    /// The store's version.
    pub store: u64,
    /// A hash of the action.
    pub action: u64,
    /// The resource's fingerprint.
    pub resource: u64,
    /// A hash of the principals' fingerprints, in order.
    pub principals: u64,
}

/// What the review keeps of many decisions about one check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Summary {
    /// Whether the check is closed, open, or could not be shown closed, with the problems
    /// its requests met.
    Closure(u8, Vec<super::Problem>),
    /// The positions, in the principal list, of the principals permitted.
    Permitted(Vec<u32>),
}

/// Hit and miss counts of the decision cache.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Requests whose decision came from the cache.
    pub hits: u64,
    /// Requests evaluated.
    pub misses: u64,
}

impl PolicyCache {
    /// Creates an empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// Returns the hit and miss counts since the cache was created.
    pub fn stats(&self) -> CacheStats {
        self.stats
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct DecisionKey {
    store: u64,
    principal: u64,
    resource: u64,
    action: u64,
    context: Posture,
}

/// The request context: the worst case of the Cedar section, or its best case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Posture {
    /// An unmanaged, non-compliant device, location "unknown", risk score 100, no MFA.
    Worst,
    /// A managed, compliant device, location "unknown", risk score 0, MFA.
    Best,
}

/// The principal of a request: a node of the model, or a synthetic principal of a kind with no groups and
/// no attributes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Principal {
    /// A node, by index.
    Node(NodeIx),
    /// A principal of this kind that no node stands for.
    Synthetic(EntityKind),
}

/// The decision on one request, with its diagnostics.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// The store permits the request.
    pub allowed: bool,
    /// Ids of the policies that decided: the permits that allowed, or the forbids that
    /// denied.
    pub reasons: Vec<String>,
    /// Policies that failed while evaluating, with the message.
    pub errors: Vec<(String, String)>,
}

impl Outcome {
    /// Converts Cedar's response to an outcome, with the deciding policy ids sorted (Cedar
    /// keeps them in a set).
    pub fn from_response(response: &cedar_policy::Response) -> Self {
        let diagnostics = response.diagnostics();
        let mut reasons: Vec<String> = diagnostics.reason().map(ToString::to_string).collect();
        reasons.sort_unstable();
        Self {
            allowed: response.decision() == Decision::Allow,
            reasons,
            errors: diagnostics
                .errors()
                .map(|error| {
                    let cedar_policy::AuthorizationError::PolicyEvaluationError(error) = error;
                    (error.policy_id().to_string(), error.inner().to_string())
                })
                .collect(),
        }
    }
}

/// One review's view of the stores: the model's entities, each store compiled, and the
/// cache.
pub struct Session<'c, 'g> {
    cache: &'c mut PolicyCache,
    graph: &'g Graph<'g>,
    /// The entity facts of every node.
    pub model: ModelEntities,
    /// Each store of the document, compiled, by its index in the document.
    pub stores: Vec<Arc<CompiledStore>>,
    store_entities: Vec<Option<Arc<Entities>>>,
    model_version: u64,
}

impl<'c, 'g> Session<'c, 'g> {
    /// Compiles (or finds in the cache) every store of the graph's document.
    pub fn new(cache: &'c mut PolicyCache, graph: &'g Graph<'g>) -> Self {
        let model = ModelEntities::new(graph);
        let actions = actions_by_store(graph);
        let node_kind = |id: &str| {
            let ix = graph.ix(id)?;
            EntityKind::of(&graph.node(ix).kind)
        };
        if cache.compiled.len() > MAX_STORES {
            cache.compiled.clear();
        }
        let empty = BTreeSet::new();
        let stores = graph
            .doc
            .policy_stores
            .iter()
            .map(|policy_store| {
                let actions = actions.get(policy_store.id.as_str()).unwrap_or(&empty);
                let version = store::version(policy_store, actions);
                cache
                    .compiled
                    .entry(version)
                    .or_insert_with(|| Arc::new(store::compile(policy_store, actions, &node_kind)))
                    .clone()
            })
            .collect::<Vec<_>>();
        let model_version = model.version();
        Self {
            store_entities: vec![None; stores.len()],
            cache,
            graph,
            model,
            stores,
            model_version,
        }
    }

    /// Returns a summary from the cache, or computes and keeps it.
    pub fn summary(
        &mut self,
        key: SummaryKey,
        compute: impl FnOnce(&mut Self) -> Summary,
    ) -> Arc<Summary> {
        if let Some(summary) = self.cache.summaries.get(&key) {
            self.cache.stats.hits += 1;
            return summary.clone();
        }
        let summary = Arc::new(compute(self));
        if self.cache.summaries.len() >= MAX_DECISIONS {
            self.cache.summaries.clear();
        }
        self.cache.summaries.insert(key, summary.clone());
        summary
    }

    /// Returns a hash of the fingerprints of these principals, in order.
    pub fn principals_hash(&self, principals: &[Principal]) -> u64 {
        let fingerprints: Vec<u64> = principals
            .iter()
            .map(|principal| self.fingerprint(*principal))
            .collect();
        hash_of(&fingerprints)
    }

    /// Returns the fingerprint of a principal: what a request about it reads.
    pub fn fingerprint(&self, principal: Principal) -> u64 {
        match principal {
            Principal::Node(ix) => self.model.fingerprints[ix],
            Principal::Synthetic(kind) => hash_of(&(kind, SYNTHETIC_ID)),
        }
    }

    /// Returns the key of a summary of one check about these principals.
    pub fn summary_key(
        &self,
        purpose: u8,
        store_ix: usize,
        action: &str,
        resource: NodeIx,
        principals: u64,
    ) -> SummaryKey {
        SummaryKey {
            purpose,
            store: self.stores[store_ix].version,
            action: hash_of(action),
            resource: self.model.fingerprints[resource],
            principals,
        }
    }

    /// Returns the policy text of the store at this index.
    pub fn policy_text(&self, store_ix: usize) -> &'g str {
        &self.graph.doc.policy_stores[store_ix].policies
    }

    /// Returns the index of the store with this id.
    pub fn store_ix(&self, id: &str) -> Option<usize> {
        self.stores.iter().position(|store| store.id == id)
    }

    /// Evaluates whether a store permits a principal an action on a resource, from the
    /// cache when it can. A request the store cannot take is denied without an error: the
    /// store has no entity type for the principal's or the resource's kind, or its schema
    /// does not let the action apply to them.
    pub fn ask(
        &mut self,
        store_ix: usize,
        principal: Principal,
        action: &str,
        resource: NodeIx,
        posture: Posture,
    ) -> Arc<Outcome> {
        let compiled = self.stores[store_ix].clone();
        let key = DecisionKey {
            store: compiled.version,
            principal: self.fingerprint(principal),
            resource: self.model.fingerprints[resource],
            action: hash_of(action),
            context: posture,
        };
        if let Some(outcome) = self.cache.decisions.get(&key) {
            self.cache.stats.hits += 1;
            return outcome.clone();
        }

        self.cache.stats.misses += 1;
        let outcome =
            Arc::new(self.evaluate(store_ix, &compiled, principal, action, resource, posture));
        if self.cache.decisions.len() >= MAX_DECISIONS {
            self.cache.decisions.clear();
        }
        self.cache.decisions.insert(key, outcome.clone());
        outcome
    }

    fn evaluate(
        &mut self,
        store_ix: usize,
        compiled: &CompiledStore,
        principal: Principal,
        action: &str,
        resource: NodeIx,
        posture: Posture,
    ) -> Outcome {
        let Some(schema) = &compiled.schema else {
            return Outcome::default();
        };
        let principal_uid = match principal {
            Principal::Node(ix) => {
                self.model.kinds[ix].and_then(|kind| compiled.uid(kind, self.graph.id(ix)))
            }
            Principal::Synthetic(kind) => compiled.uid(kind, SYNTHETIC_ID),
        };
        let resource_uid =
            self.model.kinds[resource].and_then(|kind| compiled.uid(kind, self.graph.id(resource)));
        let (Some(principal_uid), Some(resource_uid)) = (principal_uid, resource_uid) else {
            return Outcome::default();
        };
        let Some(action_uid) = action_uid(compiled, action) else {
            return Outcome::default();
        };
        let applies =
            |types: Option<Box<dyn Iterator<Item = &cedar_policy::EntityTypeName> + '_>>,
             uid: &EntityUid| {
                types.is_some_and(|mut types| types.any(|name| name == uid.type_name()))
            };
        let principals = schema
            .principals_for_action(&action_uid)
            .map(|types| Box::new(types) as Box<dyn Iterator<Item = _>>);
        let resources = schema
            .resources_for_action(&action_uid)
            .map(|types| Box::new(types) as Box<dyn Iterator<Item = _>>);
        if !applies(principals, &principal_uid) || !applies(resources, &resource_uid) {
            return Outcome::default();
        }

        let context = match context(&compiled.context_paths, posture) {
            Ok(context) => context,
            Err(message) => return failed(message),
        };
        let request = match Request::new(
            principal_uid,
            action_uid,
            resource_uid,
            context,
            Some(schema),
        ) {
            Ok(request) => request,
            Err(error) => return failed(format!("the request does not fit the schema: {error}")),
        };
        let entities = match self.entities(store_ix, compiled) {
            Ok(entities) => entities,
            Err(message) => return failed(message),
        };

        let response = Authorizer::new().is_authorized(&request, &compiled.policies, &entities);
        Outcome::from_response(&response)
    }

    /// Returns the model's entities as this store types them, with the schema's actions,
    /// built at most once per store and model version.
    pub(super) fn entities(
        &mut self,
        store_ix: usize,
        compiled: &CompiledStore,
    ) -> Result<Arc<Entities>, String> {
        if let Some(entities) = &self.store_entities[store_ix] {
            return Ok(entities.clone());
        }
        let key = (compiled.version, self.model_version);
        if let Some(entities) = self.cache.entities.get(&key) {
            self.store_entities[store_ix] = Some(entities.clone());
            return Ok(entities.clone());
        }

        let mut list = Vec::new();
        for ix in 0..self.graph.node_count() {
            let Some(uid) =
                self.model.kinds[ix].and_then(|kind| compiled.uid(kind, self.graph.id(ix)))
            else {
                continue;
            };
            let parents = self.model.ancestors[ix]
                .iter()
                .filter_map(|&parent| {
                    self.model.kinds[parent]
                        .and_then(|kind| compiled.uid(kind, self.graph.id(parent)))
                })
                .collect();
            let entity = Entity::new(uid, entity_attributes(self.graph, ix), parents)
                .map_err(|error| format!("entity {:?}: {error}", self.graph.id(ix)))?;
            list.push(entity);
        }
        let actions = match &compiled.schema {
            Some(schema) => Some(
                schema
                    .action_entities()
                    .map_err(|error| error.to_string())?,
            ),
            None => None,
        };
        let mut entities =
            Entities::from_entities(list, None).map_err(|error| error.to_string())?;
        if let Some(actions) = actions {
            entities = entities
                .add_entities(actions, None)
                .map_err(|error| error.to_string())?;
        }

        let entities = Arc::new(entities);
        if self.cache.entities.len() > MAX_STORES {
            self.cache.entities.clear();
        }
        self.cache.entities.insert(key, entities.clone());
        self.store_entities[store_ix] = Some(entities.clone());
        Ok(entities)
    }
}

fn failed(message: String) -> Outcome {
    Outcome {
        allowed: false,
        reasons: Vec::new(),
        errors: vec![(String::new(), message)],
    }
}

fn hash_of(value: &(impl Hash + ?Sized)) -> u64 {
    foldhash::quality::FixedState::with_seed(3).hash_one(value)
}

/// Returns the uid of an action in a store: in the namespace of the store's own schema
/// when its actions have one, in the derived namespace otherwise.
pub(super) fn action_uid(compiled: &CompiledStore, action: &str) -> Option<EntityUid> {
    let schema = compiled.schema.as_ref()?;
    schema
        .actions()
        .find(|uid| uid.id().unescaped() == action)
        .cloned()
}

/// Returns the attributes of a node's entity as Cedar values.
fn entity_attributes(graph: &Graph<'_>, ix: NodeIx) -> HashMap<String, RestrictedExpression> {
    let node = graph.node(ix);
    let classes = node
        .held_data_classes()
        .iter()
        .map(|class| RestrictedExpression::new_string(class.name().to_owned()))
        .collect::<Vec<_>>();
    HashMap::from([
        (
            "dataClasses".to_owned(),
            RestrictedExpression::new_set(classes),
        ),
        (
            "public".to_owned(),
            RestrictedExpression::new_bool(node.is_public()),
        ),
        (
            "critical".to_owned(),
            RestrictedExpression::new_bool(node.critical),
        ),
        (
            "technology".to_owned(),
            RestrictedExpression::new_string(node.technology.clone()),
        ),
    ])
}

/// Returns the context of a posture, with each attribute at the store's path for it.
fn context(paths: &[(String, String)], posture: Posture) -> Result<Context, String> {
    Context::from_json_value(context_json(paths, posture), None).map_err(|error| error.to_string())
}

/// Returns the context of a posture as a JSON object, with each attribute at the store's
/// path for it.
pub fn context_json(paths: &[(String, String)], posture: Posture) -> serde_json::Value {
    let mut value = json!({});
    for (standard, path) in paths {
        let leaf = match (standard.as_str(), posture) {
            ("device.managed" | "device.compliant" | "mfa", Posture::Worst) => json!(false),
            ("device.managed" | "device.compliant" | "mfa", Posture::Best) => json!(true),
            ("location", _) => json!("unknown"),
            ("risk_score", Posture::Worst) => json!(100),
            ("risk_score", Posture::Best) => json!(0),
            _ => continue,
        };
        let mut current = &mut value;
        let parts: Vec<&str> = path.split('.').collect();
        for (i, part) in parts.iter().enumerate() {
            let Some(object) = current.as_object_mut() else {
                break;
            };
            let fresh = if i + 1 == parts.len() {
                leaf.clone()
            } else {
                json!({})
            };
            current = object.entry((*part).to_owned()).or_insert(fresh);
        }
    }
    value
}

/// Returns the actions that flows name for each store, by store id.
pub fn actions_by_store<'d>(graph: &Graph<'d>) -> HashMap<&'d str, BTreeSet<String>> {
    let mut actions: HashMap<&str, BTreeSet<String>> = HashMap::new();
    for (edge, _, _) in graph.all_flows() {
        for check in super::facts::cedar_checks(graph, edge) {
            actions
                .entry(check.store.as_str())
                .or_default()
                .insert(check.action.clone());
        }
    }
    actions
}

/// Returns every node that a derived request can name, for tests and export.
pub fn derive_entities_json(graph: &Graph<'_>) -> serde_json::Value {
    let model = ModelEntities::new(graph);
    derive::entities_json(graph, &model)
}

/// Parses entities in Cedar's JSON form against a compiled store's schema, as a store's
/// own entity data would be checked. An entity whose type or parent type the schema does
/// not declare is a schema problem.
pub fn entities_from_json(
    compiled: &CompiledStore,
    json: &str,
) -> Result<Entities, super::Problem> {
    limits::check(json).map_err(|error| {
        super::Problem::at(
            &compiled.id,
            json,
            super::Stage::Limit,
            None,
            error.span().start,
            error.to_string(),
        )
    })?;
    Entities::from_json_str(json, compiled.schema.as_ref()).map_err(|error| {
        let span = store::first_span(&error);
        super::Problem::at(
            &compiled.id,
            json,
            super::Stage::Schema,
            None,
            span.start,
            error_chain(&error),
        )
        .with_length(span.len())
    })
}

/// Returns an error's message followed by the messages of its sources.
pub(super) fn error_chain(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}
