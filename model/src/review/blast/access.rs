//! Access as bit sets: the actions a holder has on a node, closed under implication, plus the
//! ways a holder can act as an identity or through a login.
//!
//! Bit sets keep the hot loops of the search on plain integers. A set is always kept closed
//! under implication (admin gives write, read and decrypt; write gives read), so testing for
//! an action is one `&`. [`normalized`] turns a set back into the smallest list of actions
//! that implies it.

use crate::document::{Action, DataStore, NodeKind};

/// Bit set over actions and the other ways a node is reached.
pub type Bits = u16;

/// Read data.
pub const READ: Bits = 1;
/// Write data.
pub const WRITE: Bits = 1 << 1;
/// Administer.
pub const ADMIN: Bits = 1 << 2;
/// Call a service.
pub const INVOKE: Bits = 1 << 3;
/// Decrypt with a key.
pub const DECRYPT: Bits = 1 << 4;
/// Change the control plane.
pub const CONFIGURE: Bits = 1 << 5;
/// Holds the grants and can-assume edges of a group as a member.
pub const MEMBER: Bits = 1 << 6;
/// Holds an identity's credentials.
pub const HELD: Bits = 1 << 7;
/// Reads and writes a data store through a login from a secret, not through IAM.
pub const LOGIN: Bits = 1 << 8;

/// Every action bit.
pub const ACTIONS: Bits = READ | WRITE | ADMIN | INVOKE | DECRYPT | CONFIGURE;

/// Returns the bit of one action.
pub fn bit(action: Action) -> Bits {
    match action {
        Action::Read => READ,
        Action::Write => WRITE,
        Action::Admin => ADMIN,
        Action::Invoke => INVOKE,
        Action::Decrypt => DECRYPT,
        Action::Configure => CONFIGURE,
    }
}

/// Returns the set of actions that holding `actions` gives, closed under implication.
pub fn closure(actions: &[Action]) -> Bits {
    actions
        .iter()
        .fold(0, |bits, &action| bits | closed(action))
}

/// Returns the closed set of one action.
fn closed(action: Action) -> Bits {
    match action {
        Action::Admin => ADMIN | WRITE | READ | DECRYPT,
        Action::Write => WRITE | READ,
        other => bit(other),
    }
}

/// Returns the actions in a set that no other action of the set implies, in the order of
/// [`Action::ALL`]: `{admin, write, read, decrypt, invoke}` becomes `[admin, invoke]`.
pub fn normalized(bits: Bits) -> Vec<Action> {
    Action::ALL
        .into_iter()
        .filter(|&action| bits & bit(action) != 0)
        .filter(|&action| {
            !Action::ALL.into_iter().any(|other| {
                other != action && bits & bit(other) != 0 && closed(other) & bit(action) != 0
            })
        })
        .collect()
}

/// Returns the actions a grant can give on a node of this kind. Actions that mean nothing
/// there are dropped: decrypt means something only on a key, invoke only on a service, and
/// identities, external nodes, gateways and zones can only be configured.
pub fn meaningful_on(kind: &NodeKind) -> Bits {
    match kind {
        NodeKind::DataStore(_) | NodeKind::Secret(_) => READ | WRITE | ADMIN | CONFIGURE,
        NodeKind::Key(_) => READ | WRITE | ADMIN | DECRYPT | CONFIGURE,
        NodeKind::Service(_) => READ | WRITE | ADMIN | INVOKE | CONFIGURE,
        NodeKind::Identity(_)
        | NodeKind::External(_)
        | NodeKind::Gateway(_)
        | NodeKind::Zone(_) => CONFIGURE,
    }
}

/// Returns whether reading a node through IAM also needs decrypt on its key.
pub fn read_needs_decrypt(kind: &NodeKind) -> bool {
    matches!(
        kind,
        NodeKind::DataStore(DataStore {
            read_needs_decrypt: true,
            ..
        })
    )
}

/// Returns a weight that orders sets by their strongest access: holding credentials, then
/// membership, admin, write, read, decrypt, invoke and configure. Comparing two weights
/// compares the sets by their strongest member first, then the next.
pub fn strength(bits: Bits) -> u16 {
    const ORDER: [Bits; 8] = [HELD, MEMBER, ADMIN, WRITE, READ, DECRYPT, INVOKE, CONFIGURE];
    ORDER.iter().fold(0, |weight, &flag| {
        (weight << 1) | u16::from(bits & flag != 0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closure_follows_implication() {
        assert_eq!(closure(&[Action::Admin]), ADMIN | WRITE | READ | DECRYPT);
        assert_eq!(closure(&[Action::Write]), WRITE | READ);
        assert_eq!(
            closure(&[Action::Invoke, Action::Configure]),
            INVOKE | CONFIGURE
        );
        assert_eq!(closure(&[]), 0);
    }

    #[test]
    fn normalized_keeps_strongest() {
        assert_eq!(
            normalized(ADMIN | WRITE | READ | DECRYPT | INVOKE),
            vec![Action::Admin, Action::Invoke]
        );
        assert_eq!(normalized(WRITE | READ), vec![Action::Write]);
        assert_eq!(
            normalized(READ | DECRYPT),
            vec![Action::Read, Action::Decrypt]
        );
        assert_eq!(normalized(0), Vec::<Action>::new());
    }

    #[test]
    fn strength_orders_by_strongest() {
        assert!(strength(HELD) > strength(ADMIN | WRITE | READ));
        assert!(strength(ADMIN) > strength(WRITE | READ | INVOKE | CONFIGURE));
        assert!(strength(WRITE | READ) > strength(READ | INVOKE));
        assert!(strength(CONFIGURE) > strength(0));
    }
}
