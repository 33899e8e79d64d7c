//! Import of Threagile YAML models.
//!
//! Technical assets become nodes, their communication links flows, trust boundaries zones
//! and data assets the data classes of nodes and flows. The `tables` module contains every
//! value mapping. Risks, risk tracking and shared runtimes have no place in the model and
//! are reported as left out by id.
//!
//! Threagile links point from the caller to the callee and are one direction each, as flows
//! are. An asset listed in several trust boundaries is placed in the innermost one when
//! all of them nest, and otherwise in the first one listed.

mod input;
mod tables;

use std::collections::HashMap;

use crate::document::{
    DataClass, DataStore, Document, Edge, EdgeKind, External, ExternalSort, Flow, Gateway,
    Identity, Key, KeyRotation, NetworkPath, Node, NodeKind, Secret, SecretStorage, Service, Zone,
};
use crate::import::{
    IdAllocator, Import, ImportError, ImportReport, layered_layout, slug, strip_html, yaml,
};
use crate::load::validate::endpoint_error;

use input::{Link, Model, TechnicalAsset, TrustBoundary};
use tables::{DataAssetClasses, KindChoice};

/// Maximum label length that the document accepts, in characters.
const MAX_LABEL_CHARS: usize = 4096;

/// Imports a Threagile YAML model; `file` names the input in error messages.
///
/// The document is laid out with [`layered_layout`]. The report lists every technical asset,
/// link, trust boundary and data asset as mapped, each value the importer chose as guessed,
/// and everything else as left out.
pub fn import_threagile(text: &str, file: &str) -> Result<Import, ImportError> {
    let root =
        yaml::load(text, &yaml::YamlLimits::default()).map_err(|error| ImportError::Yaml {
            file: file.to_owned(),
            error,
        })?;
    let model = input::read(&root, file)?;

    let mut import = Builder::new(&model).build();
    super::clean::clean_texts(&mut import.document, &mut import.report);
    layered_layout(&mut import.document);
    log::info!(
        "imported {file}: {} nodes, {} edges, {} guesses, {} left out",
        import.document.nodes.len(),
        import.document.edges.len(),
        import.report.guessed.len(),
        import.report.left_out.len()
    );
    Ok(import)
}

/// Builds the document and the report from a read model.
struct Builder<'m> {
    model: &'m Model,
    document: Document,
    report: ImportReport,
    ids: IdAllocator,
    data: HashMap<&'m str, DataAssetClasses>,
    /// Node index of each technical asset id.
    assets: HashMap<&'m str, usize>,
    /// Node index of each trust boundary id.
    zones: HashMap<&'m str, usize>,
    /// Node index of the parent zone of each nested zone, by node index.
    zone_parent: HashMap<usize, usize>,
}

impl<'m> Builder<'m> {
    fn new(model: &'m Model) -> Self {
        Self {
            model,
            document: Document::new(clean_label(&model.title).0),
            report: ImportReport::default(),
            ids: IdAllocator::default(),
            data: HashMap::new(),
            assets: HashMap::new(),
            zones: HashMap::new(),
            zone_parent: HashMap::new(),
        }
    }

    fn build(mut self) -> Import {
        if clean_label(&self.model.title).1 {
            self.report.guessed(
                "title",
                format!(
                    "contains control characters or is longer than {MAX_LABEL_CHARS} \
                     characters; cleaned for the model name"
                ),
            );
        }
        self.document.description = self
            .model
            .descriptions
            .iter()
            .map(|text| strip_html(text).trim().to_owned())
            .filter(|text| !text.is_empty())
            .collect::<Vec<_>>()
            .join("\n\n");

        self.data_assets();
        self.zones();
        self.technical_assets();
        self.nest_zones();
        self.place_assets();
        self.flows();
        self.left_out();

        Import {
            document: self.document,
            report: self.report,
        }
    }

    fn data_assets(&mut self) {
        for asset in &self.model.data_assets {
            let classes = tables::data_classes(
                &asset.id,
                &asset.title,
                &asset.tags,
                asset.confidentiality.as_deref(),
                asset.integrity.as_deref(),
            );
            let names: Vec<&str> = classes.classes.iter().map(|class| class.name()).collect();
            self.report.mapped(
                &asset.id,
                format!(
                    "data asset {:?} became data class {}",
                    asset.title,
                    names.join(" and ")
                ),
            );
            for guess in &classes.guesses {
                self.report.guessed(&asset.id, guess);
            }
            self.data.insert(&asset.id, classes);
        }
    }

    /// Collects the data classes of data asset ids, and whether any makes its holder
    /// critical. Unknown ids are reported under `owner`.
    fn classes_of(&mut self, owner: &str, field: &str, ids: &[String]) -> (Vec<DataClass>, bool) {
        let mut classes = Vec::new();
        let mut critical = false;
        for id in ids {
            match self.data.get(id.as_str()) {
                Some(found) => {
                    classes.extend_from_slice(&found.classes);
                    critical |= found.critical;
                }
                None => self.report.left_out(
                    owner,
                    format!("{field} names {id:?}, which is no data asset"),
                ),
            }
        }
        classes.sort();
        classes.dedup();
        (classes, critical)
    }

    fn zones(&mut self) {
        for boundary in &self.model.trust_boundaries {
            let (choice, guess) = tables::zone(boundary.boundary_type.as_deref());
            let kind = NodeKind::Zone(Zone {
                sort: choice.sort,
                default_deny: choice.default_deny,
                cde: false,
            });
            let ix = self.add_node(&boundary.id, &boundary.title, kind);
            let node = &mut self.document.nodes[ix];
            node.note = strip_html(&boundary.description).trim().to_owned();
            node.tags = boundary.tags.clone();

            let sort = node.kind.name();
            let id = node.id.clone();
            self.report.mapped(
                &boundary.id,
                format!("trust boundary {:?} became {sort} {id}", boundary.title),
            );
            if let Some(guess) = guess {
                self.report.guessed(&boundary.id, guess);
            }
            self.zones.insert(&boundary.id, ix);
        }
    }

    /// Adds a node with a unique id and a clean label, reporting either change.
    fn add_node(&mut self, source_id: &str, title: &str, kind: NodeKind) -> usize {
        let id = self.ids.claim(source_id);
        if id != source_id {
            self.report.guessed(
                source_id,
                format!("id {source_id:?} is taken or invalid; renamed {id}"),
            );
        }
        let (label, changed) = clean_label(title);
        if changed {
            self.report.guessed(
                source_id,
                "title holds control characters or is too long; cleaned for the label",
            );
        }
        self.document.nodes.push(Node::new(id, label, kind));
        self.document.nodes.len() - 1
    }

    fn technical_assets(&mut self) {
        for asset in &self.model.technical_assets {
            let ix = self.technical_asset(asset);
            self.assets.insert(&asset.id, ix);
        }
        self.report.left_out(
            "technical_assets",
            "owner, size, machine, CIA ratings, redundancy, multi-tenancy, data formats and \
             diagram tweaks of technical assets are not modelled",
        );
    }

    fn technical_asset(&mut self, asset: &'m TechnicalAsset) -> usize {
        let (choice, guess) =
            tables::kind_of(asset.asset_type.as_deref(), asset.technology.as_deref());
        if let Some(guess) = guess {
            self.report.guessed(&asset.id, guess);
        }
        let kind = self.node_kind(asset, choice);
        let (data_classes, holds_critical) =
            self.classes_of(&asset.id, "data_assets_stored", &asset.data_assets_stored);

        let ix = self.add_node(&asset.id, &asset.title, kind);
        let node = &mut self.document.nodes[ix];
        node.technology = asset.technology.clone().unwrap_or_default();
        node.note = strip_html(&asset.description).trim().to_owned();
        node.tags = asset.tags.clone();
        node.data_classes = data_classes;
        let safety_tag = asset.tags.iter().any(|tag| tag == "safety-critical");
        node.critical = holds_critical || safety_tag;

        let kind_name = node.kind.name();
        let id = node.id.clone();
        let public = node.is_public();
        self.report.mapped(
            &asset.id,
            format!(
                "technical asset {:?} became {kind_name} node {id}",
                asset.title
            ),
        );
        if holds_critical {
            self.report.guessed(
                &asset.id,
                "marked critical because it stores strictly confidential data",
            );
        } else if safety_tag {
            self.report.guessed(
                &asset.id,
                "marked critical because it is tagged safety-critical",
            );
        }
        if asset.internet && !public && choice != KindChoice::External {
            self.report.left_out(
                &asset.id,
                format!("is on the Internet, but a {kind_name} node cannot be public"),
            );
        }
        self.asset_left_out(asset);
        ix
    }

    /// Builds the node kind with its attributes and reports the guesses it makes.
    fn node_kind(&mut self, asset: &TechnicalAsset, choice: KindChoice) -> NodeKind {
        let public = asset.internet;
        match choice {
            KindChoice::External => {
                let (sort, sentence) = external_sort(asset);
                self.report.guessed(&asset.id, sentence);
                NodeKind::External(External { sort })
            }
            KindChoice::Gateway { waf } => NodeKind::Gateway(Gateway {
                public,
                waf,
                ..Gateway::default()
            }),
            KindChoice::Service => NodeKind::Service(Service {
                public,
                ..Service::default()
            }),
            KindChoice::DataStore => {
                let (encryption, guess) = tables::encryption(asset.encryption.as_deref());
                if let Some(guess) = guess {
                    self.report.guessed(&asset.id, guess);
                }
                NodeKind::DataStore(DataStore {
                    public,
                    encryption,
                    read_needs_decrypt: false,
                })
            }
            KindChoice::Identity(sort) => NodeKind::Identity(Identity {
                sort,
                credentials: Default::default(),
                boundary: None,
            }),
            KindChoice::Secret => NodeKind::Secret(Secret {
                storage: SecretStorage::SecretsManager,
                rotation_days: None,
            }),
            KindChoice::Key => NodeKind::Key(Key {
                cloudhsm: true,
                rotation: KeyRotation::None,
            }),
        }
    }

    fn asset_left_out(&mut self, asset: &TechnicalAsset) {
        let mut parts = Vec::new();
        let processed_only: Vec<&str> = asset
            .data_assets_processed
            .iter()
            .filter(|id| !asset.data_assets_stored.contains(id))
            .map(String::as_str)
            .collect();
        if !processed_only.is_empty() {
            parts.push(format!(
                "the data assets it only processes ({}), because a node's data classes are \
                 the data it stores",
                processed_only.join(", ")
            ));
        }
        if asset.out_of_scope {
            parts.push("its out-of-scope mark".to_owned());
        }
        if asset.usage.as_deref() == Some("devops") {
            parts.push("its devops usage".to_owned());
        }
        if !parts.is_empty() {
            self.report
                .left_out(&asset.id, format!("not modelled: {}", parts.join("; ")));
        }
    }

    /// Sets each zone's parent from `trust_boundaries_nested`, skipping any link that would
    /// give a zone a second parent or close a cycle.
    fn nest_zones(&mut self) {
        for boundary in &self.model.trust_boundaries {
            let parent_ix = self.zones[boundary.id.as_str()];
            for nested in &boundary.trust_boundaries_nested {
                let Some(&child_ix) = self.zones.get(nested.as_str()) else {
                    self.report.left_out(
                        &boundary.id,
                        format!("nests {nested:?}, which is no trust boundary"),
                    );
                    continue;
                };
                if let Some(existing) = &self.document.nodes[child_ix].parent {
                    self.report.guessed(
                        nested,
                        format!(
                            "is nested in both {existing} and {}; kept in {existing}",
                            boundary.id
                        ),
                    );
                    continue;
                }
                if self.is_ancestor_or_self(child_ix, parent_ix) {
                    self.report.left_out(
                        nested,
                        format!(
                            "nesting it in {} would close a cycle of trust boundaries",
                            boundary.id
                        ),
                    );
                    continue;
                }
                let parent_id = self.document.nodes[parent_ix].id.clone();
                self.document.nodes[child_ix].parent = Some(parent_id);
                self.zone_parent.insert(child_ix, parent_ix);
            }
        }
    }

    /// Returns whether `ancestor` is `ix` or one of its parents.
    fn is_ancestor_or_self(&self, ancestor: usize, ix: usize) -> bool {
        let mut current = Some(ix);
        while let Some(ix) = current {
            if ix == ancestor {
                return true;
            }
            current = self.parent_ix(ix);
        }
        false
    }

    fn parent_ix(&self, ix: usize) -> Option<usize> {
        self.zone_parent.get(&ix).copied()
    }

    /// Puts each technical asset in the innermost trust boundary that lists it, or in the
    /// first one listed when those boundaries do not all nest inside each other.
    fn place_assets(&mut self) {
        let mut homes: HashMap<&str, Vec<&TrustBoundary>> = HashMap::new();
        for boundary in &self.model.trust_boundaries {
            for asset_id in &boundary.technical_assets_inside {
                if self.assets.contains_key(asset_id.as_str()) {
                    homes.entry(asset_id).or_default().push(boundary);
                } else {
                    self.report.left_out(
                        &boundary.id,
                        format!("lists {asset_id:?} inside, which is no technical asset"),
                    );
                }
            }
        }

        for asset in &self.model.technical_assets {
            let Some(boundaries) = homes.get(asset.id.as_str()) else {
                continue;
            };
            let (best, choice) = match self.innermost(boundaries) {
                Some(innermost) => (innermost, "the innermost"),
                None => (boundaries[0], "the first listed"),
            };
            if boundaries.len() > 1 {
                let all: Vec<&str> = boundaries.iter().map(|b| b.id.as_str()).collect();
                self.report.guessed(
                    &asset.id,
                    format!(
                        "is inside {}; placed in {choice}, {}",
                        all.join(" and "),
                        best.id
                    ),
                );
            }
            let zone_id = self.document.nodes[self.zones[best.id.as_str()]].id.clone();
            self.document.nodes[self.assets[asset.id.as_str()]].parent = Some(zone_id);
        }
    }

    /// Returns the boundary that every other one contains, if there is one.
    fn innermost<'b>(&self, boundaries: &[&'b TrustBoundary]) -> Option<&'b TrustBoundary> {
        let zone = |boundary: &TrustBoundary| self.zones[boundary.id.as_str()];
        boundaries.iter().copied().find(|inner| {
            boundaries
                .iter()
                .all(|outer| self.is_ancestor_or_self(zone(outer), zone(inner)))
        })
    }

    fn flows(&mut self) {
        for asset in &self.model.technical_assets {
            for link in &asset.communication_links {
                self.flow(asset, link);
            }
        }
        if !self.document.edges.is_empty() {
            self.report.guessed(
                "communication_links",
                "Threagile records no request logging, so every flow is marked not logged",
            );
        }
    }

    fn flow(&mut self, asset: &'m TechnicalAsset, link: &'m Link) {
        let link_id = format!("{}.{}", asset.id, link.title);
        let Some(&target_ix) = self.assets.get(link.target.as_str()) else {
            self.report.left_out(
                &link_id,
                format!("targets {:?}, which is no technical asset", link.target),
            );
            return;
        };
        let source_ix = self.assets[asset.id.as_str()];
        let flow_kind = EdgeKind::Flow(Flow::default());
        let (source, target_node) = (
            &self.document.nodes[source_ix],
            &self.document.nodes[target_ix],
        );
        if let Some(problem) = endpoint_error(&flow_kind, source, Some(target_node)) {
            self.report
                .left_out(&link_id, format!("is not imported: {problem}"));
            return;
        }
        let target = self
            .model
            .technical_assets
            .iter()
            .find(|candidate| candidate.id == link.target);
        let caller_external = self.document.nodes[source_ix].is_external();
        let caller_is_user = caller_external
            || asset.used_as_client_by_human
            || tables::is_human_client(asset.technology.as_deref());

        let (tls, tls_guess) = tables::tls(link.protocol.as_deref());
        let (authentication, authentication_guess) =
            tables::authentication(link.authentication.as_deref(), caller_is_user);
        let (authorization, originating, authorization_guess) =
            tables::authorization(link.authorization.as_deref(), caller_external);
        let mut data_ids = link.data_assets_sent.clone();
        data_ids.extend(link.data_assets_received.iter().cloned());
        let (data_classes, _) = self.classes_of(&link_id, "the link's data assets", &data_ids);

        let target_external_on_internet = target
            .is_some_and(|target| target.internet && self.document.nodes[target_ix].is_external());
        let crosses_internet = (caller_external && asset.internet) || target_external_on_internet;
        let network = if crosses_internet && !link.vpn {
            NetworkPath::Public
        } else {
            NetworkPath::Private
        };

        let slug_title = match slug(&link.title) {
            title if title.is_empty() => "link".to_owned(),
            title => title,
        };
        let id = self.ids.claim(&format!(
            "{}.{slug_title}",
            self.document.nodes[source_ix].id
        ));
        let edge = Edge {
            id: id.clone(),
            from: self.document.nodes[source_ix].id.clone(),
            to: self.document.nodes[target_ix].id.clone(),
            kind: EdgeKind::Flow(Flow {
                protocol: link.protocol.clone().unwrap_or_default(),
                network,
                data_classes,
                tls,
                authentication,
                authorization,
                originating,
                ..Flow::default()
            }),
        };
        self.report.mapped(
            &link_id,
            format!(
                "link {:?} became flow {id} from {} to {}",
                link.title, edge.from, edge.to
            ),
        );
        self.document.edges.push(edge);

        for guess in [tls_guess, authentication_guess, authorization_guess]
            .into_iter()
            .flatten()
        {
            self.report.guessed(&link_id, guess);
        }
        if crosses_internet {
            let sentence = if link.vpn {
                "crosses the Internet through a VPN; network path taken as private"
            } else {
                "crosses the Internet without a VPN; network path taken as public"
            };
            self.report.guessed(&link_id, sentence);
        }
        self.link_left_out(&link_id, link);
    }

    fn link_left_out(&mut self, link_id: &str, link: &Link) {
        let mut parts = Vec::new();
        if !link.description.trim().is_empty() {
            parts.push("its description".to_owned());
        }
        if !link.tags.is_empty() {
            parts.push(format!("its tags ({})", link.tags.join(", ")));
        }
        if link.readonly {
            parts.push("its read-only mark".to_owned());
        }
        if link.usage.as_deref() == Some("devops") {
            parts.push("its devops usage".to_owned());
        }
        if link.ip_filtered {
            parts.push("its IP filter, which states no address range".to_owned());
        }
        if !parts.is_empty() {
            self.report
                .left_out(link_id, format!("not modelled: {}", parts.join("; ")));
        }
    }

    fn left_out(&mut self) {
        for runtime in &self.model.shared_runtimes {
            self.report.left_out(
                &runtime.id,
                format!(
                    "shared runtime running {} is not modelled",
                    list_or_nothing(&runtime.technical_assets_running)
                ),
            );
        }
        for category in &self.model.risk_categories {
            self.report.left_out(
                &category.id,
                format!(
                    "risk category {:?} from {} with {} identified risks is not modelled; \
                     the review derives findings from the model itself",
                    category.title, category.key, category.risks_identified
                ),
            );
        }
        for key in &self.model.risk_tracking {
            self.report
                .left_out(key, "risk tracking entry is not modelled");
        }
        for key in &self.model.other_keys {
            self.report.left_out(key, "top-level entry is not modelled");
        }
    }
}

/// Chooses the sort of an external entity. A person's client is a customer, or a workforce
/// user when it serves devops. Anything else is a partner's system.
fn external_sort(asset: &TechnicalAsset) -> (ExternalSort, String) {
    let human =
        asset.used_as_client_by_human || tables::is_human_client(asset.technology.as_deref());
    match (human, asset.usage.as_deref()) {
        (true, Some("devops")) => (
            ExternalSort::WorkforceUser { mfa: false },
            "a person's client used for devops; taken as a workforce user without MFA".to_owned(),
        ),
        (true, _) => (
            ExternalSort::Customer,
            "a person's client; taken as a customer".to_owned(),
        ),
        (false, _) => (
            ExternalSort::Partner,
            "an external system; taken as a partner".to_owned(),
        ),
    }
}

fn list_or_nothing(items: &[String]) -> String {
    if items.is_empty() {
        "nothing".to_owned()
    } else {
        items.join(", ")
    }
}

/// Replaces control characters other than tab and newline with spaces and cuts the label to
/// [`MAX_LABEL_CHARS`]; returns whether anything changed.
fn clean_label(title: &str) -> (String, bool) {
    let mut changed = false;
    let label: String = title
        .chars()
        .take(MAX_LABEL_CHARS)
        .map(|c| {
            if c.is_control() && c != '\t' && c != '\n' {
                changed = true;
                ' '
            } else {
                c
            }
        })
        .collect();
    changed |= title.chars().count() > MAX_LABEL_CHARS;
    (label, changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURES: [(&str, &str); 3] = [
        (
            "threagile-demo-example.yaml",
            include_str!("../../../../tests/fixtures/threagile/threagile-demo-example.yaml"),
        ),
        (
            "threagile-demo-stub.yaml",
            include_str!("../../../../tests/fixtures/threagile/threagile-demo-stub.yaml"),
        ),
        (
            "threagile-automotive-zonal.yaml",
            include_str!("../../../../tests/fixtures/threagile/threagile-automotive-zonal.yaml"),
        ),
    ];

    #[test]
    fn imported_documents_round_trip_through_ron() {
        for (name, text) in FIXTURES {
            let document = import_threagile(text, name)
                .unwrap_or_else(|error| panic!("{error}"))
                .document;

            let written = ron::ser::to_string_pretty(&document, ron::ser::PrettyConfig::default())
                .unwrap_or_else(|error| panic!("{name}: {error}"));
            let read: Document =
                ron::from_str(&written).unwrap_or_else(|error| panic!("{name}: {error}"));
            assert_eq!(read, document, "{name}");
        }
    }

    /// Returns the messages of the report's guesses about `id`.
    fn guesses<'i>(import: &'i Import, id: &str) -> Vec<&'i str> {
        let entries = import.report.guessed.iter().filter(|entry| entry.id == id);
        entries.map(|entry| entry.message.as_str()).collect()
    }

    #[test]
    fn file_without_technical_assets_rejected() {
        let threat_dragon =
            include_str!("../../../../tests/fixtures/threat-dragon/v2-new-model.json");
        let cases = [
            ("td.json", threat_dragon),
            (
                "other.yaml",
                "title: Something else\ntrust_boundaries: {}\n",
            ),
            ("empty.yaml", "{}"),
        ];
        for (name, text) in cases {
            let error = import_threagile(text, name).expect_err(name);

            assert_eq!(
                error.to_string(),
                format!("{name} is not a Threagile model: it has no `technical_assets`")
            );
        }
    }

    #[test]
    fn empty_technical_assets_accepted() {
        let import = import_threagile("title: T\ntechnical_assets:\n", "t.yaml");

        assert!(import.is_ok(), "{import:?}");
    }

    #[test]
    fn duplicate_asset_key_rejected() {
        // Without the check the second `A` replaced the first and asset `a` vanished.
        let text = "technical_assets:\n  A:\n    id: a\n  A:\n    id: b\n";
        let error = import_threagile(text, "t.yaml").expect_err("duplicate key");

        assert_eq!(
            error.to_string(),
            "t.yaml:4:3: invalid YAML: duplicate key `A` in a mapping; rename or remove one of them"
        );
    }

    #[test]
    fn yaml_error_is_one_sentence() {
        let text = "title: T\ntechnical_assets:\n  A:\n    id: *nowhere\n";
        let error = import_threagile(text, "t.yaml").expect_err("unknown anchor");

        assert_eq!(
            error.to_string(),
            "t.yaml:4:9: invalid YAML: unknown anchor"
        );
        // The loader's error is part of the message, not a source that would repeat it.
        assert!(std::error::Error::source(&error).is_none());
    }

    #[test]
    fn control_character_in_title_has_line_and_column() {
        // The escape character is the 11th character of line 3.
        let text = "technical_assets: {}\n\ntitle: Bad\u{1b}title\n";
        let error = import_threagile(text, "t.yaml").expect_err("control character");

        assert!(
            error
                .to_string()
                .starts_with("t.yaml:3:11: invalid YAML: control character U+001B"),
            "{error}"
        );
    }

    #[test]
    fn long_title_reported_as_guessed() {
        let title = "T".repeat(5_000);
        let text = format!("title: {title}\ntechnical_assets: {{}}\n");
        let import = import_threagile(&text, "t.yaml").unwrap_or_else(|error| panic!("{error}"));

        assert_eq!(import.document.name.chars().count(), MAX_LABEL_CHARS);
        let messages = guesses(&import, "title");
        assert_eq!(messages.len(), 1, "{messages:?}");
        assert!(
            messages[0].contains("longer than 4096 characters"),
            "{messages:?}"
        );
    }

    #[test]
    fn asset_in_sibling_boundaries_goes_first_listed() {
        // `left` and `right` are both top level, so neither contains the other: the asset
        // goes to `right`, listed first, and the report does not call it the innermost.
        let text = "\
technical_assets:
  A:
    id: a
trust_boundaries:
  Right:
    id: right
    technical_assets_inside: [a]
  Left:
    id: left
    technical_assets_inside: [a]
";
        let import = import_threagile(text, "t.yaml").unwrap_or_else(|error| panic!("{error}"));
        let asset = import.document.nodes.iter().find(|node| node.id == "a");

        assert_eq!(asset.and_then(|node| node.parent.as_deref()), Some("right"));
        let messages = guesses(&import, "a");
        assert!(
            messages.contains(&"is inside right and left; placed in the first listed, right"),
            "{messages:?}"
        );
    }

    #[test]
    fn clean_label_replaces_control_characters() {
        assert_eq!(clean_label("a\u{7}b\tc"), ("a b\tc".to_owned(), true));
        assert_eq!(
            clean_label("Web — Server"),
            ("Web — Server".to_owned(), false)
        );
        let long = "x".repeat(MAX_LABEL_CHARS + 1);
        assert_eq!(clean_label(&long).0.chars().count(), MAX_LABEL_CHARS);
    }
}
