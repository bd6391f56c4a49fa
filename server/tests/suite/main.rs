//! The API tests: the real server started on port 0 over a fresh database, on SQLite and
//! on PostgreSQL (`on_both_backends!`). One test binary with a module an area: each binary
//! links the whole server, so eight of them cost eight links of it (CI time).

#[macro_use]
mod common;

mod access;
mod api;
mod applications;
mod authorization;
mod billing;
mod cli;
mod contract;
mod identity;
mod second_factor;
mod slow_database;
