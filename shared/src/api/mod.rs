//! The REST API's request and response types, shared by the server (which produces them)
//! and the app's typed client (which consumes them).

pub mod commitments;
pub mod error;
pub mod health;
pub mod preferences;

pub use commitments::{CommitmentsFilter, CommitmentsQuery, CommitmentsResponse};
pub use error::{ApiError, ErrorCode};
pub use health::{Readiness, ReadinessCheck};
pub use preferences::{LanguagePreference, LanguageRequest};

/// Where the versioned API is mounted.
pub const API_BASE: &str = "/api/v1";

/// Paths of the API's resources, relative to the site root.
pub mod paths {
    /// `GET`: the service commitments in force.
    pub const COMMITMENTS: &str = "/api/v1/commitments";
    /// `PUT`: the visitor's interface language.
    pub const LANGUAGE: &str = "/api/v1/preferences/language";
    /// The generated OpenAPI document.
    pub const OPENAPI: &str = "/api/v1/openapi.json";
    /// The human-readable API reference.
    pub const DOCS: &str = "/api/v1/docs";
}
