//! Tests of the binary as operators run it: several processes on one database, shutdown on
//! SIGTERM, durability after SIGKILL, and the import and admin commands.

#![expect(clippy::unwrap_used, reason = "a test fails loudly on any error it did not expect")]

use std::io::Write;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use store::testing::TestDb;
use store::Backend;

const BIN: &str = env!("CARGO_BIN_EXE_goldthread");
const PASSWORD: &str = "correct horse battery staple";

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

struct Server {
    child: Child,
    base: String,
}

impl Server {
    async fn start(database: &str) -> Self {
        let port = free_port();
        let child = Command::new(BIN)
            .args(["--database", database, "serve", "--bind", &format!("127.0.0.1:{port}")])
            .env("GOLDTHREAD_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Held in a `Server` at once, so that a failed start still kills and reaps it.
        let server = Self { child, base: format!("http://127.0.0.1:{port}") };
        for _ in 0..200 {
            if reqwest::get(format!("{}/healthz", server.base)).await.is_ok_and(|r| r.status() == 200) {
                return server;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the server on {} did not become healthy", server.base);
    }

    fn signal(&self, sig: &str) {
        let status = Command::new("kill").args([sig, &self.child.id().to_string()]).status().unwrap();
        assert!(status.success());
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn admin_create(database: &str, email: &str, role: &str) -> std::process::Output {
    let mut child = Command::new(BIN)
        .args(["--database", database, "admin", "create-user", "--email", email, "--role", role])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{PASSWORD}").unwrap();
    child.wait_with_output().unwrap()
}

fn csrf(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).unwrap() + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

async fn on_both(test: impl AsyncFn(&TestDb)) {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        if let Some(db) = TestDb::new(backend).await {
            test(&db).await;
            db.finish().await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_started_on_one_server_works_on_another() {
    on_both(async |db: &TestDb| {
        let out = admin_create(&db.url, "ada@example.org", "learner");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let one = Server::start(&db.url).await;
        let two = Server::start(&db.url).await;
        let client =
            reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let page = client.get(format!("{}/sign-in", one.base)).send().await.unwrap().text().await.unwrap();
        let r = client
            .post(format!("{}/sign-in", one.base))
            .form(&[("email", "ada@example.org"), ("password", PASSWORD), ("csrf", &csrf(&page))])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        // The cookie jar is per host and port: carry the session cookie across by hand.
        let cookies: Vec<String> = r
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned())
            .collect();
        let r = reqwest::Client::new()
            .get(format!("{}/profile", two.base))
            .header("cookie", cookies.join("; "))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert!(r.text().await.unwrap().contains("ada@example.org"));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_stops_the_server_cleanly() {
    let db = TestDb::sqlite().await;
    let mut server = Server::start(&db.url).await;
    server.signal("-TERM");
    let mut status = None;
    for _ in 0..100 {
        if let Some(s) = server.child.try_wait().unwrap() {
            status = Some(s);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(status.expect("the server stopped within 5 seconds").success());
    db.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_acknowledged_sign_up_survives_sigkill() {
    on_both(async |db: &TestDb| {
        let server = Server::start(&db.url).await;
        let client = reqwest::Client::builder().cookie_store(true).build().unwrap();
        let page = client.get(format!("{}/sign-up", server.base)).send().await.unwrap().text().await.unwrap();
        let r = client
            .post(format!("{}/sign-up", server.base))
            .form(&[
                ("name", "Kept Safe"),
                ("email", "kept@example.org"),
                ("password", PASSWORD),
                ("csrf", &csrf(&page)),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        server.signal("-KILL");
        drop(server);
        let store = store::Store::connect(&db.url).await.unwrap();
        let kept = store.person_by_email(&domain::people::Email::parse("kept@example.org").unwrap()).await.unwrap();
        assert!(kept.is_some(), "the acknowledged account was lost");
        store.close().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_import_command_is_all_or_nothing_and_names_the_line() {
    on_both(async |db: &TestDb| {
        let dir = std::env::temp_dir().join(format!("gt-import-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let orgs = dir.join("orgs.csv");
        std::fs::write(&orgs, "code,name,kind,sector,ownership,email_domains\nRX1,Riverside Trust,nhs-trust,health,public,riverside.nhs.uk\n").unwrap();
        let people = dir.join("people.csv");
        std::fs::write(&people, "staff_number,name,email,level,organisation,line_manager_staff_number\n1,Ada Okafor,ada@riverside.nhs.uk,vsm,RX1,\n2,Ben Shah,ben@riverside.nhs.uk,band-77,RX1,1\n").unwrap();
        let run = |file: &std::path::Path, what: &str| Command::new(BIN).args(["--database", &db.url, "import", what, file.to_str().unwrap()]).output().unwrap();
        let out = run(&orgs, "organisations");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let out = run(&people, "people");
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("Nothing was imported") && stderr.contains("line 3, column level"), "{stderr}");
        assert_eq!(db.store.count_people().await.unwrap(), 0);
        std::fs::write(&people, std::fs::read_to_string(&people).unwrap().replace("band-77", "band-7")).unwrap();
        let out = run(&people, "people");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stdout).contains("2 created"));
        assert_eq!(db.store.count_people().await.unwrap(), 2);
        let _ = std::fs::remove_dir_all(dir);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_commands_make_users_and_tokens_that_work() {
    let db = TestDb::sqlite().await;
    let out = admin_create(&db.url, "admin@example.org", "system-admin");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let bad = admin_create(&db.url, "someone@example.org", "talent-lead");
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--organisation is needed"));
    let bad = admin_create(&db.url, "someone@example.org", "overlord");
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--role"));
    let out = Command::new(BIN)
        .args(["--database", &db.url, "admin", "token", "--email", "admin@example.org"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    let token = stdout.lines().last().unwrap().trim().to_owned();
    assert!(token.starts_with("gt_"));
    let server = Server::start(&db.url).await;
    let me: serde_json::Value = reqwest::Client::new()
        .get(format!("{}/api/v1/people/me", server.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["email"], "admin@example.org");
    drop(server);
    db.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_acknowledged_statement_survives_sigkill_and_the_cli_issues_lrs_credentials() {
    on_both(async |db: &TestDb| {
        let dir = std::env::temp_dir().join(format!("gt-lrs-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let orgs = dir.join("orgs.csv");
        std::fs::write(&orgs, "code,name,kind,sector,ownership,email_domains\nRX1,Riverside Trust,nhs-trust,health,public,riverside.nhs.uk\n").unwrap();
        let out = Command::new(BIN).args(["--database", &db.url, "import", "organisations", orgs.to_str().unwrap()]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let lrs = |extra: &[&str]| {
            let mut args = vec!["--database", &db.url, "admin", "lrs-credentials", "--organisation", "RX1"];
            args.extend_from_slice(extra);
            Command::new(BIN).args(&args).output().unwrap()
        };
        let bad = Command::new(BIN).args(["--database", &db.url, "admin", "lrs-credentials", "--organisation", "NOPE"]).output().unwrap();
        assert!(!bad.status.success(), "an unknown organisation is refused");
        let read_only = lrs(&["--read"]);
        let out = lrs(&[]);
        assert!(out.status.success() && read_only.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let last = |o: &std::process::Output| String::from_utf8(o.stdout.clone()).unwrap().lines().last().unwrap().trim().to_owned();
        let (key, secret) = last(&out).split_once(':').map(|(k, s)| (k.to_owned(), s.to_owned())).unwrap();
        let (ro_key, ro_secret) = last(&read_only).split_once(':').map(|(k, s)| (k.to_owned(), s.to_owned())).unwrap();
        let server = Server::start(&db.url).await;
        let statement = serde_json::json!({
            "actor": { "mbox": "mailto:learner@elsewhere.example" },
            "verb": { "id": "http://adlnet.gov/expapi/verbs/completed" },
            "object": { "id": "https://elearning.example/courses/1" }
        });
        let post = |k: &str, s: &str| {
            reqwest::Client::new()
                .post(format!("{}/xapi/statements", server.base))
                .basic_auth(k, Some(s))
                .header("X-Experience-API-Version", "1.0.3")
                .json(&statement)
                .send()
        };
        assert_eq!(post(&ro_key, &ro_secret).await.unwrap().status(), 403, "read-only credentials cannot write");
        let r = post(&key, &secret).await.unwrap();
        assert_eq!(r.status(), 200);
        let ids: Vec<String> = r.json().await.unwrap();
        server.signal("-KILL");
        drop(server);
        let store = store::Store::connect(&db.url).await.unwrap();
        let id = uuid::Uuid::parse_str(&ids[0]).unwrap();
        assert_eq!(store.statements_by_id(&[id]).await.unwrap().len(), 1, "the acknowledged statement was lost");
        store.close().await;
        let _ = std::fs::remove_dir_all(dir);
    })
    .await;
}
