//! Agents, Groups and their inverse functional identifiers (Data 2.4.2), the `agent` parameter, and
//! the Person object of the Agents resource (Communication 2.4).

use std::fmt;

use serde_json::{json, Map, Value};

use super::iri::{Iri, Mbox};
use super::json::{array, child, index, object, only, required, string, Checked, StatementError};
use super::sha1::sha1_hex;

/// The hex-encoded SHA-1 of a mailto IRI, held in lowercase.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MboxSha1Sum(String);

impl MboxSha1Sum {
    /// Parses 40 hexadecimal digits, either case.
    pub fn parse(text: &str) -> Option<Self> {
        (text.len() == 40 && text.bytes().all(|b| b.is_ascii_hexdigit())).then(|| Self(text.to_ascii_lowercase()))
    }

    /// The sum of an mbox, hashed with its domain in lowercase (Data 2.4.2.3.s4.b1).
    pub fn of(mbox: &Mbox) -> Self {
        Self(sha1_hex(mbox.normalised().as_bytes()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A user account on an existing system (Data 2.4.2.4).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Account {
    /// The system's home page (an IRL).
    pub home_page: Iri,
    /// The name used to log in to the account.
    pub name: String,
}

/// An inverse functional identifier: the one property that says which Agent or Group is meant
/// (Data 2.4.2.3).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ifi {
    Mbox(Mbox),
    MboxSha1Sum(MboxSha1Sum),
    OpenId(Iri),
    Account(Account),
}

impl Ifi {
    /// A string naming this identifier, for indexes and for matching: `mbox:mailto:jo@example.org`
    /// (domain in lowercase), `mbox_sha1sum:<40 lowercase hex>`, `openid:<IRI>` or
    /// `account:<homePage>|<name>` (an IRI never holds `|`, so the split is unambiguous).
    pub fn key(&self) -> String {
        match self {
            Self::Mbox(m) => format!("mbox:{}", m.normalised()),
            Self::MboxSha1Sum(s) => format!("mbox_sha1sum:{}", s.as_str()),
            Self::OpenId(o) => format!("openid:{o}"),
            Self::Account(a) => format!("account:{}|{}", a.home_page, a.name),
        }
    }

    /// The keys under which this identifier should be found. An mbox also answers to the key of its
    /// SHA-1 sum, so that a query by mbox finds Agents identified by `mbox_sha1sum` (Data 2.4.2.3:
    /// an LRS MAY include Agents with a matching hash).
    pub fn match_keys(&self) -> Vec<String> {
        match self {
            Self::Mbox(m) => vec![self.key(), Self::MboxSha1Sum(MboxSha1Sum::of(m)).key()],
            _ => vec![self.key()],
        }
    }

    fn write_into(&self, map: &mut Map<String, Value>) {
        let (key, value) = match self {
            Self::Mbox(m) => ("mbox", json!(m.as_str())),
            Self::MboxSha1Sum(s) => ("mbox_sha1sum", json!(s.as_str())),
            Self::OpenId(o) => ("openid", json!(o.as_str())),
            Self::Account(a) => ("account", json!({"homePage": a.home_page.as_str(), "name": a.name})),
        };
        map.insert(key.to_owned(), value);
    }
}

impl fmt::Display for Ifi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key())
    }
}

/// One person or system (Data 2.4.2.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agent {
    pub name: Option<String>,
    pub ifi: Ifi,
}

impl Agent {
    /// The Agent as JSON, with `"objectType": "Agent"`.
    pub fn to_json(&self) -> Value {
        let mut map = Map::new();
        map.insert("objectType".into(), json!("Agent"));
        if let Some(name) = &self.name {
            map.insert("name".into(), json!(name));
        }
        self.ifi.write_into(&mut map);
        Value::Object(map)
    }
}

/// A Group (Data 2.4.2.2): anonymous (known only by its members) or identified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Group {
    Anonymous { name: Option<String>, members: Vec<Agent> },
    Identified { name: Option<String>, ifi: Ifi, members: Vec<Agent> },
}

impl Group {
    pub fn members(&self) -> &[Agent] {
        match self {
            Self::Anonymous { members, .. } | Self::Identified { members, .. } => members,
        }
    }

    pub fn ifi(&self) -> Option<&Ifi> {
        match self {
            Self::Anonymous { .. } => None,
            Self::Identified { ifi, .. } => Some(ifi),
        }
    }

    /// The Group as JSON, with `"objectType": "Group"`.
    pub fn to_json(&self) -> Value {
        let mut map = Map::new();
        map.insert("objectType".into(), json!("Group"));
        let name = match self {
            Self::Anonymous { name, .. } | Self::Identified { name, .. } => name,
        };
        if let Some(name) = name {
            map.insert("name".into(), json!(name));
        }
        if let Some(ifi) = self.ifi() {
            ifi.write_into(&mut map);
        }
        if !self.members().is_empty() || self.ifi().is_none() {
            map.insert("member".into(), Value::Array(self.members().iter().map(Agent::to_json).collect()));
        }
        Value::Object(map)
    }
}

/// Whoever a Statement is about, or who asserts it: an Agent or a Group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    Agent(Agent),
    Group(Group),
}

impl Actor {
    /// The identifiers this Agent or Group answers to: its own, if any, and its members'. A Group
    /// whose member matches an Agent matches that Agent in statement queries (Communication 2.1.3).
    pub fn identifiers(&self) -> Vec<&Ifi> {
        match self {
            Self::Agent(a) => vec![&a.ifi],
            Self::Group(g) => g.ifi().into_iter().chain(g.members().iter().map(|m| &m.ifi)).collect(),
        }
    }

    pub fn to_json(&self) -> Value {
        match self {
            Self::Agent(a) => a.to_json(),
            Self::Group(g) => g.to_json(),
        }
    }
}

const IFI_KEYS: [&str; 4] = ["mbox", "mbox_sha1sum", "openid", "account"];

/// Reads the inverse functional identifier of an Agent or Group: at most one, and exactly one when
/// `required` (Data 2.4.2.1.s2.b1-b2, 2.4.2.2.s5.b1).
fn parse_ifi(map: &Map<String, Value>, path: &str, required_here: bool, what: &str) -> Checked<Option<Ifi>> {
    let present: Vec<&str> = IFI_KEYS.iter().copied().filter(|k| map.contains_key(*k)).collect();
    if present.len() > 1 {
        return Err(StatementError::new(
            path,
            format!(
                "{what} must have exactly one inverse functional identifier (mbox, mbox_sha1sum, openid or account), \
                 but has {}",
                present.join(" and ")
            ),
        ));
    }
    let Some(key) = present.first() else {
        if required_here {
            return Err(StatementError::new(
                path,
                format!(
                    "{what} must have an inverse functional identifier: one of mbox, mbox_sha1sum, openid or account"
                ),
            ));
        }
        return Ok(None);
    };
    let p = child(path, key);
    let value = &map[*key];
    let ifi = match *key {
        "mbox" => Ifi::Mbox(Mbox::parse(string(value, &p)?).map_err(|e| StatementError::new(&p, e.to_string()))?),
        "mbox_sha1sum" => Ifi::MboxSha1Sum(
            MboxSha1Sum::parse(string(value, &p)?)
                .ok_or_else(|| StatementError::new(&p, "must be the SHA-1 of a mailto IRI as 40 hexadecimal digits"))?,
        ),
        "openid" => Ifi::OpenId(parse_iri(value, &p)?),
        _ => {
            let account = object(value, &p)?;
            only(account, &p, &["homePage", "name"])?;
            let home_page = parse_iri(required(account, &p, "homePage")?, &child(&p, "homePage"))?;
            let name = string(required(account, &p, "name")?, &child(&p, "name"))?.to_owned();
            Ifi::Account(Account { home_page, name })
        }
    };
    Ok(Some(ifi))
}

pub(crate) fn parse_iri(value: &Value, path: &str) -> Checked<Iri> {
    Iri::parse(string(value, path)?).map_err(|e| StatementError::new(path, e.to_string()))
}

fn optional_name(map: &Map<String, Value>, path: &str) -> Checked<Option<String>> {
    map.get("name").map(|v| string(v, &child(path, "name")).map(str::to_owned)).transpose()
}

fn object_type<'a>(map: &'a Map<String, Value>, path: &str) -> Checked<Option<&'a str>> {
    map.get("objectType").map(|v| string(v, &child(path, "objectType"))).transpose()
}

/// Reads an Agent. `objectType`, when present, must be exactly `Agent`; when `object_type_required`
/// it must be present (an Agent as a Statement's object, Data 2.4.4.2.s1.b1).
pub(crate) fn parse_agent(value: &Value, path: &str, object_type_required: bool) -> Checked<Agent> {
    let map = object(value, path)?;
    match object_type(map, path)? {
        Some("Agent") => {}
        None if !object_type_required => {}
        None => return Err(StatementError::new(&child(path, "objectType"), "is required and must be \"Agent\" here")),
        Some("Group") => {
            return Err(StatementError::new(
                &child(path, "objectType"),
                "must be \"Agent\": a Group is not allowed here",
            ))
        }
        Some(other) => {
            return Err(StatementError::new(
                &child(path, "objectType"),
                format!("must be \"Agent\" (exactly, case sensitive), not \"{other}\""),
            ))
        }
    }
    only(map, path, &["objectType", "name", "mbox", "mbox_sha1sum", "openid", "account"])?;
    let name = optional_name(map, path)?;
    let ifi =
        parse_ifi(map, path, true, "an Agent")?.ok_or_else(|| StatementError::new(path, "needs an identifier"))?;
    Ok(Agent { name, ifi })
}

/// Reads a Group, whose `objectType` must be `Group` (Data 2.4.2.2).
pub(crate) fn parse_group(value: &Value, path: &str) -> Checked<Group> {
    let map = object(value, path)?;
    match object_type(map, path)? {
        Some("Group") => {}
        None => return Err(StatementError::new(&child(path, "objectType"), "is required and must be \"Group\" here")),
        Some(other) => {
            return Err(StatementError::new(
                &child(path, "objectType"),
                format!("must be \"Group\" (exactly, case sensitive), not \"{other}\""),
            ))
        }
    }
    only(map, path, &["objectType", "name", "member", "mbox", "mbox_sha1sum", "openid", "account"])?;
    let name = optional_name(map, path)?;
    let ifi = parse_ifi(map, path, false, "a Group")?;
    let member_path = child(path, "member");
    let members = match map.get("member") {
        None => None,
        Some(v) => {
            let mut members = Vec::new();
            for (i, m) in array(v, &member_path)?.iter().enumerate() {
                let p = index(&member_path, i);
                if m.get("objectType").and_then(Value::as_str) == Some("Group") {
                    return Err(StatementError::new(
                        &child(&p, "objectType"),
                        "a Group's members must be Agents; Groups cannot be members of Groups (Data 2.4.2.2.s4.b2, s5.b2)",
                    ));
                }
                members.push(parse_agent(m, &p, false)?);
            }
            Some(members)
        }
    };
    match ifi {
        Some(ifi) => Ok(Group::Identified { name, ifi, members: members.unwrap_or_default() }),
        None => match members {
            Some(members) if !members.is_empty() => Ok(Group::Anonymous { name, members }),
            _ => Err(StatementError::new(
                path,
                "an anonymous Group (one with no mbox, mbox_sha1sum, openid or account) must list its Agents in \"member\"",
            )),
        },
    }
}

/// Reads an Agent or a Group, as allowed for an actor, instructor or authority.
pub(crate) fn parse_actor(value: &Value, path: &str) -> Checked<Actor> {
    let map = object(value, path)?;
    match object_type(map, path)? {
        Some("Group") => parse_group(value, path).map(Actor::Group),
        None | Some("Agent") => parse_agent(value, path, false).map(Actor::Agent),
        Some(other) => Err(StatementError::new(
            &child(path, "objectType"),
            format!("must be \"Agent\" or \"Group\" (exactly, case sensitive), not \"{other}\""),
        )),
    }
}

fn parse_parameter_json(text: &str) -> Checked<Value> {
    serde_json::from_str(text).map_err(|_| StatementError::new("agent", "must be a JSON object (an Agent)"))
}

/// Reads the `agent` parameter of the State, Agent Profile and Agents resources: an Agent with
/// exactly one identifier, not a Group (Communication 2.4.s2, 2.6.s3).
pub fn parse_agent_parameter(text: &str) -> Result<Agent, StatementError> {
    let value = parse_parameter_json(text)?;
    parse_agent(&value, "agent", false)
}

/// Reads the `agent` filter of GET Statements: an Agent or an identified Group, of which only the
/// identifier matters (Communication 2.1.3.s1).
pub fn parse_agent_filter(text: &str) -> Result<Ifi, StatementError> {
    let value = parse_parameter_json(text)?;
    match parse_actor(&value, "agent")? {
        Actor::Agent(a) => Ok(a.ifi),
        Actor::Group(Group::Identified { ifi, .. }) => Ok(ifi),
        Actor::Group(Group::Anonymous { .. }) => {
            Err(StatementError::new("agent", "must be an Agent or an identified Group, not an anonymous Group"))
        }
    }
}

/// The Person object of the Agents resource (Communication 2.4.s4): everything known about the
/// Agents that are one person, each property a list without repeats.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Person {
    names: Vec<String>,
    mboxes: Vec<Mbox>,
    sha1sums: Vec<MboxSha1Sum>,
    openids: Vec<Iri>,
    accounts: Vec<Account>,
}

impl Person {
    /// A Person made of the given Agents (at least the one asked about: Communication 2.4.s3.b3).
    pub fn of<'a>(agents: impl IntoIterator<Item = &'a Agent>) -> Self {
        fn push<T: PartialEq>(list: &mut Vec<T>, item: T) {
            if !list.contains(&item) {
                list.push(item);
            }
        }
        let mut person = Self::default();
        for agent in agents {
            if let Some(name) = &agent.name {
                push(&mut person.names, name.clone());
            }
            match &agent.ifi {
                Ifi::Mbox(m) => push(&mut person.mboxes, m.clone()),
                Ifi::MboxSha1Sum(s) => push(&mut person.sha1sums, s.clone()),
                Ifi::OpenId(o) => push(&mut person.openids, o.clone()),
                Ifi::Account(a) => push(&mut person.accounts, a.clone()),
            }
        }
        person
    }

    /// The Person as JSON: `objectType` "Person" and only the non-empty lists.
    pub fn to_json(&self) -> Value {
        let mut map = Map::new();
        map.insert("objectType".into(), json!("Person"));
        let mut put = |key: &str, values: Vec<Value>| {
            if !values.is_empty() {
                map.insert(key.to_owned(), Value::Array(values));
            }
        };
        put("name", self.names.iter().map(|n| json!(n)).collect());
        put("mbox", self.mboxes.iter().map(|m| json!(m.as_str())).collect());
        put("mbox_sha1sum", self.sha1sums.iter().map(|s| json!(s.as_str())).collect());
        put("openid", self.openids.iter().map(|o| json!(o.as_str())).collect());
        put(
            "account",
            self.accounts.iter().map(|a| json!({"homePage": a.home_page.as_str(), "name": a.name})).collect(),
        );
        Value::Object(map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(v: Value) -> Checked<Actor> {
        parse_actor(&v, "actor")
    }

    fn reason(r: Checked<Actor>) -> String {
        r.unwrap_err().to_string()
    }

    // Data 2.4.2.1.s2.b1: an Agent MUST be identified by one of the four IFIs.
    #[test]
    fn an_agent_needs_an_identifier() {
        let e = reason(actor(json!({"name": "Jo"})));
        assert!(e.starts_with("actor: an Agent must have an inverse functional identifier"), "{e}");
    }

    // Data 2.4.2.1.s2.b2: an Agent MUST NOT include more than one IFI.
    #[test]
    fn an_agent_has_at_most_one_identifier() {
        let e = reason(actor(json!({"mbox": "mailto:a@b.c", "openid": "http://openid.example.org/jo"})));
        assert!(e.contains("exactly one inverse functional identifier") && e.contains("mbox and openid"), "{e}");
    }

    #[test]
    fn each_kind_of_identifier_is_read() {
        let sha = "ebd31e95054c018b10727ccffd2ef2ec3a016ee9";
        for (v, key) in [
            (json!({"mbox": "mailto:Jo@Example.ORG"}), "mbox:mailto:Jo@example.org".to_owned()),
            (json!({"mbox_sha1sum": sha.to_uppercase()}), format!("mbox_sha1sum:{sha}")),
            (json!({"openid": "http://openid.example.org/jo"}), "openid:http://openid.example.org/jo".to_owned()),
            (
                json!({"account": {"homePage": "http://www.example.com", "name": "1625378"}}),
                "account:http://www.example.com|1625378".to_owned(),
            ),
        ] {
            let Actor::Agent(agent) = actor(v).unwrap() else { panic!("not an agent") };
            assert_eq!(agent.ifi.key(), key);
        }
    }

    #[test]
    fn identifier_formats_are_checked() {
        assert_eq!(reason(actor(json!({"mbox": "jo@example.org"}))).split(':').next(), Some("actor.mbox"));
        assert!(reason(actor(json!({"mbox_sha1sum": "abc"}))).starts_with("actor.mbox_sha1sum: must be the SHA-1"));
        assert!(reason(actor(json!({"openid": "not an iri"}))).starts_with("actor.openid:"));
        // Data 2.4.2.4: account needs homePage (an IRL) and name, and nothing else.
        assert_eq!(reason(actor(json!({"account": {"name": "x"}}))), "actor.account.homePage: is required");
        assert_eq!(reason(actor(json!({"account": {"homePage": "http://x.org"}}))), "actor.account.name: is required");
        assert!(reason(actor(json!({"account": {"homePage": "x.org", "name": "n"}})))
            .starts_with("actor.account.homePage:"));
        assert!(reason(actor(json!({"account": {"homePage": "http://x.org", "name": "n", "id": 1}})))
            .starts_with("actor.account.id: is not a property allowed here"));
    }

    #[test]
    fn agent_object_type_must_be_exact() {
        assert!(reason(actor(json!({"objectType": "agent", "mbox": "mailto:a@b.c"}))).contains("case sensitive"));
        assert!(actor(json!({"objectType": "Agent", "mbox": "mailto:a@b.c"})).is_ok());
    }

    // Data 2.4.2.2.s4.b1: an anonymous Group MUST include "member".
    #[test]
    fn an_anonymous_group_needs_members() {
        let e = reason(actor(json!({"objectType": "Group", "name": "Ward 7"})));
        assert!(e.contains("anonymous Group"), "{e}");
        assert!(actor(json!({"objectType": "Group", "member": []})).is_err());
        let ok = actor(json!({"objectType": "Group", "member": [{"mbox": "mailto:a@b.c"}]})).unwrap();
        assert!(matches!(ok, Actor::Group(Group::Anonymous { .. })));
    }

    // Data 2.4.2.2.s5: an identified Group has exactly one IFI and MAY list members.
    #[test]
    fn an_identified_group_may_have_members() {
        let g = actor(json!({"objectType": "Group", "mbox": "mailto:team@b.c"})).unwrap();
        assert!(matches!(g, Actor::Group(Group::Identified { ref members, .. }) if members.is_empty()));
        let g = actor(json!({"objectType": "Group", "mbox": "mailto:team@b.c", "member": [{"mbox": "mailto:a@b.c"}]}));
        assert_eq!(g.unwrap().identifiers().len(), 2);
        let e = reason(actor(json!({"objectType": "Group", "mbox": "mailto:t@b.c", "openid": "http://o.org/t"})));
        assert!(e.contains("a Group must have exactly one"), "{e}");
    }

    // Data 2.4.2.2.s4.b2 and s5.b2: Groups MUST NOT contain Groups.
    #[test]
    fn group_members_must_be_agents() {
        let e = reason(actor(json!({"objectType": "Group", "member": [
            {"mbox": "mailto:a@b.c"},
            {"objectType": "Group", "member": [{"mbox": "mailto:d@b.c"}]}
        ]})));
        assert!(e.starts_with("actor.member[1].objectType: a Group's members must be Agents"), "{e}");
        let e = reason(actor(json!({"objectType": "Group", "member": [{"name": "no id"}]})));
        assert!(e.starts_with("actor.member[0]: an Agent must have"), "{e}");
    }

    #[test]
    fn the_agent_parameter_is_one_agent() {
        let agent = parse_agent_parameter(r#"{"mbox":"mailto:jo@example.org"}"#).unwrap();
        assert_eq!(agent.ifi.key(), "mbox:mailto:jo@example.org");
        assert!(parse_agent_parameter("mailto:jo@example.org").is_err());
        assert!(parse_agent_parameter(r#"{"mbox":"mailto:jo@example.org","openid":"http://o.org/jo"}"#).is_err());
        let e = parse_agent_parameter(r#"{"objectType":"Group","mbox":"mailto:t@example.org"}"#).unwrap_err();
        assert_eq!(e.path(), "agent.objectType");
        assert!(parse_agent_parameter(r#"{"mbox":["mailto:jo@example.org"]}"#).is_err());
    }

    #[test]
    fn the_agent_filter_allows_identified_groups_only() {
        assert!(parse_agent_filter(r#"{"objectType":"Group","mbox":"mailto:t@example.org"}"#).is_ok());
        assert!(parse_agent_filter(r#"{"objectType":"Group","member":[{"mbox":"mailto:t@example.org"}]}"#).is_err());
    }

    // Data 2.4.2.3: an LRS MAY match mbox_sha1sum Agents when asked about an mbox.
    #[test]
    fn an_mbox_also_matches_its_sha1_sum() {
        let mbox = Ifi::Mbox(Mbox::parse("mailto:Someone@Example.com").unwrap());
        let sum = MboxSha1Sum::parse(&sha1_hex(b"mailto:Someone@example.com")).unwrap();
        assert!(mbox.match_keys().contains(&Ifi::MboxSha1Sum(sum).key()));
    }

    // Communication 2.4.s5/s6: Person has objectType "Person" and arrays of the Agent properties.
    #[test]
    fn a_person_gathers_the_identifiers_of_its_agents() {
        let a = parse_agent(&json!({"name": "Jo", "mbox": "mailto:jo@example.org"}), "", false).unwrap();
        let b = parse_agent(
            &json!({"name": "Jo", "account": {"homePage": "http://lms.example.org", "name": "j1"}}),
            "",
            false,
        )
        .unwrap();
        let c = parse_agent(&json!({"name": "Joanne", "mbox": "mailto:jo@example.org"}), "", false).unwrap();
        assert_eq!(
            Person::of([&a, &b, &c]).to_json(),
            json!({
                "objectType": "Person",
                "name": ["Jo", "Joanne"],
                "mbox": ["mailto:jo@example.org"],
                "account": [{"homePage": "http://lms.example.org", "name": "j1"}]
            })
        );
    }

    #[test]
    fn agents_and_groups_round_trip_through_json() {
        for v in [
            json!({"objectType": "Agent", "name": "Jo", "mbox": "mailto:jo@example.org"}),
            json!({"objectType": "Group", "member": [{"objectType": "Agent", "openid": "http://o.org/a"}]}),
            json!({"objectType": "Group", "name": "T", "account": {"homePage": "http://x.org", "name": "t"}}),
        ] {
            assert_eq!(actor(v.clone()).unwrap().to_json(), v);
        }
    }
}
