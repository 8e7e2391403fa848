#![doc = include_str!("../../README.md")]
#![cfg_attr(not(test), warn(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing))]

mod audience;
mod error;
pub mod generate;
pub mod hcl;
pub mod kops;
pub mod kubernetes;
pub mod lint;
pub mod migrate;
mod partition;
pub mod policy;
mod principal;
mod provider;
pub mod read;
mod role;
pub mod semantics;
mod serde_impls;
pub mod simulate;
pub mod spec;
mod subject;
pub mod terraform;
mod trust;

pub use crate::audience::{Audience, EKS_AUDIENCE, KOPS_AUDIENCE};
pub use crate::error::{Error, ErrorKind, Location, Remedy, Result};
pub use crate::partition::Partition;
pub use crate::principal::{LegacyPrincipal, PrincipalType};
pub use crate::provider::{AccountId, EksIssuer, OidcProvider};
pub use crate::role::{PolicyArn, RoleName, RolePath, role_arn};
pub use crate::subject::{SUBJECT_PREFIX, ServiceAccount};
pub use crate::trust::{
    ASSUME_ROLE, ASSUME_ROLE_WITH_SAML, ASSUME_ROLE_WITH_WEB_IDENTITY, DEFAULT_TRUST_POLICY_QUOTA, TAG_SESSION,
    TRUST_POLICY_QUOTAS, TrustPolicy, check_trust_policy_size,
};
