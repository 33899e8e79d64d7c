//! The review, kept in step with the document.
//!
//! The review reruns after every change. A review that took longer than
//! [`LiveReview::INLINE_LIMIT`] last time runs on a worker thread instead, and the window
//! keeps showing the previous result until the new one arrives, so a large model never
//! makes a frame stutter.
//!
//! One Cedar decision cache lives as long as the window, so an edit that leaves the policy
//! stores and the entities they ask about alone reuses every earlier decision.

use std::collections::HashMap;
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use trustmap_model::policy::PolicyCache;
use trustmap_model::review::review_with;
use trustmap_model::{Document, Review, Severity};

/// The Cedar decision cache shared by the reviews of one window.
pub type SharedCache = Arc<Mutex<PolicyCache>>;

/// The number of findings that name a node, and the most severe of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Badge {
    /// How many findings name the node.
    pub count: usize,
    /// The maximum severity of those findings.
    pub worst: Severity,
}

/// A finished review with what the canvas derives from it.
#[derive(Debug)]
pub struct ReviewResult {
    /// The review.
    pub review: Review,
    /// Each node id named by a finding, with its badge.
    pub badges: HashMap<String, Badge>,
    /// The indices into `review.findings` of each severity's findings, in review order,
    /// indexed by `Severity as usize`, so the findings list need not filter every frame.
    pub by_severity: [Vec<usize>; Severity::ALL.len()],
    /// How long the review took.
    pub duration: Duration,
}

impl ReviewResult {
    fn new(review: Review, duration: Duration) -> Self {
        let mut badges: HashMap<String, Badge> = HashMap::new();
        let mut by_severity: [Vec<usize>; Severity::ALL.len()] = Default::default();
        for (index, finding) in review.findings.iter().enumerate() {
            by_severity[finding.severity as usize].push(index);
            let mut named: Vec<&String> = finding.nodes.iter().collect();
            named.sort_unstable();
            named.dedup();
            for id in named {
                let badge = badges.entry(id.clone()).or_insert(Badge {
                    count: 0,
                    worst: finding.severity,
                });
                badge.count += 1;
                badge.worst = badge.worst.max(finding.severity);
            }
        }
        Self {
            review,
            badges,
            by_severity,
            duration,
        }
    }

    fn run(doc: &Document, cache: &SharedCache) -> Self {
        let start = Instant::now();
        // A review that panicked left the cache whole: every entry is inserted complete.
        let mut cache = cache.lock().unwrap_or_else(PoisonError::into_inner);
        let review = review_with(doc, &mut cache);
        Self::new(review, start.elapsed())
    }
}

/// The latest review of the open document and the worker computing the next one.
pub struct LiveReview {
    current: Arc<ReviewResult>,
    reviewed: Option<u64>,
    worker: Option<(u64, Receiver<ReviewResult>)>,
    cache: SharedCache,
}

impl LiveReview {
    /// The maximum duration of a review that still runs on the UI thread: a quarter of a
    /// 60 Hz frame.
    pub const INLINE_LIMIT: Duration = Duration::from_millis(4);

    /// Reviews a document right away.
    pub fn new(doc: &Document, generation: u64) -> Self {
        let cache = SharedCache::default();
        Self {
            current: Arc::new(ReviewResult::run(doc, &cache)),
            reviewed: Some(generation),
            worker: None,
            cache,
        }
    }

    /// Returns the Cedar decision cache the reviews fill, for other views of the model
    /// that ask the policy stores.
    pub fn cache(&self) -> &SharedCache {
        &self.cache
    }

    /// Returns the latest finished review.
    pub fn current(&self) -> &Arc<ReviewResult> {
        &self.current
    }

    /// Returns whether a newer review is being computed.
    pub fn is_pending(&self) -> bool {
        self.worker.is_some()
    }

    /// Waits for the worker's review, if one runs, and makes it current. Window tests call
    /// it after each frame so that what they check does not depend on whether a loaded
    /// machine ran the review on the worker.
    #[cfg(test)]
    pub fn finish_pending(&mut self) {
        if let Some((worked_on, receiver)) = self.worker.take()
            && let Ok(result) = receiver.recv()
        {
            self.reviewed = Some(worked_on);
            self.current = Arc::new(result);
        }
    }

    /// Brings the review up to date with a document whose content is numbered
    /// `generation`: collects a worker's result, then starts a new review if the document
    /// changed since the last one.
    pub fn update(&mut self, doc: &Document, generation: u64, ctx: &egui::Context) {
        if let Some((worked_on, receiver)) = &self.worker {
            match receiver.try_recv() {
                Ok(result) => {
                    self.reviewed = Some(*worked_on);
                    self.current = Arc::new(result);
                    self.worker = None;
                }
                Err(TryRecvError::Empty) => return,
                Err(TryRecvError::Disconnected) => {
                    log::error!("the review worker stopped without a result");
                    self.worker = None;
                }
            }
        }
        if self.reviewed == Some(generation) {
            return;
        }

        if self.current.duration <= Self::INLINE_LIMIT {
            self.current = Arc::new(ReviewResult::run(doc, &self.cache));
            self.reviewed = Some(generation);
        } else {
            self.spawn(doc, generation, ctx.clone());
        }
    }

    fn spawn(&mut self, doc: &Document, generation: u64, ctx: egui::Context) {
        let (sender, receiver) = mpsc::channel();
        let doc = Arc::new(doc.clone());
        let worker_doc = Arc::clone(&doc);
        let worker_cache = Arc::clone(&self.cache);
        let spawned = thread::Builder::new().name("review".into()).spawn(move || {
            let result = ReviewResult::run(&worker_doc, &worker_cache);
            // The window may have closed meanwhile, and then the result is not needed.
            let _ = sender.send(result);
            ctx.request_repaint();
        });
        match spawned {
            Ok(_) => self.worker = Some((generation, receiver)),
            Err(err) => {
                log::error!("could not start the review worker, reviewing here: {err}");
                self.current = Arc::new(ReviewResult::run(&doc, &self.cache));
                self.reviewed = Some(generation);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use trustmap_model::document::{Edge, EdgeKind, Flow, Node, NodeKind, Service};
    use trustmap_model::review;

    use super::*;

    fn two_services_with_a_flow() -> Document {
        let mut doc = Document::new("two");
        doc.nodes = vec![
            Node::new("a", "A", NodeKind::Service(Service::default())),
            Node::new("b", "B", NodeKind::Service(Service::default())),
        ];
        doc.edges = vec![Edge {
            id: "a-to-b".into(),
            from: "a".into(),
            to: "b".into(),
            kind: EdgeKind::Flow(Flow::default()),
        }];
        doc
    }

    #[test]
    fn badges_count_findings_per_node() {
        let doc = two_services_with_a_flow();
        let live = LiveReview::new(&doc, 0);
        let review = &live.current().review;

        // Each node's badge counts the findings that name it, once each.
        for id in ["a", "b"] {
            let expected = review
                .findings
                .iter()
                .filter(|finding| finding.nodes.iter().any(|node| node == id))
                .count();
            let badge = live.current().badges.get(id).map_or(0, |badge| badge.count);
            assert_eq!(badge, expected, "badge of {id}");
        }
    }

    #[test]
    fn slow_review_runs_on_a_worker() {
        let ctx = egui::Context::default();
        let mut live = LiveReview::new(&Document::new("empty"), 0);
        // Pretend the last review was slow, so the next one goes to the worker.
        let slow = ReviewResult::new(review(&Document::new("empty")), Duration::from_millis(50));
        live.current = Arc::new(slow);

        let doc = two_services_with_a_flow();
        live.update(&doc, 1, &ctx);
        assert!(live.is_pending(), "the review runs off the UI thread");
        assert!(
            live.current().review.findings.is_empty(),
            "the old result stays meanwhile"
        );

        let start = Instant::now();
        while live.is_pending() && start.elapsed() < Duration::from_secs(10) {
            thread::sleep(Duration::from_millis(5));
            live.update(&doc, 1, &ctx);
        }
        assert!(!live.is_pending(), "the worker finished");
        assert_eq!(live.current().review.findings, review(&doc).findings);
    }

    #[test]
    fn cache_reused_after_unrelated_edit() {
        let template = trustmap_model::templates::template("aws-pci-zero-trust")
            .expect("the blueprint template is bundled");
        let mut doc =
            trustmap_model::load::load_str(template.text, "blueprint").expect("the template loads");
        let ctx = egui::Context::default();
        let mut live = LiveReview::new(&doc, 0);
        let first = live.cache().lock().expect("cache").stats();
        assert!(first.misses > 0, "the stores were asked: {first:?}");

        // A new description changes no entity, store or flow, so every decision is reused.
        doc.description = "edited".to_owned();
        live.update(&doc, 1, &ctx);
        let start = Instant::now();
        while live.is_pending() && start.elapsed() < Duration::from_secs(30) {
            thread::sleep(Duration::from_millis(5));
            live.update(&doc, 1, &ctx);
        }
        let second = live.cache().lock().expect("cache").stats();
        assert_eq!(second.misses, first.misses, "{second:?}");
        assert!(second.hits > first.hits, "{second:?}");
        assert_eq!(live.current().review.findings, review(&doc).findings);
    }
}
