//! The HTTP test harness: the real app on a real port, a fresh database per test on each
//! backend, a real SMTP listener catching mail, and one helper per common step.

#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use domain::accounts::NewPassword;
use domain::ids::{OrganisationId, PersonId};
use domain::people::import::PersonRecord;
use domain::people::{
    Email, EmailDomain, OrganisationCode, OrganisationKind, OrganisationName, Ownership, PersonName, RoleGrant, Sector,
};
use jiff::Timestamp;
use store::people::OrganisationFields;
use store::testing::TestDb;
use store::{Backend, Store};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

pub const PASSWORD: &str = "correct horse battery staple";

/// A minimal SMTP server that keeps every message it is given.
#[derive(Clone, Default)]
pub struct MailCatcher {
    messages: Arc<Mutex<Vec<String>>>,
}

impl MailCatcher {
    pub async fn start() -> (Self, u16) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let catcher = Self::default();
        let messages = catcher.messages.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let messages = messages.clone();
                tokio::spawn(async move {
                    let (read, mut write) = socket.into_split();
                    let mut lines = BufReader::new(read).lines();
                    let _ = write.write_all(b"220 catcher ready\r\n").await;
                    let mut data: Option<String> = None;
                    while let Ok(Some(line)) = lines.next_line().await {
                        if let Some(body) = data.as_mut() {
                            if line == "." {
                                messages.lock().unwrap().push(std::mem::take(body));
                                data = None;
                                let _ = write.write_all(b"250 ok\r\n").await;
                            } else {
                                body.push_str(line.strip_prefix('.').unwrap_or(&line));
                                body.push('\n');
                            }
                            continue;
                        }
                        let verb = line.split_whitespace().next().unwrap_or("").to_ascii_uppercase();
                        let reply: &[u8] = match verb.as_str() {
                            "EHLO" | "HELO" => b"250 catcher\r\n",
                            "DATA" => {
                                data = Some(String::new());
                                b"354 go ahead\r\n"
                            }
                            "QUIT" => {
                                let _ = write.write_all(b"221 bye\r\n").await;
                                break;
                            }
                            _ => b"250 ok\r\n",
                        };
                        let _ = write.write_all(reply).await;
                    }
                });
            }
        });
        (catcher, port)
    }

    pub fn messages(&self) -> Vec<String> {
        self.messages.lock().unwrap().clone()
    }

    /// The last message sent to `to`, waiting a little for it.
    pub async fn last_to(&self, to: &str) -> String {
        for _ in 0..50 {
            if let Some(m) = self.messages().into_iter().rev().find(|m| m.contains(&format!("To: {to}"))) {
                return m;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no mail to {to}; got {:?}", self.messages());
    }

    /// The first link in a message that starts with `prefix`.
    pub fn link(message: &str, prefix: &str) -> String {
        // Long lines may be soft-wrapped by quoted-printable encoding: join them first.
        let joined = message.replace("=\n", "").replace("=3D", "=");
        let start = joined.find(prefix).unwrap_or_else(|| panic!("no {prefix} link in {message}"));
        joined[start..].split_whitespace().next().unwrap().to_owned()
    }
}

pub struct TestApp {
    pub base: String,
    pub store: Store,
    pub mail: MailCatcher,
    db: Option<TestDb>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
}

impl TestApp {
    pub async fn start(backend: Backend) -> Option<Self> {
        let db = TestDb::new(backend).await?;
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (mail, smtp_port) = MailCatcher::start().await;
        let config = goldthread_web::Config {
            base_url: base.clone(),
            smtp_url: Some(format!("smtp://127.0.0.1:{smtp_port}")),
            max_body_bytes: 2 * 1024 * 1024,
            ..goldthread_web::Config::default()
        };
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let store = db.store.clone();
        let server = tokio::spawn(async move {
            goldthread_web::serve(listener, store, config, async {
                let _ = rx.await;
            })
            .await
            .unwrap();
        });
        Some(Self { base, store: db.store.clone(), mail, db: Some(db), shutdown: Some(tx), server: Some(server) })
    }

    pub async fn finish(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(s) = self.server.take() {
            let _ = s.await;
        }
        if let Some(db) = self.db.take() {
            db.finish().await;
        }
    }

    /// A browser-like client: keeps cookies, does not follow redirects (tests look at them).
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, client: &reqwest::Client, path: &str) -> reqwest::Response {
        client.get(self.url(path)).send().await.unwrap()
    }

    /// The CSRF token the server gave this client (it sets one on the first page).
    pub async fn csrf(&self, client: &reqwest::Client) -> String {
        let html = self.get(client, "/sign-in").await.text().await.unwrap();
        hidden_value(&html, "csrf").expect("every page with a form has a csrf field")
    }

    /// Posts a form as a browser would, with the CSRF token.
    pub async fn post(&self, client: &reqwest::Client, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let csrf = self.csrf(client).await;
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        form.push(("csrf", &csrf));
        client.post(self.url(path)).form(&form).send().await.unwrap()
    }

    pub async fn organisation(&self, code: &str, domain: &str) -> OrganisationId {
        let id = OrganisationId::from_uuid(uuid::Uuid::new_v4());
        let fields = OrganisationFields {
            code: OrganisationCode::parse(code).unwrap(),
            name: OrganisationName::parse(&format!("{code} Organisation")).unwrap(),
            kind: OrganisationKind::NhsTrust,
            sector: Sector::Health,
            ownership: Ownership::Public,
            email_domains: vec![EmailDomain::parse(domain).unwrap()],
            place: None,
            system: None,
        };
        self.store.create_organisation(id, &fields, Timestamp::now()).await.unwrap();
        id
    }

    /// A person with a confirmed account (password [`PASSWORD`]) and the given grants.
    pub async fn user(
        &self,
        email: &str,
        organisation: Option<OrganisationId>,
        manager: Option<PersonId>,
        grants: &[RoleGrant],
    ) -> PersonId {
        let now = Timestamp::now();
        let record = PersonRecord {
            id: PersonId::from_uuid(uuid::Uuid::new_v4()),
            staff_number: None,
            name: PersonName::parse(&format!("Person {}", email.split('@').next().unwrap())).unwrap(),
            email: Email::parse(email).unwrap(),
            job_title: None,
            profession: None,
            level: None,
            organisation,
            manager,
            start_date: None,
        };
        self.store.create_person(&record, now).await.unwrap();
        let hash = goldthread_web::hash_password(&NewPassword::parse(PASSWORD, None).unwrap());
        self.store.set_account(record.id, &hash, Some(now), now).await.unwrap();
        for g in grants {
            self.store.grant(record.id, *g, now).await.unwrap();
        }
        record.id
    }

    /// A client signed in as `email`.
    pub async fn signed_in(&self, email: &str) -> reqwest::Client {
        let client = self.client();
        let r = self.post(&client, "/sign-in", &[("email", email), ("password", PASSWORD)]).await;
        assert_eq!(r.status(), 303, "signing in as {email} failed: {}", r.text().await.unwrap());
        client
    }

    /// Sends only the head of a POST that declares a `length`-byte body, and returns the status
    /// the server answers with.
    pub async fn status_of_declared_upload(&self, path: &str, length: usize) -> u16 {
        let address = self.base.trim_start_matches("http://").to_owned();
        let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n"
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        let mut reply = String::new();
        let mut lines = BufReader::new(stream).lines();
        if let Ok(Some(line)) = lines.next_line().await {
            reply = line;
        }
        reply.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0)
    }

    pub async fn token(&self, person: PersonId) -> String {
        goldthread_web::issue_api_token(&self.store, person, "tests", Timestamp::now()).await.unwrap()
    }

    /// LRS credentials (key, secret) for HTTP Basic, scoped to an organisation.
    pub async fn lrs_credentials(&self, organisation: OrganisationId, read: bool, write: bool) -> (String, String) {
        goldthread_web::issue_lrs_credentials(&self.store, organisation, read, write, "tests", Timestamp::now())
            .await
            .unwrap()
    }

    pub async fn api_get(&self, token: &str, path: &str) -> reqwest::Response {
        reqwest::Client::new().get(self.url(path)).bearer_auth(token).send().await.unwrap()
    }
}

/// The value of the first hidden input named `name` in `html`.
pub fn hidden_value(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    Some(html[start..].split('"').next()?.to_owned())
}

/// Runs one test body on a fresh app over SQLite and over PostgreSQL.
#[macro_export]
macro_rules! app_test {
    ($name:ident, |$app:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn body($app: &$crate::support::TestApp) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app = $crate::support::TestApp::start(store::Backend::Sqlite).await.expect("SQLite is always there");
                body(&app).await;
                app.finish().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(app) = $crate::support::TestApp::start(store::Backend::Postgres).await else { return };
                body(&app).await;
                app.finish().await;
            }
        }
    };
}
