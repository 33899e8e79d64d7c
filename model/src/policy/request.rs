//! Asking one policy store one request as a person writes it: the principal and the
//! resource as Cedar entity uids, the action by its id, the context as JSON.
//!
//! The request is evaluated with the compiled store, the schema and the model's entities
//! that the review uses, so the decision is the one the review would reach for the same
//! request. Only the context is free: the review asks under the worst-case context, which
//! [`request_choices`] offers as the starting point.

use std::str::FromStr;

use cedar_policy::{Authorizer, Context, EntityUid, Request, Schema};

use super::derive::EntityKind;
use super::evaluate::{self, Outcome, Posture, Session};
use super::{PolicyCache, limits, store};
use crate::graph::Graph;

/// A request to one policy store.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuthorizationRequest {
    /// Id of the policy store.
    pub store: String,
    /// The principal's uid in Cedar syntax, such as `Trustmap::Customer::"cardholder"`. It
    /// may name an entity that the model lacks, which then has no attributes and no groups.
    pub principal: String,
    /// The action's id, as flows name it (`CreatePayment`).
    pub action: String,
    /// The resource's uid in Cedar syntax.
    pub resource: String,
    /// The context, a JSON object.
    pub context: String,
}

/// The reason a request could not be evaluated.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    /// No policy store has this id.
    #[error("no policy store has the id {0:?}")]
    UnknownStore(String),
    /// The store has parse, link, schema or validation errors, so the review does not ask
    /// it either.
    #[error("policy store {store:?} has {count} error(s), so it cannot be asked; fix them first")]
    StoreNotSound {
        /// The store.
        store: String,
        /// How many errors it has.
        count: usize,
    },
    /// The principal or resource is not an entity uid.
    #[error("invalid {field} {text:?}: {message}; write it as Type::\"id\"")]
    InvalidUid {
        /// The part of the request: `principal` or `resource`.
        field: &'static str,
        /// The text given.
        text: String,
        /// Cedar's message.
        message: String,
    },
    /// The store's schema declares no action with this id.
    #[error("the schema of policy store {store:?} declares no action {action:?}")]
    UnknownAction {
        /// The store.
        store: String,
        /// The action's id.
        action: String,
    },
    /// The context is not JSON, or does not fit the action's context in the schema.
    #[error("invalid context: {0}")]
    InvalidContext(String),
    /// The principal or resource type does not fit the action in the schema.
    #[error("the request does not fit the schema: {0}")]
    InvalidRequest(String),
    /// The model's entities could not be built for the store.
    #[error("the model's entities could not be built: {0}")]
    Entities(String),
}

/// The principals, actions and resources a request to one store can name, with the context
/// the review evaluates it under.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestChoices {
    /// The uid of every node of a principal kind that the store has an entity type for,
    /// in document order.
    pub principals: Vec<String>,
    /// The id of every action the store's schema declares, sorted.
    pub actions: Vec<String>,
    /// The uid of every node of a resource kind that the store has an entity type for, in
    /// document order.
    pub resources: Vec<String>,
    /// The worst-case context as pretty-printed JSON, with each attribute at the store's
    /// path for it and any attribute the store's schema lacks left out.
    pub worst_case_context: String,
}

/// Returns what a request to the store with this id can name.
pub fn request_choices(
    graph: &Graph<'_>,
    cache: &mut PolicyCache,
    store_id: &str,
) -> Result<RequestChoices, RequestError> {
    let session = Session::new(cache, graph);
    let store_ix = session
        .store_ix(store_id)
        .ok_or_else(|| RequestError::UnknownStore(store_id.to_owned()))?;
    let compiled = &session.stores[store_ix];

    let uids_of = |kinds: &[EntityKind]| -> Vec<String> {
        (0..graph.node_count())
            .filter_map(|ix| {
                let kind = session.model.kinds[ix].filter(|kind| kinds.contains(kind))?;
                compiled.uid(kind, graph.id(ix)).map(|uid| uid.to_string())
            })
            .collect()
    };
    let mut actions: Vec<String> = compiled
        .schema
        .iter()
        .flat_map(Schema::actions)
        .map(|uid| uid.id().unescaped().to_owned())
        .collect();
    actions.sort_unstable();
    actions.dedup();

    let context = evaluate::context_json(&compiled.context_paths, Posture::Worst);
    Ok(RequestChoices {
        principals: uids_of(&EntityKind::PRINCIPALS),
        actions,
        resources: uids_of(&EntityKind::RESOURCES),
        worst_case_context: serde_json::to_string_pretty(&context).unwrap_or_default(),
    })
}

/// Evaluates one request with Cedar's authorizer against a store of the graph's document
/// and the model's entities. Returns the decision, the ids of the policies that decided
/// and the policies that failed to evaluate.
pub fn evaluate_request(
    graph: &Graph<'_>,
    cache: &mut PolicyCache,
    request: &AuthorizationRequest,
) -> Result<Outcome, RequestError> {
    let mut session = Session::new(cache, graph);
    let store_ix = session
        .store_ix(&request.store)
        .ok_or_else(|| RequestError::UnknownStore(request.store.clone()))?;
    let compiled = session.stores[store_ix].clone();
    let errors = compiled
        .problems
        .iter()
        .filter(|problem| problem.is_error())
        .count();
    let schema = match &compiled.schema {
        Some(schema) if errors == 0 => schema,
        _ => {
            return Err(RequestError::StoreNotSound {
                store: request.store.clone(),
                count: errors.max(1),
            });
        }
    };
    let action = evaluate::action_uid(&compiled, &request.action).ok_or_else(|| {
        RequestError::UnknownAction {
            store: request.store.clone(),
            action: request.action.clone(),
        }
    })?;

    let (principal, resource, context) = store::on_parse_stack(|| {
        let principal = parse_uid("principal", &request.principal)?;
        let resource = parse_uid("resource", &request.resource)?;
        let context = parse_context(&request.context, schema, &action)?;
        Ok((principal, resource, context))
    })
    .unwrap_or_else(|| {
        Err(RequestError::InvalidContext(
            "parsing the request failed on its worker thread".into(),
        ))
    })?;

    let cedar_request = Request::new(principal, action, resource, context, Some(schema))
        .map_err(|error| RequestError::InvalidRequest(error.to_string()))?;
    let entities = session
        .entities(store_ix, &compiled)
        .map_err(RequestError::Entities)?;
    let response = Authorizer::new().is_authorized(&cedar_request, &compiled.policies, &entities);
    Ok(Outcome::from_response(&response))
}

fn parse_uid(field: &'static str, text: &str) -> Result<EntityUid, RequestError> {
    let invalid = |message: String| RequestError::InvalidUid {
        field,
        text: text.to_owned(),
        message,
    };
    limits::check(text).map_err(|error| invalid(error.to_string()))?;
    EntityUid::from_str(text.trim()).map_err(|error| invalid(error.to_string()))
}

fn parse_context(text: &str, schema: &Schema, action: &EntityUid) -> Result<Context, RequestError> {
    limits::check(text).map_err(|error| RequestError::InvalidContext(error.to_string()))?;
    let text = if text.trim().is_empty() { "{}" } else { text };
    Context::from_json_str(text, Some((schema, action)))
        .map_err(|error| RequestError::InvalidContext(evaluate::error_chain(&error)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;

    fn blueprint() -> Document {
        let template = crate::templates::template("aws-pci-zero-trust").expect("the blueprint");
        crate::load::load_str(template.text, "aws-pci-zero-trust").expect("the blueprint loads")
    }

    /// Returns a request under the worst-case context of the store, or under an empty one
    /// for a store the document lacks.
    fn request(
        doc: &Document,
        store: &str,
        principal: &str,
        action: &str,
        resource: &str,
    ) -> AuthorizationRequest {
        let graph = Graph::new(doc);
        let context = request_choices(&graph, &mut PolicyCache::new(), store)
            .map(|choices| choices.worst_case_context)
            .unwrap_or_default();
        AuthorizationRequest {
            store: store.to_owned(),
            principal: principal.to_owned(),
            action: action.to_owned(),
            resource: resource.to_owned(),
            context,
        }
    }

    fn ask(doc: &Document, request: &AuthorizationRequest) -> Result<Outcome, RequestError> {
        let graph = Graph::new(doc);
        evaluate_request(&graph, &mut PolicyCache::new(), request)
    }

    fn worst_case(doc: &Document, store: &str) -> String {
        let graph = Graph::new(doc);
        request_choices(&graph, &mut PolicyCache::new(), store)
            .expect("the store exists")
            .worst_case_context
    }

    const CARDHOLDER: &str = r#"Trustmap::Customer::"cardholder""#;
    const PROCESSOR: &str = r#"Trustmap::Partner::"card-processor""#;
    const EDGE: &str = r#"Trustmap::Gateway::"payments-edge""#;
    const ENGINEER: &str = r#"Trustmap::WorkforceUser::"support-engineer""#;
    const CONSOLE: &str = r#"Trustmap::Gateway::"workforce-access""#;

    #[test]
    fn cardholder_may_create_payments() {
        // The payments edge lies in the payments account, and "cardholders-create-payments"
        // permits any customer CreatePayment on a resource in that account.
        let doc = blueprint();
        let asked = request(&doc, "payments-policies", CARDHOLDER, "CreatePayment", EDGE);
        let outcome = ask(&doc, &asked).expect("the request is valid");
        assert!(outcome.allowed);
        assert_eq!(outcome.reasons, ["cardholders-create-payments"]);
        assert!(outcome.errors.is_empty());
    }

    #[test]
    fn processor_may_not_create_payments() {
        // The processor's only permit is for PostSettlementEvent, so nothing permits it
        // CreatePayment: a default deny, which no policy decides.
        let doc = blueprint();
        let outcome = ask(
            &doc,
            &request(&doc, "payments-policies", PROCESSOR, "CreatePayment", EDGE),
        )
        .expect("the request is valid");
        assert!(!outcome.allowed);
        assert!(outcome.reasons.is_empty());

        let settlement = ask(
            &doc,
            &request(
                &doc,
                "payments-policies",
                PROCESSOR,
                "PostSettlementEvent",
                EDGE,
            ),
        )
        .expect("the request is valid");
        assert!(settlement.allowed);
        assert_eq!(settlement.reasons, ["processor-posts-settlement-events"]);
    }

    #[test]
    fn worst_case_context_is_refused_as_risky() {
        // Risk score 100 is over 70, so "refuse-risky-sessions" forbids the request, and the
        // permit needs a managed device anyway.
        let doc = blueprint();
        let asked = request(
            &doc,
            "workforce-access-policies",
            ENGINEER,
            "OpenConsole",
            CONSOLE,
        );
        let outcome = ask(&doc, &asked).expect("the request is valid");
        assert!(!outcome.allowed);
        assert_eq!(outcome.reasons, ["refuse-risky-sessions"]);
    }

    #[test]
    fn best_case_context_opens_the_console() {
        // The engineer is a member of support-engineers. A managed, compliant device with
        // MFA and risk 10 satisfies the permit and stays under the forbid's 70.
        let doc = blueprint();
        let mut asked = request(
            &doc,
            "workforce-access-policies",
            ENGINEER,
            "OpenConsole",
            CONSOLE,
        );
        asked.context = r#"{"device": {"managed": true, "compliant": true},
            "location": "office", "risk_score": 10, "mfa": true}"#
            .to_owned();
        let outcome = ask(&doc, &asked).expect("the request is valid");
        assert!(outcome.allowed);
        assert_eq!(outcome.reasons, ["support-engineers-open-console"]);
    }

    #[test]
    fn worst_case_context_has_the_standard_paths() {
        let doc = blueprint();
        let context: serde_json::Value =
            serde_json::from_str(&worst_case(&doc, "payments-policies")).expect("JSON");
        assert_eq!(
            context,
            serde_json::json!({
                "device": { "managed": false, "compliant": false },
                "location": "unknown",
                "risk_score": 100,
                "mfa": false,
            })
        );
    }

    #[test]
    fn choices_list_the_model_entities() {
        let doc = blueprint();
        let graph = Graph::new(&doc);
        let choices = request_choices(&graph, &mut PolicyCache::new(), "payments-policies")
            .expect("the store exists");
        // The derived schema declares the actions that flows name for this store.
        assert_eq!(choices.actions, ["CreatePayment", "PostSettlementEvent"]);
        for principal in [CARDHOLDER, PROCESSOR, ENGINEER] {
            assert!(
                choices.principals.iter().any(|uid| uid == principal),
                "{principal}"
            );
        }
        assert!(choices.resources.iter().any(|uid| uid == EDGE));
        assert!(
            !choices
                .principals
                .iter()
                .any(|uid| uid.contains("::Group::")),
            "groups are not principals"
        );
        assert!(matches!(
            request_choices(&graph, &mut PolicyCache::new(), "missing"),
            Err(RequestError::UnknownStore(_))
        ));
    }

    #[test]
    fn bad_requests_are_rejected() {
        let doc = blueprint();
        let store = "payments-policies";

        let unknown = ask(
            &doc,
            &request(&doc, "nowhere", CARDHOLDER, "CreatePayment", EDGE),
        );
        assert!(matches!(unknown, Err(RequestError::UnknownStore(_))));

        let bad_uid = ask(
            &doc,
            &request(&doc, store, "cardholder", "CreatePayment", EDGE),
        );
        assert!(
            matches!(
                bad_uid,
                Err(RequestError::InvalidUid {
                    field: "principal",
                    ..
                })
            ),
            "{bad_uid:?}"
        );

        let action = ask(
            &doc,
            &request(&doc, store, CARDHOLDER, "DeleteEverything", EDGE),
        );
        assert!(matches!(action, Err(RequestError::UnknownAction { .. })));

        // A group is no principal type of the action.
        let group = r#"Trustmap::Group::"support-engineers""#;
        let wrong_type = ask(&doc, &request(&doc, store, group, "CreatePayment", EDGE));
        assert!(
            matches!(wrong_type, Err(RequestError::InvalidRequest(_))),
            "{wrong_type:?}"
        );

        let mut wrong_context = request(&doc, store, CARDHOLDER, "CreatePayment", EDGE);
        wrong_context.context = r#"{"risk_score": "high"}"#.to_owned();
        let result = ask(&doc, &wrong_context);
        assert!(
            matches!(result, Err(RequestError::InvalidContext(_))),
            "{result:?}"
        );

        let mut deep = request(&doc, store, CARDHOLDER, "CreatePayment", EDGE);
        deep.context = "[".repeat(100_000);
        let result = ask(&doc, &deep);
        assert!(
            matches!(result, Err(RequestError::InvalidContext(_))),
            "{result:?}"
        );
    }

    #[test]
    fn unknown_principal_matches_by_type() {
        // A principal the model lacks has no groups and no attributes. The customer permit
        // matches any customer, so one that no node is for is still permitted.
        let doc = blueprint();
        let stranger = r#"Trustmap::Customer::"stranger""#;
        let outcome = ask(
            &doc,
            &request(&doc, "payments-policies", stranger, "CreatePayment", EDGE),
        )
        .expect("the request is valid");
        assert!(outcome.allowed);
        assert_eq!(outcome.reasons, ["cardholders-create-payments"]);
    }

    #[test]
    fn store_with_errors_is_not_asked() {
        let mut doc = blueprint();
        doc.policy_stores[0].policies.push_str("permit (principal,");
        let result = ask(
            &doc,
            &request(&doc, "payments-policies", CARDHOLDER, "CreatePayment", EDGE),
        );
        assert!(
            matches!(result, Err(RequestError::StoreNotSound { count: 1, .. })),
            "{result:?}"
        );
    }
}
