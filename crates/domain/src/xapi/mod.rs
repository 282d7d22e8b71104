//! The Experience API (xAPI 1.0.3): statements and documents parsed and validated exactly as the
//! specification's Data part says, with no I/O.
//!
//! - [`validate_statement`] / [`into_statements`] read received JSON into a [`Statement`],
//!   refusing anything the Data part does not allow, with an error naming the property and rule.
//!   [`read_batch_item`] and [`assemble_batch`] read a batch in parts (on several threads) and give
//!   what reading it in order gives.
//! - [`Statement::complete_for_storage`] sets what the LRS sets (id, stored, authority, version,
//!   timestamp); the caller passes the id, the time and the authority.
//! - [`format_statement`] gives the `exact`, `ids` or `canonical` form; [`same_statement`] decides
//!   whether a re-sent id carries the same Statement.
//! - [`Ifi::key`] names an Agent or Group for indexes; [`parse_agent_parameter`],
//!   [`parse_agent_filter`] and [`Person`] serve the Agents and document resources.
//! - [`merge_definitions`] gathers what statements say about an activity for the Activities
//!   resource and the canonical format.
//! - [`merge_json_documents`], [`etag`] and [`check_preconditions`] serve the document resources.
//!
//! Requirements are cited as "Data 2.4.6.s4.b1" or "Communication 2.2.s7", the anchors of the
//! specification text in `shared/reference/xapi-1.0.3/`.

mod agent;
mod compare;
mod definition;
mod document;
mod format;
mod iri;
mod json;
mod language;
mod sha1;
mod statement;
mod time;

#[cfg(test)]
mod tests;

pub use agent::{parse_agent_filter, parse_agent_parameter, Account, Actor, Agent, Group, Ifi, MboxSha1Sum, Person};
pub use compare::same_statement;
pub use definition::merge_definitions;
pub use document::{check_preconditions, etag, is_json_content_type, merge_json_documents, MergeError, Precondition};
pub use format::{format_statement, Format};
pub use iri::{parse_uuid, Iri, IriError, Mbox, MboxError};
pub use json::StatementError;
pub use language::{AcceptLanguage, BadLanguageTag, LanguageMap, LanguageTag};
pub use statement::{
    assemble_batch, into_statement, into_statements, read_batch_item, validate_statement, Activity, ActivityDefinition,
    Attachment, Authority, Context, ContextActivities, Extensions, InteractionComponent, InteractionType, Outcome,
    Score, Statement, StatementObject, SubStatement, Verb, DEFAULT_STATEMENT_VERSION, SIGNATURE_USAGE_TYPE,
    VOIDED_VERB,
};
pub use time::{format_timestamp, parse_timestamp, BadDuration, Duration, TimestampError};
