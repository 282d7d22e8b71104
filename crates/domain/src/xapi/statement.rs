//! Statements (Data 2.4): the typed model, validation of received JSON against every rule of the
//! Data part, and the properties an LRS sets when it stores one.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde_json::{json, Map, Value};
use uuid::Uuid;

use super::agent::{parse_actor, parse_agent, parse_group, parse_iri, Actor, Agent, Group, Ifi};
use super::iri::{parse_uuid, Iri};
use super::json::{
    array, boolean, child, index, kind, number, object, only, required, string, Checked, StatementError,
};
use super::language::{LanguageMap, LanguageTag};
use super::time::{format_timestamp, parse_timestamp, Duration};

/// The reserved Verb that voids another Statement (Data 2.3.2).
pub const VOIDED_VERB: &str = "http://adlnet.gov/expapi/verbs/voided";
/// The usage type of a JWS signature attachment (Data 2.6.s4.b1).
pub const SIGNATURE_USAGE_TYPE: &str = "http://adlnet.gov/expapi/attachments/signature";
/// The version given to a Statement stored without one (Data 2.4.10.s3.b3).
pub const DEFAULT_STATEMENT_VERSION: &str = "1.0.0";

/// The action of a Statement (Data 2.4.3).
#[derive(Debug, Clone, PartialEq)]
pub struct Verb {
    pub id: Iri,
    pub display: Option<LanguageMap>,
}

/// An Activity (Data 2.4.4.1).
#[derive(Debug, Clone, PartialEq)]
pub struct Activity {
    pub id: Iri,
    pub definition: Option<ActivityDefinition>,
}

/// An Activity's metadata, including the interaction properties (Data 2.4.4.1.s2, s8).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ActivityDefinition {
    pub name: Option<LanguageMap>,
    pub description: Option<LanguageMap>,
    pub activity_type: Option<Iri>,
    pub more_info: Option<Iri>,
    pub interaction_type: Option<InteractionType>,
    pub correct_responses_pattern: Option<Vec<String>>,
    /// The interaction component lists present, by property name (`choices`, `scale`, `source`,
    /// `target`, `steps`).
    pub components: BTreeMap<&'static str, Vec<InteractionComponent>>,
    pub extensions: Option<Extensions>,
}

/// The kinds of interaction (Data 2.4.4.1.s9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InteractionType {
    TrueFalse,
    Choice,
    FillIn,
    LongFillIn,
    Matching,
    Performance,
    Sequencing,
    Likert,
    Numeric,
    Other,
}

impl InteractionType {
    const ALL: [(Self, &'static str); 10] = [
        (Self::TrueFalse, "true-false"),
        (Self::Choice, "choice"),
        (Self::FillIn, "fill-in"),
        (Self::LongFillIn, "long-fill-in"),
        (Self::Matching, "matching"),
        (Self::Performance, "performance"),
        (Self::Sequencing, "sequencing"),
        (Self::Likert, "likert"),
        (Self::Numeric, "numeric"),
        (Self::Other, "other"),
    ];

    /// Reads an interactionType, which must match exactly (Data 2.2.s4.b1.b6).
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.iter().find(|(_, s)| *s == text).map(|(t, _)| *t)
    }

    pub fn as_str(self) -> &'static str {
        Self::ALL.iter().find(|(t, _)| *t == self).map_or("other", |(_, s)| s)
    }

    /// The interaction component lists this type supports (Data 2.4.4.1.s15, second table).
    pub fn component_lists(self) -> &'static [&'static str] {
        match self {
            Self::Choice | Self::Sequencing => &["choices"],
            Self::Likert => &["scale"],
            Self::Matching => &["source", "target"],
            Self::Performance => &["steps"],
            _ => &[],
        }
    }
}

const COMPONENT_LISTS: [&str; 5] = ["choices", "scale", "source", "target", "steps"];

/// One option of an interaction (Data 2.4.4.1.s15).
#[derive(Debug, Clone, PartialEq)]
pub struct InteractionComponent {
    pub id: String,
    pub description: Option<LanguageMap>,
}

/// An extensions map (Data 4.1): IRI keys, any JSON values (including null).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Extensions(BTreeMap<Iri, Value>);

impl Extensions {
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k.as_str() == key).map(|(_, v)| v)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Iri, &Value)> {
        self.0.iter()
    }
}

/// What a Statement is about (Data 2.4.4).
#[derive(Debug, Clone, PartialEq)]
pub enum StatementObject {
    Activity(Activity),
    Agent(Agent),
    Group(Group),
    /// A Statement Reference: the id of another Statement (Data 2.4.4.3.s2).
    StatementRef(Uuid),
    SubStatement(Box<SubStatement>),
}

/// A Statement inside a Statement, describing something that has not happened (Data 2.4.4.3.s6).
/// Its object is never another SubStatement.
#[derive(Debug, Clone, PartialEq)]
pub struct SubStatement {
    pub actor: Actor,
    pub verb: Verb,
    pub object: StatementObject,
    pub result: Option<Outcome>,
    pub context: Option<Context>,
    pub timestamp: Option<Timestamp>,
    pub attachments: Vec<Attachment>,
}

/// A Statement's `result` (Data 2.4.5).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Outcome {
    pub score: Option<Score>,
    pub success: Option<bool>,
    pub completion: Option<bool>,
    pub response: Option<String>,
    pub duration: Option<Duration>,
    pub extensions: Option<Extensions>,
}

/// A score (Data 2.4.5.1): scaled in [-1, 1], raw between min and max, min below max.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Score {
    pub scaled: Option<f64>,
    pub raw: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
}

/// A Statement's `context` (Data 2.4.6).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Context {
    pub registration: Option<Uuid>,
    pub instructor: Option<Actor>,
    pub team: Option<Group>,
    pub context_activities: ContextActivities,
    pub revision: Option<String>,
    pub platform: Option<String>,
    pub language: Option<LanguageTag>,
    /// A Statement given as context, by id.
    pub statement: Option<Uuid>,
    pub extensions: Option<Extensions>,
}

/// The Activities a Statement relates to, by kind (Data 2.4.6.2); each always a list.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ContextActivities {
    pub parent: Vec<Activity>,
    pub grouping: Vec<Activity>,
    pub category: Vec<Activity>,
    pub other: Vec<Activity>,
}

impl ContextActivities {
    pub fn all(&self) -> impl Iterator<Item = &Activity> {
        self.parent.iter().chain(&self.grouping).chain(&self.category).chain(&self.other)
    }
}

/// The header of an attachment (Data 2.4.11).
#[derive(Debug, Clone, PartialEq)]
pub struct Attachment {
    pub usage_type: Iri,
    pub display: LanguageMap,
    pub description: Option<LanguageMap>,
    pub content_type: String,
    pub length: u64,
    pub sha2: String,
    pub file_url: Option<Iri>,
}

/// A valid Statement, with the JSON it came from.
///
/// The JSON is kept as received (Data 2.2.s2.b5: no other serialization may be returned), except
/// that each `contextActivities` value is an array (Data 2.4.6.2.s4.b3) and the properties an LRS
/// sets are added by [`Statement::complete_for_storage`].
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    json: Value,
    id: Option<Uuid>,
    actor: Actor,
    verb: Verb,
    object: StatementObject,
    result: Option<Outcome>,
    context: Option<Context>,
    timestamp: Option<Timestamp>,
    stored: Option<Timestamp>,
    authority: Option<Actor>,
    version: Option<String>,
    attachments: Vec<Attachment>,
}

/// Who the LRS records as asserting a Statement (Data 2.4.9): the Agent that authenticated, or for
/// 3-legged OAuth the application and the user together as a Group of two.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Authority {
    Agent(Agent),
    OAuth { application: Agent, user: Agent },
}

impl Authority {
    pub fn to_actor(&self) -> Actor {
        match self {
            Self::Agent(a) => Actor::Agent(a.clone()),
            Self::OAuth { application, user } => {
                Actor::Group(Group::Anonymous { name: None, members: vec![application.clone(), user.clone()] })
            }
        }
    }
}

impl Statement {
    /// The Statement as JSON, in the `exact` format.
    pub fn json(&self) -> &Value {
        &self.json
    }

    pub fn into_json(self) -> Value {
        self.json
    }

    pub fn id(&self) -> Option<Uuid> {
        self.id
    }

    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    pub fn verb(&self) -> &Verb {
        &self.verb
    }

    pub fn object(&self) -> &StatementObject {
        &self.object
    }

    pub fn result(&self) -> Option<&Outcome> {
        self.result.as_ref()
    }

    pub fn context(&self) -> Option<&Context> {
        self.context.as_ref()
    }

    pub fn timestamp(&self) -> Option<Timestamp> {
        self.timestamp
    }

    pub fn stored(&self) -> Option<Timestamp> {
        self.stored
    }

    pub fn authority(&self) -> Option<&Actor> {
        self.authority.as_ref()
    }

    pub fn version(&self) -> Option<&str> {
        self.version.as_deref()
    }

    pub fn attachments(&self) -> &[Attachment] {
        &self.attachments
    }

    /// The id of the Statement this one voids, if it is a voiding Statement (Data 2.3.2).
    pub fn voided_statement(&self) -> Option<Uuid> {
        match (&self.object, self.verb.id.as_str() == VOIDED_VERB) {
            (StatementObject::StatementRef(id), true) => Some(*id),
            _ => None,
        }
    }

    /// The identifiers an `agent` filter matches (Communication 2.1.3.s1): the actor's and an
    /// Agent or Group object's (Groups by their members too); with `related`, also the authority,
    /// instructor and team, and the same properties of a SubStatement.
    pub fn agent_identifiers(&self, related: bool) -> Vec<&Ifi> {
        let mut out = self.actor.identifiers();
        push_object_agents(&self.object, &mut out);
        if related {
            if let Some(authority) = &self.authority {
                out.extend(authority.identifiers());
            }
            push_context_agents(self.context.as_ref(), &mut out);
            if let StatementObject::SubStatement(sub) = &self.object {
                out.extend(sub.actor.identifiers());
                push_object_agents(&sub.object, &mut out);
                push_context_agents(sub.context.as_ref(), &mut out);
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// The Activity ids an `activity` filter matches (Communication 2.1.3.s1): the object's; with
    /// `related`, also the context Activities, and the same of a SubStatement.
    pub fn activity_ids(&self, related: bool) -> Vec<&Iri> {
        let mut out = Vec::new();
        if let StatementObject::Activity(a) = &self.object {
            out.push(&a.id);
        }
        if related {
            if let Some(c) = &self.context {
                out.extend(c.context_activities.all().map(|a| &a.id));
            }
            if let StatementObject::SubStatement(sub) = &self.object {
                if let StatementObject::Activity(a) = &sub.object {
                    out.push(&a.id);
                }
                if let Some(c) = &sub.context {
                    out.extend(c.context_activities.all().map(|a| &a.id));
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// Sets what the LRS must set when it stores a Statement: `stored` and `authority` always
    /// (Data 2.4.8.s3.b2, 2.4.9.s3.b3-b4), `id` when absent (2.4.1.s2.b1), `timestamp` to `stored`
    /// when absent (2.4.7.s3.b2) and `version` to "1.0.0" when absent (2.4.10.s3.b3).
    pub fn complete_for_storage(mut self, new_id: Uuid, stored: Timestamp, authority: &Authority) -> Self {
        let stored_text = format_timestamp(stored);
        let authority = authority.to_actor();
        if let Value::Object(map) = &mut self.json {
            if self.id.is_none() {
                map.insert("id".into(), json!(new_id.to_string()));
            }
            if self.timestamp.is_none() {
                map.insert("timestamp".into(), json!(stored_text));
            }
            if self.version.is_none() {
                map.insert("version".into(), json!(DEFAULT_STATEMENT_VERSION));
            }
            map.insert("stored".into(), json!(stored_text));
            map.insert("authority".into(), authority.to_json());
        }
        // The timestamp is read back from the text so that it holds exactly what the JSON says.
        let stored = parse_timestamp(&stored_text).unwrap_or(stored);
        self.id = Some(self.id.unwrap_or(new_id));
        self.timestamp = Some(self.timestamp.unwrap_or(stored));
        self.version = Some(self.version.unwrap_or_else(|| DEFAULT_STATEMENT_VERSION.to_owned()));
        self.stored = Some(stored);
        self.authority = Some(authority);
        self
    }
}

fn push_object_agents<'a>(object: &'a StatementObject, out: &mut Vec<&'a Ifi>) {
    match object {
        StatementObject::Agent(a) => out.push(&a.ifi),
        StatementObject::Group(g) => out.extend(g.ifi().into_iter().chain(g.members().iter().map(|m| &m.ifi))),
        _ => {}
    }
}

fn push_context_agents<'a>(context: Option<&'a Context>, out: &mut Vec<&'a Ifi>) {
    if let Some(c) = context {
        if let Some(instructor) = &c.instructor {
            out.extend(instructor.identifiers());
        }
        if let Some(team) = &c.team {
            out.extend(team.ifi().into_iter().chain(team.members().iter().map(|m| &m.ifi)));
        }
    }
}

/// Validates one Statement against every requirement of the Data part and reads it.
///
/// Statements returned by this LRS (with `stored`, `authority` and `version`) validate too, so the
/// store can read its own JSON back with this function.
pub fn validate_statement(value: &Value) -> Result<Statement, StatementError> {
    read_statement(value.clone(), "")
}

/// [`validate_statement`], keeping the JSON it is given instead of copying it.
pub fn into_statement(value: Value) -> Result<Statement, StatementError> {
    read_statement(value, "")
}

/// Validates the body of a POST to the Statements resource: one Statement or an array of them
/// (Communication 2.1.2), keeping the JSON it is given. A batch holding two Statements with the
/// same id is refused (Communication 2.1.2.s2.b6).
pub fn into_statements(value: Value) -> Result<Vec<Statement>, StatementError> {
    match value {
        Value::Array(items) => assemble_batch(items.into_iter().enumerate().map(|(i, item)| read_batch_item(item, i))),
        one => Ok(vec![read_statement(one, "")?]),
    }
}

/// Validates the Statement at `position` in a batch (errors name it as `[position]`), keeping
/// its JSON. Parts of a batch can be read on different threads and put back in order with
/// [`assemble_batch`].
pub fn read_batch_item(value: Value, position: usize) -> Result<Statement, StatementError> {
    read_statement(value, &index("", position))
}

/// A batch from each of its Statements read in the order sent ([`read_batch_item`]): the error of
/// the first Statement that breaks a rule, where a Statement repeating the id of one before it
/// breaks Communication 2.1.2.s2.b6; otherwise the Statements. Stops at the first error, so a
/// reader may stop at its own first error too.
pub fn assemble_batch<E: From<StatementError>>(
    items: impl IntoIterator<Item = Result<Statement, E>>,
) -> Result<Vec<Statement>, E> {
    let items = items.into_iter();
    let mut statements: Vec<Statement> = Vec::with_capacity(items.size_hint().0);
    let mut seen: BTreeMap<Uuid, usize> = BTreeMap::new();
    for (i, item) in items.enumerate() {
        let statement = item?;
        if let Some(id) = statement.id {
            if let Some(first) = seen.insert(id, i) {
                return Err(StatementError::new(
                    &child(&index("", i), "id"),
                    format!(
                        "repeats the id of Statement [{first}]; a batch must not hold two Statements with the same id"
                    ),
                )
                .into());
            }
        }
        statements.push(statement);
    }
    Ok(statements)
}

const STATEMENT_PROPERTIES: [&str; 11] = [
    "id",
    "actor",
    "verb",
    "object",
    "result",
    "context",
    "timestamp",
    "stored",
    "authority",
    "version",
    "attachments",
];

/// Reads a Statement, then keeps the JSON it was read from (with `contextActivities` normalised).
fn read_statement(value: Value, path: &str) -> Checked<Statement> {
    let mut statement = parse_statement(&value, path)?;
    let mut json = value;
    normalise_context_activities(&mut json);
    statement.json = json;
    Ok(statement)
}

/// The typed parts of a Statement; its `json` is left empty for [`read_statement`] to fill.
fn parse_statement(value: &Value, path: &str) -> Checked<Statement> {
    let map = object(value, path)?;
    only(map, path, &STATEMENT_PROPERTIES)?;
    let core = parse_core(map, path, false)?;
    let id = map.get("id").map(|v| uuid(v, &child(path, "id"))).transpose()?;
    let stored = map.get("stored").map(|v| timestamp(v, &child(path, "stored"))).transpose()?;
    let authority = map.get("authority").map(|v| parse_authority(v, &child(path, "authority"))).transpose()?;
    let version = map.get("version").map(|v| parse_version(v, &child(path, "version"))).transpose()?;
    Ok(Statement {
        json: Value::Null,
        id,
        actor: core.actor,
        verb: core.verb,
        object: core.object,
        result: core.result,
        context: core.context,
        timestamp: core.timestamp,
        stored,
        authority,
        version,
        attachments: core.attachments,
    })
}

/// The properties a Statement and a SubStatement share (Data 2.4.4.3.s8.b2: a SubStatement is
/// validated as a Statement).
struct Core {
    actor: Actor,
    verb: Verb,
    object: StatementObject,
    result: Option<Outcome>,
    context: Option<Context>,
    timestamp: Option<Timestamp>,
    attachments: Vec<Attachment>,
}

fn parse_core(map: &Map<String, Value>, path: &str, in_substatement: bool) -> Checked<Core> {
    // Data 2.2.s2.b3: a Statement MUST use "actor", "verb" and "object".
    let actor = parse_actor(required(map, path, "actor")?, &child(path, "actor"))?;
    let verb = parse_verb(required(map, path, "verb")?, &child(path, "verb"))?;
    let object = parse_object(required(map, path, "object")?, &child(path, "object"), in_substatement)?;
    if verb.id.as_str() == VOIDED_VERB && !matches!(object, StatementObject::StatementRef(_)) {
        return Err(StatementError::new(
            &child(path, "object"),
            format!(
                "a voiding Statement (verb {VOIDED_VERB}) must have a StatementRef as its object (Data 2.3.2.s2.b1)"
            ),
        ));
    }
    let result = map.get("result").map(|v| parse_outcome(v, &child(path, "result"))).transpose()?;
    let context = map.get("context").map(|v| parse_context(v, &child(path, "context"), &object)).transpose()?;
    let timestamp = map.get("timestamp").map(|v| timestamp(v, &child(path, "timestamp"))).transpose()?;
    let attachments = match map.get("attachments") {
        None => Vec::new(),
        Some(v) => {
            let p = child(path, "attachments");
            array(v, &p)?.iter().enumerate().map(|(i, a)| parse_attachment(a, &index(&p, i))).collect::<Checked<_>>()?
        }
    };
    Ok(Core { actor, verb, object, result, context, timestamp, attachments })
}

fn uuid(value: &Value, path: &str) -> Checked<Uuid> {
    parse_uuid(string(value, path)?).ok_or_else(|| {
        StatementError::new(path, "must be a UUID in standard form, such as \"e05aa883-acaf-40ad-bf54-02c8ce485fb0\"")
    })
}

fn timestamp(value: &Value, path: &str) -> Checked<Timestamp> {
    parse_timestamp(string(value, path)?).map_err(|e| StatementError::new(path, e.to_string()))
}

/// Data 2.4.10: the version must start with "1.0." and be a Semantic Versioning 1.0.0 version.
/// "1.0" alone is accepted too: the conformance requirements (XAPI-00101) name "1.0" or "1.0.x".
fn parse_version(value: &Value, path: &str) -> Checked<String> {
    let text = string(value, path)?;
    let valid = text == "1.0"
        || text.strip_prefix("1.0.").is_some_and(|patch| {
            let (number, pre) = patch.split_once('-').map_or((patch, None), |(n, p)| (n, Some(p)));
            !number.is_empty()
                && number.bytes().all(|b| b.is_ascii_digit())
                && (number == "0" || !number.starts_with('0'))
                && pre.is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        });
    if valid {
        Ok(text.to_owned())
    } else {
        Err(StatementError::new(path, format!("must be a 1.0.x version such as \"1.0.0\", not \"{text}\"")))
    }
}

/// Data 2.4.9.s3.b1-b3: an Agent, or for 3-legged OAuth an anonymous Group of exactly two Agents
/// (the application and the user; the pair has no identifier of its own).
fn parse_authority(value: &Value, path: &str) -> Checked<Actor> {
    let actor = parse_actor(value, path)?;
    if let Actor::Group(g) = &actor {
        if g.members().len() != 2 {
            return Err(StatementError::new(
                path,
                "must be an Agent, or a Group of exactly two Agents (an OAuth application and a user)",
            ));
        }
        if matches!(g, Group::Identified { .. }) {
            return Err(StatementError::new(
                path,
                "a Group as authority is an OAuth application and user pair, so it must not have an mbox, mbox_sha1sum, openid or account of its own",
            ));
        }
    }
    Ok(actor)
}

fn parse_verb(value: &Value, path: &str) -> Checked<Verb> {
    let map = object(value, path)?;
    only(map, path, &["id", "display"])?;
    let id = parse_iri(required(map, path, "id")?, &child(path, "id"))?;
    let display = map.get("display").map(|v| language_map(v, &child(path, "display"))).transpose()?;
    Ok(Verb { id, display })
}

pub(crate) fn language_map(value: &Value, path: &str) -> Checked<LanguageMap> {
    let map = object(value, path)?;
    let mut entries = Vec::with_capacity(map.len());
    for (key, text) in map {
        let p = child(path, key);
        let tag = LanguageTag::parse(key)
            .map_err(|e| StatementError::new(&p, format!("is not a valid language map key: the key {e}")))?;
        entries.push((tag, string(text, &p)?.to_owned()));
    }
    Ok(LanguageMap::from_entries(entries))
}

/// Data 4.1.s3: keys must be IRIs; values are not checked (b2).
fn extensions(value: &Value, path: &str) -> Checked<Extensions> {
    let map = object(value, path)?;
    let mut out = BTreeMap::new();
    for (key, v) in map {
        let iri = Iri::parse(key).map_err(|e| {
            StatementError::new(&child(path, key), format!("is not a valid extension key: the key {e}"))
        })?;
        out.insert(iri, v.clone());
    }
    Ok(Extensions(out))
}

fn parse_object(value: &Value, path: &str, in_substatement: bool) -> Checked<StatementObject> {
    let map = object(value, path)?;
    let object_type = map.get("objectType").map(|v| string(v, &child(path, "objectType"))).transpose()?;
    match object_type {
        None | Some("Activity") => parse_activity(value, path).map(StatementObject::Activity),
        Some("Agent") => parse_agent(value, path, true).map(StatementObject::Agent),
        Some("Group") => parse_group(value, path).map(StatementObject::Group),
        Some("StatementRef") => parse_statement_ref(value, path).map(StatementObject::StatementRef),
        Some("SubStatement") if in_substatement => Err(StatementError::new(
            &child(path, "objectType"),
            "a SubStatement must not contain another SubStatement (Data 2.4.4.3.s8.b4)",
        )),
        Some("SubStatement") => parse_substatement(map, path).map(|s| StatementObject::SubStatement(Box::new(s))),
        Some(other) => Err(StatementError::new(
            &child(path, "objectType"),
            format!(
                "must be one of \"Activity\", \"Agent\", \"Group\", \"StatementRef\" or \"SubStatement\" (exactly, case \
                 sensitive), not \"{other}\""
            ),
        )),
    }
}

fn parse_substatement(map: &Map<String, Value>, path: &str) -> Checked<SubStatement> {
    for forbidden in ["id", "stored", "version", "authority"] {
        if map.contains_key(forbidden) {
            return Err(StatementError::new(
                &child(path, forbidden),
                format!("a SubStatement must not have \"{forbidden}\" (Data 2.4.4.3.s8.b3)"),
            ));
        }
    }
    only(map, path, &["objectType", "actor", "verb", "object", "result", "context", "timestamp", "attachments"])?;
    let core = parse_core(map, path, true)?;
    Ok(SubStatement {
        actor: core.actor,
        verb: core.verb,
        object: core.object,
        result: core.result,
        context: core.context,
        timestamp: core.timestamp,
        attachments: core.attachments,
    })
}

/// Data 2.4.4.3.s4: objectType "StatementRef" and the UUID of a Statement.
fn parse_statement_ref(value: &Value, path: &str) -> Checked<Uuid> {
    let map = object(value, path)?;
    match map.get("objectType").map(|v| string(v, &child(path, "objectType"))).transpose()? {
        Some("StatementRef") => {}
        Some(other) => {
            return Err(StatementError::new(
                &child(path, "objectType"),
                format!("must be \"StatementRef\", not \"{other}\""),
            ))
        }
        None => {
            return Err(StatementError::new(&child(path, "objectType"), "is required and must be \"StatementRef\""))
        }
    }
    only(map, path, &["objectType", "id"])?;
    uuid(required(map, path, "id")?, &child(path, "id"))
}

fn parse_activity(value: &Value, path: &str) -> Checked<Activity> {
    let map = object(value, path)?;
    if let Some(t) = map.get("objectType") {
        let t = string(t, &child(path, "objectType"))?;
        if t != "Activity" {
            return Err(StatementError::new(&child(path, "objectType"), format!("must be \"Activity\", not \"{t}\"")));
        }
    }
    only(map, path, &["objectType", "id", "definition"])?;
    let id = parse_iri(required(map, path, "id")?, &child(path, "id"))?;
    let definition = map.get("definition").map(|v| parse_definition(v, &child(path, "definition"))).transpose()?;
    Ok(Activity { id, definition })
}

fn parse_definition(value: &Value, path: &str) -> Checked<ActivityDefinition> {
    let map = object(value, path)?;
    // A definition is optional, so one that says nothing is left out rather than sent empty
    // (the conformance requirements refuse `"definition": {}`).
    if map.is_empty() {
        return Err(StatementError::new(path, "must not be empty: leave the definition out instead"));
    }
    only(
        map,
        path,
        &[
            "name",
            "description",
            "type",
            "moreInfo",
            "interactionType",
            "correctResponsesPattern",
            "choices",
            "scale",
            "source",
            "target",
            "steps",
            "extensions",
        ],
    )?;
    let p = |key: &str| child(path, key);
    let mut definition = ActivityDefinition {
        name: map.get("name").map(|v| language_map(v, &p("name"))).transpose()?,
        description: map.get("description").map(|v| language_map(v, &p("description"))).transpose()?,
        activity_type: map.get("type").map(|v| parse_iri(v, &p("type"))).transpose()?,
        more_info: map.get("moreInfo").map(|v| parse_iri(v, &p("moreInfo"))).transpose()?,
        extensions: map.get("extensions").map(|v| extensions(v, &p("extensions"))).transpose()?,
        ..ActivityDefinition::default()
    };
    // Data 2.4.4.1.s8 and s13.b1: interaction properties need a valid interactionType.
    let interaction_type = match map.get("interactionType") {
        Some(v) => {
            let text = string(v, &p("interactionType"))?;
            Some(InteractionType::parse(text).ok_or_else(|| {
                StatementError::new(
                    &p("interactionType"),
                    format!(
                        "must be one of {} (exactly, case sensitive), not \"{text}\"",
                        InteractionType::ALL.iter().map(|(_, s)| format!("\"{s}\"")).collect::<Vec<_>>().join(", ")
                    ),
                )
            })?)
        }
        None => None,
    };
    let interaction_keys: Vec<&str> =
        COMPONENT_LISTS.iter().copied().chain(["correctResponsesPattern"]).filter(|k| map.contains_key(*k)).collect();
    let Some(interaction_type) = interaction_type else {
        if let Some(first) = interaction_keys.first() {
            return Err(StatementError::new(
                &p("interactionType"),
                format!("is required when \"{first}\" is given (interaction Activities need an interactionType)"),
            ));
        }
        return Ok(definition);
    };
    definition.interaction_type = Some(interaction_type);
    if let Some(v) = map.get("correctResponsesPattern") {
        let cp = p("correctResponsesPattern");
        let patterns = array(v, &cp)?
            .iter()
            .enumerate()
            .map(|(i, s)| string(s, &index(&cp, i)).map(str::to_owned))
            .collect::<Checked<Vec<_>>>()?;
        definition.correct_responses_pattern = Some(patterns);
    }
    for list in COMPONENT_LISTS {
        let Some(v) = map.get(list) else { continue };
        let lp = p(list);
        let supported = interaction_type.component_lists();
        if !supported.contains(&list) {
            let allowed = if supported.is_empty() {
                "no component lists".to_owned()
            } else {
                supported.iter().map(|s| format!("\"{s}\"")).collect::<Vec<_>>().join(" and ")
            };
            return Err(StatementError::new(
                &lp,
                format!(
                    "is not allowed for interactionType \"{}\", which supports {allowed} (Data 2.4.4.1.s15)",
                    interaction_type.as_str()
                ),
            ));
        }
        let mut components: Vec<InteractionComponent> = Vec::new();
        for (i, c) in array(v, &lp)?.iter().enumerate() {
            let cp = index(&lp, i);
            let component = object(c, &cp)?;
            only(component, &cp, &["id", "description"])?;
            let id = string(required(component, &cp, "id")?, &child(&cp, "id"))?.to_owned();
            // Data 2.4.4.1.s16.b1: ids within a list are distinct.
            if let Some(first) = components.iter().position(|c| c.id == id) {
                return Err(StatementError::new(
                    &child(&cp, "id"),
                    format!("repeats the id of {list}[{first}]; interaction component ids in a list must be distinct"),
                ));
            }
            let description =
                component.get("description").map(|d| language_map(d, &child(&cp, "description"))).transpose()?;
            components.push(InteractionComponent { id, description });
        }
        definition.components.insert(list, components);
    }
    Ok(definition)
}

fn parse_outcome(value: &Value, path: &str) -> Checked<Outcome> {
    let map = object(value, path)?;
    only(map, path, &["score", "success", "completion", "response", "duration", "extensions"])?;
    let p = |key: &str| child(path, key);
    Ok(Outcome {
        score: map.get("score").map(|v| parse_score(v, &p("score"))).transpose()?,
        success: map.get("success").map(|v| boolean(v, &p("success"))).transpose()?,
        completion: map.get("completion").map(|v| boolean(v, &p("completion"))).transpose()?,
        response: map.get("response").map(|v| string(v, &p("response")).map(str::to_owned)).transpose()?,
        duration: map
            .get("duration")
            .map(|v| {
                let dp = p("duration");
                Duration::parse(string(v, &dp)?).map_err(|e| StatementError::new(&dp, e.to_string()))
            })
            .transpose()?,
        extensions: map.get("extensions").map(|v| extensions(v, &p("extensions"))).transpose()?,
    })
}

fn parse_score(value: &Value, path: &str) -> Checked<Score> {
    let map = object(value, path)?;
    only(map, path, &["scaled", "raw", "min", "max"])?;
    let get = |key: &str| map.get(key).map(|v| number(v, &child(path, key))).transpose();
    let score = Score { scaled: get("scaled")?, raw: get("raw")?, min: get("min")?, max: get("max")? };
    if let Some(scaled) = score.scaled {
        if !(-1.0..=1.0).contains(&scaled) {
            return Err(StatementError::new(&child(path, "scaled"), "must be between -1 and 1 inclusive"));
        }
    }
    if let (Some(min), Some(max)) = (score.min, score.max) {
        if min >= max {
            return Err(StatementError::new(&child(path, "min"), "must be less than max"));
        }
    }
    if let Some(raw) = score.raw {
        if score.min.is_some_and(|min| raw < min) {
            return Err(StatementError::new(&child(path, "raw"), "must not be less than min"));
        }
        if score.max.is_some_and(|max| raw > max) {
            return Err(StatementError::new(&child(path, "raw"), "must not be more than max"));
        }
    }
    Ok(score)
}

fn parse_context(value: &Value, path: &str, statement_object: &StatementObject) -> Checked<Context> {
    let map = object(value, path)?;
    only(
        map,
        path,
        &[
            "registration",
            "instructor",
            "team",
            "contextActivities",
            "revision",
            "platform",
            "language",
            "statement",
            "extensions",
        ],
    )?;
    let p = |key: &str| child(path, key);
    // Data 2.4.6.s4.b1-b2: revision and platform only when the object is an Activity.
    for key in ["revision", "platform"] {
        if map.contains_key(key) && !matches!(statement_object, StatementObject::Activity(_)) {
            return Err(StatementError::new(
                &p(key),
                "may be used only when the Statement's object is an Activity (Data 2.4.6.s4)",
            ));
        }
    }
    let text = |key: &str| map.get(key).map(|v| string(v, &p(key)).map(str::to_owned)).transpose();
    Ok(Context {
        registration: map.get("registration").map(|v| uuid(v, &p("registration"))).transpose()?,
        instructor: map.get("instructor").map(|v| parse_actor(v, &p("instructor"))).transpose()?,
        team: map.get("team").map(|v| parse_group(v, &p("team"))).transpose()?,
        context_activities: map
            .get("contextActivities")
            .map(|v| parse_context_activities(v, &p("contextActivities")))
            .transpose()?
            .unwrap_or_default(),
        revision: text("revision")?,
        platform: text("platform")?,
        language: map
            .get("language")
            .map(|v| {
                let lp = p("language");
                LanguageTag::parse(string(v, &lp)?).map_err(|e| StatementError::new(&lp, e.to_string()))
            })
            .transpose()?,
        statement: map.get("statement").map(|v| parse_statement_ref(v, &p("statement"))).transpose()?,
        extensions: map.get("extensions").map(|v| extensions(v, &p("extensions"))).transpose()?,
    })
}

/// Data 2.4.6.2.s4.b1-b2: keys parent, grouping, category, other; each an Activity or an array of
/// Activities.
fn parse_context_activities(value: &Value, path: &str) -> Checked<ContextActivities> {
    let map = object(value, path)?;
    only(map, path, &["parent", "grouping", "category", "other"])?;
    let list = |key: &str| -> Checked<Vec<Activity>> {
        let kp = child(path, key);
        match map.get(key) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => {
                items.iter().enumerate().map(|(i, a)| parse_activity(a, &index(&kp, i))).collect()
            }
            Some(single @ Value::Object(_)) => Ok(vec![parse_activity(single, &kp)?]),
            Some(other) => Err(StatementError::new(
                &kp,
                format!("must be an Activity object or an array of Activity objects, not {}", kind(other)),
            )),
        }
    };
    Ok(ContextActivities {
        parent: list("parent")?,
        grouping: list("grouping")?,
        category: list("category")?,
        other: list("other")?,
    })
}

fn parse_attachment(value: &Value, path: &str) -> Checked<Attachment> {
    let map = object(value, path)?;
    only(map, path, &["usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"])?;
    let p = |key: &str| child(path, key);
    let usage_type = parse_iri(required(map, path, "usageType")?, &p("usageType"))?;
    let display = language_map(required(map, path, "display")?, &p("display"))?;
    let description = map.get("description").map(|v| language_map(v, &p("description"))).transpose()?;
    let content_type = string(required(map, path, "contentType")?, &p("contentType"))?;
    if !is_media_type(content_type) {
        return Err(StatementError::new(
            &p("contentType"),
            "must be an Internet Media Type such as \"application/pdf\" or \"text/plain; charset=utf-8\"",
        ));
    }
    // Data 2.6.s4.b1: a signature is sent as application/octet-stream.
    if usage_type.as_str() == SIGNATURE_USAGE_TYPE && !content_type.eq_ignore_ascii_case("application/octet-stream") {
        return Err(StatementError::new(
            &p("contentType"),
            "must be \"application/octet-stream\" for a signature attachment (Data 2.6.s4.b1)",
        ));
    }
    let length_value = required(map, path, "length")?;
    let length = length_value.as_u64().ok_or_else(|| {
        StatementError::new(&p("length"), format!("must be a whole number of octets, not {}", describe(length_value)))
    })?;
    let sha2 = string(required(map, path, "sha2")?, &p("sha2"))?;
    if sha2.is_empty() {
        return Err(StatementError::new(&p("sha2"), "must be the SHA-2 hash of the attachment, not an empty string"));
    }
    let file_url = map.get("fileUrl").map(|v| parse_iri(v, &p("fileUrl"))).transpose()?;
    Ok(Attachment {
        usage_type,
        display,
        description,
        content_type: content_type.to_owned(),
        length,
        sha2: sha2.to_owned(),
        file_url,
    })
}

fn describe(value: &Value) -> String {
    match value {
        Value::Number(n) => format!("{n}"),
        other => kind(other).to_owned(),
    }
}

/// RFC 2045 section 5.1: `type "/" subtype *(";" attribute "=" value)`.
fn is_media_type(text: &str) -> bool {
    fn token(s: &str) -> bool {
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?=".contains(&b))
    }
    let mut parts = text.split(';');
    let essence = parts.next().unwrap_or_default().trim();
    let Some((top, sub)) = essence.split_once('/') else {
        return false;
    };
    token(top)
        && token(sub)
        && parts.all(|parameter| {
            parameter.trim().split_once('=').is_some_and(|(name, value)| {
                token(name) && (token(value) || (value.len() >= 2 && value.starts_with('"') && value.ends_with('"')))
            })
        })
}

/// Wraps each single-Activity `contextActivities` value in an array (Data 2.4.6.2.s4.b3-b4), in
/// the Statement and in a SubStatement.
fn normalise_context_activities(statement: &mut Value) {
    if let Some(activities) = statement.pointer_mut("/context/contextActivities").and_then(Value::as_object_mut) {
        for value in activities.values_mut() {
            if value.is_object() {
                *value = Value::Array(vec![value.take()]);
            }
        }
    }
    if let Some(object) = statement.get_mut("object") {
        if object.get("objectType").and_then(Value::as_str) == Some("SubStatement") {
            normalise_context_activities(object);
        }
    }
}
