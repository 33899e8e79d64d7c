//! The checklist table: every item's id, pillar, title, base severity, PCI DSS v4.0.1
//! requirements and remediation. Findings take their metadata from here so that the
//! checklist, the reports and the SARIF rule table agree.

use serde::Serialize;

use super::Severity;

/// The pillars of the Zero Trust checklist.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Pillar {
    /// Identity as the perimeter.
    Identity,
    /// Micro-segmentation and explicit flows.
    Network,
    /// Data and workload protection.
    Data,
    /// Continuous verification and visibility.
    Visibility,
    /// The design review questions.
    Review,
}

impl Pillar {
    /// Every pillar, in checklist order.
    pub const ALL: [Self; 5] = [
        Self::Identity,
        Self::Network,
        Self::Data,
        Self::Visibility,
        Self::Review,
    ];

    /// Returns the pillar's title.
    pub fn title(self) -> &'static str {
        match self {
            Self::Identity => "Identity as the perimeter",
            Self::Network => "Micro-segmentation and explicit flows",
            Self::Data => "Data and workload protection",
            Self::Visibility => "Continuous verification and visibility",
            Self::Review => "Design review questions",
        }
    }
}

/// One checklist item.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Rule {
    /// Stable id, such as `ID-1`.
    pub id: &'static str,
    /// The pillar it belongs to.
    pub pillar: Pillar,
    /// What the item asks for.
    pub title: &'static str,
    /// Severity of its findings before any raise near a crown jewel; `None` for a manual item.
    pub severity: Option<Severity>,
    /// PCI DSS v4.0.1 requirements it bears on.
    pub pci: &'static [&'static str],
    /// Whether a predicate decides it; a manual item needs a reviewer's verdict.
    pub automatic: bool,
    /// What to do about a finding.
    pub remediation: &'static str,
}

/// The checklist, in order.
pub const RULES: &[Rule] = &[
    Rule {
        id: "ID-1",
        pillar: Pillar::Identity,
        title: "Every request authenticates",
        severity: Some(Severity::High),
        pci: &["8.2", "8.3"],
        automatic: true,
        remediation: "Authenticate the caller of this flow with short-lived credentials \
                      (mTLS, SigV4, or a JWT from the identity provider).",
    },
    Rule {
        id: "ID-2",
        pillar: Pillar::Identity,
        title: "Short-lived credentials",
        severity: Some(Severity::High),
        pci: &["8.3", "8.6"],
        automatic: true,
        remediation: "Replace long-lived access keys with a role that the workload assumes, \
                      such as an instance profile, IRSA or EKS Pod Identity.",
    },
    Rule {
        id: "ID-3",
        pillar: Pillar::Identity,
        title: "Fine-grained authorization through a policy engine",
        severity: Some(Severity::High),
        pci: &["7.2", "7.3"],
        automatic: true,
        remediation: "Authorize each external request with a policy engine such as Amazon \
                      Verified Permissions, not with network position or IAM alone.",
    },
    Rule {
        id: "ID-4",
        pillar: Pillar::Identity,
        title: "Context-aware access for the workforce",
        severity: Some(Severity::Medium),
        pci: &["7.2", "8.4"],
        automatic: true,
        remediation: "Route workforce access through an identity-aware gateway such as AWS \
                      Verified Access, and require a managed, compliant device in the policy.",
    },
    Rule {
        id: "ID-5",
        pillar: Pillar::Identity,
        title: "Workload identity on Kubernetes",
        severity: Some(Severity::High),
        pci: &["7.2", "8.6"],
        automatic: true,
        remediation: "Give each workload its own service account, associated with its own \
                      role through EKS Pod Identity or IRSA.",
    },
    Rule {
        id: "ID-6",
        pillar: Pillar::Identity,
        title: "Mutual authentication between Kubernetes workloads",
        severity: Some(Severity::Medium),
        pci: &["4.2"],
        automatic: true,
        remediation: "Authenticate pod-to-pod calls with mTLS (SPIFFE/SPIRE or a mesh) or \
                      with SigV4 over VPC Lattice.",
    },
    Rule {
        id: "ID-7",
        pillar: Pillar::Identity,
        title: "MFA for workforce access",
        severity: Some(Severity::High),
        pci: &["8.4"],
        automatic: true,
        remediation: "Require MFA in the trust policy (aws:MultiFactorAuthPresent) or sign \
                      the workforce in through an identity provider that enforces MFA.",
    },
    Rule {
        id: "NET-1",
        pillar: Pillar::Network,
        title: "Default deny",
        severity: Some(Severity::High),
        pci: &["1.2", "1.3"],
        automatic: true,
        remediation: "Admit only the drawn flows with security groups and network ACLs.",
    },
    Rule {
        id: "NET-2",
        pillar: Pillar::Network,
        title: "No public endpoints but gateways with a WAF",
        severity: Some(Severity::High),
        pci: &["1.3", "1.4", "6.4"],
        automatic: true,
        remediation: "Keep services and data stores private behind a gateway, and attach a \
                      WAF to every public gateway.",
    },
    Rule {
        id: "NET-3",
        pillar: Pillar::Network,
        title: "Request signing or tokens at the edge",
        severity: Some(Severity::Medium),
        pci: &["6.4"],
        automatic: true,
        remediation: "Require signed requests (SigV4), mTLS or a JWT at the public gateway.",
    },
    Rule {
        id: "NET-4",
        pillar: Pillar::Network,
        title: "Private paths between services",
        severity: Some(Severity::High),
        pci: &["1.3", "1.4"],
        automatic: true,
        remediation: "Connect VPCs and accounts through PrivateLink or VPC Lattice, not the \
                      public Internet.",
    },
    Rule {
        id: "NET-5",
        pillar: Pillar::Network,
        title: "No broad CIDR rules or port ranges",
        severity: Some(Severity::Medium),
        pci: &["1.2", "1.3"],
        automatic: true,
        remediation: "Admit only the specific source range and the one port that the flow \
                      needs.",
    },
    Rule {
        id: "DATA-1",
        pillar: Pillar::Data,
        title: "TLS 1.3 in transit",
        severity: Some(Severity::Medium),
        pci: &["4.2"],
        automatic: true,
        remediation: "Encrypt the flow with TLS 1.3.",
    },
    Rule {
        id: "DATA-2",
        pillar: Pillar::Data,
        title: "Encryption at rest with customer-managed keys",
        severity: Some(Severity::High),
        pci: &["3.5"],
        automatic: true,
        remediation: "Encrypt the store with a customer-managed KMS key, backed by CloudHSM \
                      for restricted data.",
    },
    Rule {
        id: "DATA-3",
        pillar: Pillar::Data,
        title: "Key rotation",
        severity: Some(Severity::Medium),
        pci: &["3.6", "3.7"],
        automatic: true,
        remediation: "Rotate the key automatically, or by hand at least every 365 days.",
    },
    Rule {
        id: "DATA-4",
        pillar: Pillar::Data,
        title: "Secrets managed and rotated",
        severity: Some(Severity::High),
        pci: &["8.3", "8.6"],
        automatic: true,
        remediation: "Keep the secret in Secrets Manager with automatic rotation at least \
                      every 90 days.",
    },
    Rule {
        id: "DATA-5",
        pillar: Pillar::Data,
        title: "Immutable infrastructure and signed images",
        severity: Some(Severity::Medium),
        pci: &["6.3", "6.5"],
        automatic: true,
        remediation: "Deploy only signed images (ECR image signing) and replace workloads \
                      instead of changing them in place.",
    },
    Rule {
        id: "DATA-6",
        pillar: Pillar::Data,
        title: "Least privilege with permission boundaries",
        severity: Some(Severity::High),
        pci: &["7.2"],
        automatic: true,
        remediation: "Grant specific actions on specific resources, and cap every execution \
                      role with a permission boundary.",
    },
    Rule {
        id: "DATA-7",
        pillar: Pillar::Data,
        title: "Cardholder data stays in scope",
        severity: Some(Severity::High),
        pci: &["1.2", "3.2"],
        automatic: true,
        remediation: "Move the node into the cardholder data environment, or stop it from \
                      handling cardholder data.",
    },
    Rule {
        id: "VIS-1",
        pillar: Pillar::Visibility,
        title: "Threat detection everywhere",
        severity: Some(Severity::High),
        pci: &["6.3", "10.7", "11.5"],
        automatic: true,
        remediation: "Enable GuardDuty, Security Hub and Inspector in the account.",
    },
    Rule {
        id: "VIS-2",
        pillar: Pillar::Visibility,
        title: "Configuration compliance with remediation",
        severity: Some(Severity::Medium),
        pci: &["2.2", "10.7"],
        automatic: true,
        remediation: "Enable AWS Config with automated remediation through EventBridge and \
                      Lambda.",
    },
    Rule {
        id: "VIS-3",
        pillar: Pillar::Visibility,
        title: "All access logged and analysable",
        severity: Some(Severity::High),
        pci: &["10.2", "10.3"],
        automatic: true,
        remediation: "Enable CloudTrail into CloudTrail Lake and log every request of the flow.",
    },
    Rule {
        id: "VIS-4",
        pillar: Pillar::Visibility,
        title: "Anomaly detection on identity, API and data access",
        severity: None,
        pci: &["10.4"],
        automatic: false,
        remediation: "Alert on unusual IAM actions, API calls and data access.",
    },
    Rule {
        id: "VIS-5",
        pillar: Pillar::Visibility,
        title: "Guardrails for every account",
        severity: Some(Severity::Medium),
        pci: &["7.2"],
        automatic: true,
        remediation: "Attach guardrail service control policies to the account.",
    },
    Rule {
        id: "REV-1",
        pillar: Pillar::Review,
        title: "No node reachable without explicit authentication and authorization",
        severity: Some(Severity::High),
        pci: &["1.4", "7.2", "8.2"],
        automatic: true,
        remediation: "Authenticate and authorize the originating caller on every path to the \
                      node, for example by forwarding the user's token and checking it.",
    },
    Rule {
        id: "REV-2",
        pillar: Pillar::Review,
        title: "One compromised identity stays contained",
        severity: Some(Severity::High),
        pci: &["7.2"],
        automatic: true,
        remediation: "Narrow the trust policies and grants so that no identity can write to \
                      crown jewels through another identity or across accounts.",
    },
    Rule {
        id: "REV-3",
        pillar: Pillar::Review,
        title: "East-west fully authenticated and logged",
        severity: Some(Severity::High),
        pci: &["8.3", "10.2"],
        automatic: true,
        remediation: "Authenticate the calling workload (mTLS, SigV4, workload JWT), \
                      authorize it, log the flow and use TLS 1.3.",
    },
];

/// Returns the checklist item with this id.
///
/// # Panics
/// When no item has this id: rule ids are constants of this crate.
pub fn rule(id: &str) -> &'static Rule {
    RULES
        .iter()
        .find(|rule| rule.id == id)
        .unwrap_or_else(|| panic!("no checklist item has the id {id}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids_are_unique() {
        let mut ids: Vec<_> = RULES.iter().map(|rule| rule.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), RULES.len());
    }

    #[test]
    fn only_manual_items_lack_severity() {
        for rule in RULES {
            assert_eq!(rule.automatic, rule.severity.is_some(), "{}", rule.id);
        }
    }
}
