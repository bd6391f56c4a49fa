//! Gridhall's server: the REST API under `/api/v1`, the server-side rendering of the app,
//! and the operational endpoints, over SQLite or PostgreSQL.

pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
pub mod http;
pub mod serve;
pub mod services;
pub mod state;
pub mod telemetry;

pub use config::Config;
pub use state::AppState;
