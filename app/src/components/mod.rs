//! Pieces shared by pages.

pub mod access;
pub mod charts;
pub mod error_notice;
pub mod form;
pub mod language_switch;
pub mod layout;
pub mod page_title;
pub mod second_factor;
pub mod session;
pub mod user_menu;
