//! `appeal`: compose, lint and diff appeals for blocked Amazon seller accounts.
//!
//! The library does no I/O and prints nothing; the `appeal` binary's `cli` module reads files and
//! writes output. Data flows one way: cli → compose | lint | diff → facts | text.

pub mod compose;
pub mod diff;
pub mod facts;
pub mod lint;
pub mod text;
pub mod yaml;
