//! Gridhall's shared vocabulary: the types and rules that the browser (Wasm) and the
//! server both use, so that every rule is written once.
//!
//! Nothing here does I/O. Each module is named for the part of the trade it models.

// A panic in a request is a bug: `unwrap` and `expect` belong in tests and start-up only.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod api;
pub mod calendar;
pub mod commitments;
pub mod connection;
pub mod i18n;
pub mod money;
pub mod redirect;
pub mod roles;
pub mod tariff;
pub mod validation;

pub use commitments::{Commitment, CommitmentCode, Commitments, LimitUnit, ServiceArea, in_force_on};
pub use i18n::Locale;
pub use money::Money;
