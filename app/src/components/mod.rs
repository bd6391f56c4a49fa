//! Pieces shared by pages.

pub mod error_notice;
pub mod language_switch;
pub mod layout;
pub mod page_title;
