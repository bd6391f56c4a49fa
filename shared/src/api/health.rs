//! Bodies of the operational endpoints.

use serde::{Deserialize, Serialize};

/// The answer of `/readyz`: ready only when every check passes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Readiness {
    /// Whether this server can take traffic.
    pub ready: bool,
    /// The individual checks.
    pub checks: Vec<ReadinessCheck>,
}

/// One readiness check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReadinessCheck {
    /// What was checked: `database` or `migrations`.
    pub name: String,
    /// Whether it passed.
    pub ok: bool,
    /// Why it failed (no internal detail).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}
