//! Gridhall's server: the REST API under `/api/v1`, the server-side rendering of the app,
//! and the operational endpoints, over SQLite or PostgreSQL.

// A panic in a request is a bug: `unwrap` and `expect` belong in tests and start-up only.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod cli;
pub mod clock;
pub mod config;
pub mod context;
pub mod db;
pub mod demo;
pub mod http;
pub mod jobs;
pub mod mail;
pub mod serve;
pub mod services;
pub mod startup;
pub mod state;
pub mod telemetry;

pub use config::Config;
pub use state::AppState;
