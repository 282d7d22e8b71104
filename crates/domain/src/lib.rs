//! goldthread's rules, value types and algorithms.
//!
//! Nothing in this crate does I/O, reads the clock or draws random numbers: callers pass in the
//! time, the ids and whatever data a rule needs. Each capability has a module of the same name as
//! its store module and its web pages.

pub mod accounts;
pub mod frameworks;
pub mod hub;
pub mod ids;
pub mod learning;
pub mod paging;
pub mod people;
pub mod portfolio;
pub mod xapi;
