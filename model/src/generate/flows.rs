//! The checks and attributes of generated flows: for each sort of flow, a mix of strong, weak
//! and unknown values, so that some flows pass the review's checks and others fail them.

use rand::Rng;
use rand::rngs::SmallRng;

use super::{StoreKind, weighted};
use crate::document::{
    Authentication, Authorization, DataClass, ExternalSort, Flow, NetworkPath, OriginatingCheck,
    PortRange, Tls,
};

/// The data classes a flow between services exchanges.
const SERVICE_FLOW_DATA_CLASSES: [(&[DataClass], u32); 4] = [
    (&[], 72),
    (&[DataClass::Internal], 15),
    (&[DataClass::Pii], 10),
    (&[DataClass::Cardholder], 3),
];

/// Returns a flow from an external node into a gateway.
pub(super) fn ingress_flow(rng: &mut SmallRng, caller: ExternalSort) -> Flow {
    let (authentication, source_range) = match caller {
        ExternalSort::Customer => (
            weighted(
                rng,
                &[
                    (Authentication::UserJwt, 50),
                    (Authentication::Session, 25),
                    (Authentication::ApiKey, 15),
                    (Authentication::None, 10),
                ],
            ),
            None,
        ),
        ExternalSort::WorkforceUser { .. } | ExternalSort::WorkforceGroup => (
            weighted(
                rng,
                &[(Authentication::UserJwt, 80), (Authentication::Session, 20)],
            ),
            // 203.0.113.0/24, a documentation range (RFC 5737), represents the office network.
            Some(if rng.random_bool(0.9) {
                "203.0.113.0/24"
            } else {
                "0.0.0.0/0"
            }),
        ),
        _ => (
            weighted(
                rng,
                &[
                    (Authentication::None, 50),
                    (Authentication::ApiKey, 30),
                    (Authentication::Unknown, 20),
                ],
            ),
            None,
        ),
    };
    let data_classes = if caller == ExternalSort::Customer && rng.random_bool(0.3) {
        vec![DataClass::Pii]
    } else {
        Vec::new()
    };

    Flow {
        protocol: "HTTPS".to_owned(),
        ports: Some(PortRange::single(443)),
        source_range: source_range.map(str::to_owned),
        network: NetworkPath::Public,
        data_classes,
        tls: weighted(rng, &[(Tls::V1_3, 80), (Tls::V1_2, 20)]),
        logged: rng.random_bool(0.9),
        authentication,
        authorization: weighted(
            rng,
            &[
                (Authorization::Custom, 40),
                (Authorization::IamPolicy, 20),
                (Authorization::None, 20),
                (Authorization::Unknown, 20),
            ],
        ),
        originating: OriginatingCheck::None,
    }
}

/// Returns a flow between two services, in one account or across two.
pub(super) fn service_flow(rng: &mut SmallRng, across_accounts: bool) -> Flow {
    let network = if across_accounts {
        weighted(
            rng,
            &[
                (NetworkPath::PrivateLink, 50),
                (NetworkPath::VpcLattice, 30),
                (NetworkPath::Public, 20),
            ],
        )
    } else {
        weighted(
            rng,
            &[
                (NetworkPath::Private, 75),
                (NetworkPath::VpcLattice, 15),
                (NetworkPath::PrivateLink, 10),
            ],
        )
    };
    let (protocol, port) = weighted(rng, &[(("gRPC", 8443), 50), (("HTTPS", 443), 50)]);
    let ports = if rng.random_bool(0.02) {
        PortRange {
            first: 8000,
            last: 8999,
        }
    } else {
        PortRange::single(port)
    };
    let data_classes = weighted(rng, &SERVICE_FLOW_DATA_CLASSES);

    Flow {
        protocol: protocol.to_owned(),
        ports: Some(ports),
        source_range: None,
        network,
        data_classes: data_classes.to_vec(),
        tls: weighted(rng, &[(Tls::V1_3, 65), (Tls::V1_2, 20), (Tls::None, 15)]),
        logged: rng.random_bool(0.8),
        authentication: weighted(
            rng,
            &[
                (Authentication::Mtls, 35),
                (Authentication::SigV4, 15),
                (Authentication::WorkloadJwt, 15),
                (Authentication::ApiKey, 10),
                (Authentication::UserJwt, 5),
                (Authentication::Unknown, 10),
                (Authentication::None, 10),
            ],
        ),
        authorization: weighted(
            rng,
            &[
                (Authorization::IamPolicy, 20),
                (Authorization::LatticeAuthPolicy, 10),
                (Authorization::KubernetesRbac, 10),
                (Authorization::Custom, 25),
                (Authorization::Unknown, 20),
                (Authorization::None, 15),
            ],
        ),
        originating: weighted(
            rng,
            &[
                (OriginatingCheck::None, 50),
                (OriginatingCheck::Authenticated, 30),
                (OriginatingCheck::Authorized { cedar: None }, 20),
            ],
        ),
    }
}

/// Returns a flow from a service into a data store of this kind holding these data classes.
pub(super) fn store_flow(
    rng: &mut SmallRng,
    kind: &StoreKind,
    data_classes: Vec<DataClass>,
) -> Flow {
    let (network, authentication, authorization) = if kind.login {
        (
            NetworkPath::Private,
            weighted(
                rng,
                &[
                    (Authentication::ManagedSecret, 50),
                    // A Redis auth token or a password in configuration is a shared key.
                    (Authentication::ApiKey, 20),
                    (Authentication::None, 15),
                    (Authentication::Unknown, 15),
                ],
            ),
            weighted(
                rng,
                &[
                    (Authorization::Custom, 50),
                    (Authorization::None, 25),
                    (Authorization::Unknown, 25),
                ],
            ),
        )
    } else {
        (
            weighted(
                rng,
                &[(NetworkPath::PrivateLink, 70), (NetworkPath::Private, 30)],
            ),
            weighted(
                rng,
                &[(Authentication::SigV4, 90), (Authentication::Unknown, 10)],
            ),
            weighted(
                rng,
                &[(Authorization::IamPolicy, 90), (Authorization::Unknown, 10)],
            ),
        )
    };

    Flow {
        protocol: kind.protocol.to_owned(),
        ports: Some(PortRange::single(kind.port)),
        source_range: None,
        network,
        data_classes,
        tls: weighted(rng, &[(Tls::V1_3, 55), (Tls::V1_2, 35), (Tls::None, 10)]),
        logged: rng.random_bool(0.7),
        authentication,
        authorization,
        originating: weighted(
            rng,
            &[
                (OriginatingCheck::None, 85),
                (OriginatingCheck::Authenticated, 15),
            ],
        ),
    }
}

/// Returns a flow from a gateway into the service behind it.
pub(super) fn gateway_flow(rng: &mut SmallRng) -> Flow {
    Flow {
        protocol: "HTTPS".to_owned(),
        ports: Some(PortRange::single(443)),
        source_range: None,
        network: NetworkPath::Private,
        data_classes: Vec::new(),
        tls: weighted(rng, &[(Tls::V1_3, 70), (Tls::V1_2, 20), (Tls::None, 10)]),
        logged: rng.random_bool(0.85),
        authentication: weighted(
            rng,
            &[
                (Authentication::SigV4, 30),
                (Authentication::Mtls, 25),
                (Authentication::WorkloadJwt, 15),
                (Authentication::ApiKey, 10),
                (Authentication::None, 10),
                (Authentication::Unknown, 10),
            ],
        ),
        authorization: weighted(
            rng,
            &[
                (Authorization::IamPolicy, 30),
                (Authorization::Custom, 20),
                (Authorization::LatticeAuthPolicy, 10),
                (Authorization::None, 20),
                (Authorization::Unknown, 20),
            ],
        ),
        originating: weighted(
            rng,
            &[
                (OriginatingCheck::Authenticated, 50),
                (OriginatingCheck::Authorized { cedar: None }, 20),
                (OriginatingCheck::None, 30),
            ],
        ),
    }
}
