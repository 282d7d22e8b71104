//! The command tree and what each command does. Settings come from flags or `GOLDTHREAD_*`
//! variables; `--help` documents each.

use std::io::{BufRead, IsTerminal};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{bail, Context};
use clap::{Args, Parser, Subcommand};
use domain::accounts::NewPassword;
use domain::ids::{OrganisationId, PersonId};
use domain::people::import::PersonRecord;
use domain::people::{Email, OrganisationCode, PersonName, Role, RoleGrant, RoleScope};
use indicatif::{ProgressBar, ProgressStyle};
use jiff::Timestamp;
use store::Store;

use crate::demo;

#[derive(Debug, Parser)]
#[command(
    name = "goldthread",
    version,
    about = "Develop leaders and managers across health, social care and social work"
)]
pub struct Cli {
    /// Database to use: sqlite://FILE (created if absent) or postgres://USER@HOST/DATABASE.
    #[arg(long, global = true, env = "GOLDTHREAD_DATABASE_URL", default_value = "sqlite://goldthread.db")]
    pub database: String,

    /// Write logs as JSON lines instead of text.
    #[arg(long, global = true, env = "GOLDTHREAD_LOG_JSON")]
    pub log_json: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server (pages, API, metrics) until SIGTERM or Ctrl-C.
    Serve(ServeArgs),
    /// Apply database migrations and exit.
    Migrate,
    /// Fill an empty database with a generated integrated care system, then serve it.
    Demo(DemoArgs),
    /// Import organisations or people from a CSV file, all or nothing.
    Import {
        #[command(subcommand)]
        what: ImportCommand,
    },
    /// Administration from the command line.
    Admin {
        #[command(subcommand)]
        what: AdminCommand,
    },
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "GOLDTHREAD_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,

    /// The address people use to reach this server, for links in emails. Defaults to http://BIND.
    #[arg(long, env = "GOLDTHREAD_BASE_URL")]
    pub base_url: Option<String>,

    /// SMTP server for outgoing mail, such as smtp://mail.example.org:25. Without it, mail is
    /// written to the log.
    #[arg(long, env = "GOLDTHREAD_SMTP_URL")]
    pub smtp_url: Option<String>,

    /// The From address of outgoing mail.
    #[arg(long, env = "GOLDTHREAD_MAIL_FROM", default_value = "goldthread <no-reply@goldthread.invalid>")]
    pub mail_from: String,

    /// Mark cookies Secure (set this when serving behind TLS).
    #[arg(long, env = "GOLDTHREAD_SECURE_COOKIES")]
    pub secure_cookies: bool,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// How many people to generate.
    #[arg(long, default_value_t = 5000)]
    pub people: usize,

    /// Seed for the generator: the same seed gives the same system.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,

    /// Generate, print the figures and exit without serving (for benchmarks).
    #[arg(long)]
    pub no_serve: bool,

    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Organisations: code, name, kind, sector, ownership, email_domains, place, system.
    Organisations { file: std::path::PathBuf },
    /// People: staff_number, first_name, last_name, email, job_title, profession, level,
    /// organisation, line_manager_staff_number, start_date.
    People { file: std::path::PathBuf },
    /// Catalogue resources, CSV or JSON: title, summary, kind, url, body, estimated_minutes,
    /// levels, sectors, behaviours, publisher, review_on.
    Resources { file: std::path::PathBuf },
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create a user (or give an existing one a role); the password is read from standard input.
    CreateUser {
        #[arg(long)]
        email: String,
        /// learner, line-manager, programme-lead, coach, talent-lead, equality-lead,
        /// organisation-admin or system-admin.
        #[arg(long)]
        role: String,
        /// The organisation's id or code.
        #[arg(long)]
        organisation: Option<String>,
        /// The person's name (defaults to the part of the email before the @).
        #[arg(long)]
        name: Option<String>,
    },
    /// Print a new personal API token for a user as the last line.
    Token {
        #[arg(long)]
        email: String,
        /// A name for the token, to recognise it later.
        #[arg(long, default_value = "command line")]
        name: String,
    },
    /// Issue xAPI LRS credentials to an external system, scoped to one organisation's people;
    /// prints KEY:SECRET (HTTP Basic) as the last line. Without --read or --write, both.
    LrsCredentials {
        /// The organisation's id or code.
        #[arg(long)]
        organisation: String,
        /// Allow reading statements and documents.
        #[arg(long)]
        read: bool,
        /// Allow writing statements and documents.
        #[arg(long)]
        write: bool,
        /// A name for the credentials, to recognise them later (shown as the statements' authority).
        #[arg(long, default_value = "command line")]
        label: String,
    },
    /// Erase everything the LRS holds about one agent (statements, documents, attachments), on
    /// that person's request; only a count of what went is kept.
    EraseAgent {
        /// The agent as xAPI JSON, for example '{"mbox":"mailto:jo@example.org"}'.
        #[arg(long)]
        agent: String,
    },
}

pub fn init_tracing(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("GOLDTHREAD_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

async fn open(url: &str) -> anyhow::Result<Store> {
    let store = Store::connect(url)
        .await
        .with_context(|| "cannot open the database given by --database / GOLDTHREAD_DATABASE_URL")?;
    store.migrate().await.context("cannot apply migrations")?;
    Ok(store)
}

fn web_config(args: &ServeArgs) -> web::Config {
    web::Config {
        base_url: args
            .base_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", args.bind))
            .trim_end_matches('/')
            .to_owned(),
        smtp_url: args.smtp_url.clone(),
        mail_from: args.mail_from.clone(),
        secure_cookies: args.secure_cookies,
        ..web::Config::default()
    }
}

async fn serve(store: Store, args: &ServeArgs) -> anyhow::Result<ExitCode> {
    let listener = tokio::net::TcpListener::bind(args.bind)
        .await
        .with_context(|| format!("cannot listen on {} (--bind / GOLDTHREAD_BIND)", args.bind))?;
    let config = web_config(args);
    tracing::info!(address = %listener.local_addr()?, backend = store.backend().name(), "goldthread is listening");
    // Entries recorded before the LRS existed, or whose statement could not be written at the
    // time, get their statements while the server starts answering.
    let (backfill_store, base_url) = (store.clone(), config.base_url.clone());
    tokio::spawn(async move {
        match web::backfill_entry_statements(&backfill_store, &base_url).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(statements = n, "learning-record entries without a statement were given one"),
            Err(e) => tracing::error!(error = %e, "learning-record entries' statements could not be written"),
        }
    });
    web::serve(listener, store, config, shutdown_signal()).await?;
    Ok(ExitCode::SUCCESS)
}

/// Resolves on SIGTERM or Ctrl-C, so that requests in flight can finish.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Serve(args) => serve(open(&cli.database).await?, &args).await,
        Command::Migrate => {
            open(&cli.database).await?;
            println!("Migrations applied.");
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo(args) => run_demo(&cli.database, args).await,
        Command::Import { what } => run_import(&cli.database, what).await,
        Command::Admin { what } => run_admin(&cli.database, what).await,
    }
}

async fn run_demo(database: &str, args: DemoArgs) -> anyhow::Result<ExitCode> {
    let store = open(database).await?;
    if store.count_people().await? > 0 {
        bail!("the database at {database} already holds people: the demo needs an empty database (remove the file, or give another --database)");
    }
    let started = std::time::Instant::now();
    let summary = demo::generate(&store, args.people, args.seed, std::io::stderr().is_terminal()).await?;
    // One record: the generated entries are statements in the LRS too.
    let statements = web::backfill_entry_statements(&store, &web_config(&args.serve).base_url).await?;
    eprintln!("demo: {statements} learning-record entries recorded as xAPI statements");
    let elapsed = started.elapsed();
    println!(
        "Generated {} organisations and {} people in {:.1} s (seed {}).",
        summary.organisations,
        summary.people,
        elapsed.as_secs_f64(),
        args.seed
    );
    if args.no_serve {
        println!("\nAccounts of each kind (give one a password with `goldthread admin create-user --email EMAIL --role ROLE`):\n");
        for account in &summary.accounts {
            println!("  {:<22} {}", account.description, account.email);
        }
        return Ok(ExitCode::SUCCESS);
    }
    let now = Timestamp::now();
    let config = web_config(&args.serve);
    println!(
        "\nSign in at {}/sign-in as any of these (passwords are new for each run of the demo):\n",
        config.base_url
    );
    for account in &summary.accounts {
        let password = web::auth::new_password();
        let parsed = NewPassword::parse(&password, None).context("a generated password meets the policy")?;
        store.set_account(account.person, &web::auth::hash_password(&parsed), Some(now), now).await?;
        store.confirm_email(account.person, now).await?;
        println!("  {:<22} {:<44} {}", account.description, account.email, password);
    }
    println!();
    serve(store, &args.serve).await
}

fn progress(len: u64, what: &str) -> ProgressBar {
    if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(len);
        bar.set_style(
            ProgressStyle::with_template("{msg:12} [{bar:40}] {pos}/{len} {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar.set_message(what.to_owned());
        bar.enable_steady_tick(Duration::from_millis(200));
        bar
    } else {
        eprintln!("{what}...");
        ProgressBar::hidden()
    }
}

async fn run_import(database: &str, what: ImportCommand) -> anyhow::Result<ExitCode> {
    let store = open(database).await?;
    let path = match &what {
        ImportCommand::Organisations { file } | ImportCommand::People { file } | ImportCommand::Resources { file } => {
            file
        }
    };
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let bar = progress(3, "importing");
    let tick = |step: &'static str| {
        bar.set_message(step);
        bar.inc(1);
    };
    let now = Timestamp::now();
    let result = match what {
        ImportCommand::People { .. } => web::import::import_people(&store, &bytes, now, tick).await,
        ImportCommand::Organisations { .. } => web::import::import_organisations(&store, &bytes, now, tick).await,
        ImportCommand::Resources { .. } => web::import::import_resources(&store, &bytes, None, now, tick).await,
    };
    bar.finish_and_clear();
    match result {
        Ok(counts) => {
            println!(
                "Imported {}: {} created, {} updated, {} unchanged.",
                path.display(),
                counts.created,
                counts.updated,
                counts.unchanged
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(web::import::ImportError::Problems(problems)) => {
            eprintln!("Nothing was imported. {} has {} problem(s):", path.display(), problems.len());
            for p in &problems {
                eprintln!("  {p}");
            }
            Ok(ExitCode::from(2))
        }
        Err(web::import::ImportError::Store(e)) => Err(e.into()),
    }
}

async fn find_organisation(store: &Store, given: &str) -> anyhow::Result<OrganisationId> {
    if let Ok(id) = given.parse::<OrganisationId>() {
        if store.organisation(id).await?.is_some() {
            return Ok(id);
        }
    }
    let code = OrganisationCode::parse(given).map_err(|e| anyhow::anyhow!("--organisation {given:?}: {e}"))?;
    match store.organisation_by_code(&code).await? {
        Some(o) => Ok(o.id),
        None => bail!("--organisation {given:?}: no organisation has that id or code"),
    }
}

async fn run_admin(database: &str, what: AdminCommand) -> anyhow::Result<ExitCode> {
    let store = open(database).await?;
    let now = Timestamp::now();
    match what {
        AdminCommand::CreateUser { email, role, organisation, name } => {
            let email = Email::parse(&email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
            let role: Role = role.parse().map_err(|e| anyhow::anyhow!("--role: {e}"))?;
            let organisation = match organisation {
                Some(o) => Some(find_organisation(&store, &o).await?),
                None => None,
            };
            let scope = match (role, organisation) {
                (Role::SystemAdmin, _) => Some(RoleScope::System),
                (Role::Learner | Role::LineManager, _) => None,
                (_, Some(o)) => Some(RoleScope::Organisation(o)),
                (_, None) => bail!("--organisation is needed for the role {}", role.code()),
            };
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line).context("cannot read the password from standard input")?;
            let password = NewPassword::parse(line.trim_end_matches(['\r', '\n']), Some(email.as_str()))
                .map_err(|e| anyhow::anyhow!("password: {e}"))?;
            let person = match store.person_by_email(&email).await? {
                Some(p) => p.id,
                None => {
                    let name = name
                        .unwrap_or_else(|| email.as_str().split('@').next().unwrap_or("user").replace(['.', '_'], " "));
                    let record = PersonRecord {
                        id: PersonId::from_uuid(uuid::Uuid::new_v4()),
                        staff_number: None,
                        name: PersonName::parse(&name).map_err(|e| anyhow::anyhow!("--name: {e}"))?,
                        email: email.clone(),
                        job_title: None,
                        profession: None,
                        level: None,
                        organisation,
                        manager: None,
                        start_date: None,
                    };
                    store.create_person(&record, now).await?;
                    record.id
                }
            };
            store.set_account(person, &web::auth::hash_password(&password), Some(now), now).await?;
            store.confirm_email(person, now).await?;
            if let Some(scope) = scope {
                store.grant(person, RoleGrant { role, scope }, now).await?;
            }
            store.audit(None, "admin.create-user", Some(person.to_string()), now).await?;
            println!("{person}");
            Ok(ExitCode::SUCCESS)
        }
        AdminCommand::Token { email, name } => {
            let email = Email::parse(&email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
            let Some(person) = store.person_by_email(&email).await? else {
                bail!("--email: no person has the email {email}")
            };
            let token = web::auth::issue_api_token(&store, person.id, &name, now).await?;
            println!("{token}");
            Ok(ExitCode::SUCCESS)
        }
        AdminCommand::LrsCredentials { organisation, read, write, label } => {
            let organisation = find_organisation(&store, &organisation).await?;
            let (read, write) = if read || write { (read, write) } else { (true, true) };
            let (key, secret) = web::issue_lrs_credentials(&store, organisation, read, write, &label, now).await?;
            eprintln!(
                "Credentials for the LRS at /xapi/ ({}): keep the secret now, it is not shown again.",
                match (read, write) {
                    (true, true) => "read and write",
                    (true, false) => "read only",
                    _ => "write only",
                }
            );
            println!("{key}:{secret}");
            Ok(ExitCode::SUCCESS)
        }
        AdminCommand::EraseAgent { agent } => {
            let erased = web::erase_agent(&store, &agent, None, now).await?;
            println!("Erased {} statements and {} documents.", erased.statements, erased.documents);
            Ok(ExitCode::SUCCESS)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_tree_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn the_contract_commands_parse() {
        Cli::try_parse_from(["goldthread", "demo", "--people", "10", "--seed", "3", "--bind", "127.0.0.1:0"]).unwrap();
        Cli::try_parse_from(["goldthread", "admin", "create-user", "--email", "a@b.org", "--role", "system-admin"])
            .unwrap();
        Cli::try_parse_from(["goldthread", "admin", "token", "--email", "a@b.org"]).unwrap();
        Cli::try_parse_from(["goldthread", "--database", "postgres://x@y/z", "migrate"]).unwrap();
        Cli::try_parse_from(["goldthread", "import", "people", "p.csv"]).unwrap();
    }
}
