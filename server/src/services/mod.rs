//! The rules of each area, independent of HTTP: one module an area.

pub mod commitments;
