//! Integration tokens of the utility's own systems (the metering head-end).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Issues a token for one of the utility's systems (the metering system posting readings).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewIntegrationToken {
    /// What it is for ("用电信息采集系统").
    pub name: String,
    /// The supply station whose meters it may post readings for; none for all.
    #[serde(default)]
    pub region: Option<String>,
    /// Days until it expires, 1 to 366.
    pub expires_in_days: u32,
}

/// An integration token as listed (never the secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IntegrationTokenInfo {
    /// Its number.
    pub id: i64,
    /// What it is for.
    pub name: String,
    /// Its first characters, to recognise it.
    pub prefix: String,
    /// The supply station it is limited to.
    pub region: Option<String>,
    /// When it expires.
    pub expires_at: DateTime<Utc>,
    /// When it was revoked.
    pub revoked_at: Option<DateTime<Utc>>,
    /// When it was last used.
    pub last_used_at: Option<DateTime<Utc>>,
}

/// A new integration token: the secret is shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedIntegrationToken {
    /// The secret, for `Authorization: Bearer gint_…`.
    pub token: String,
    /// The token as listed.
    pub info: IntegrationTokenInfo,
}
