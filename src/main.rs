//! The xiaopu command line: serve (default), migrate, admin, openapi.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::ExitCode;

use actix_web::web;
use clap::{Parser, Subcommand};
use xiaopu::app as server;
use xiaopu::auth::accounts as service;
use xiaopu::clock::Clock;
use xiaopu::config::{ConfigError, Settings};
use xiaopu::db::{migrations, Db};
use xiaopu::error::AppError;
use xiaopu::jobs::{Job, RunReport};
use xiaopu::members::dto::RegisterRequest;
use xiaopu::members::rules;
use xiaopu::passwords::Passwords;
use xiaopu::state::AppState;

#[derive(Parser)]
#[command(
    name = "xiaopu",
    version,
    about = "Open backend for S2B2C social-commerce micro-shops"
)]
struct Cli {
    /// A configuration file layered over config/default.toml.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Start business time at this RFC 3339 time (development and test only; the same as
    /// `clock.now`). It runs on from there.
    #[arg(long, global = true, value_name = "TIME")]
    now: Option<String>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server (the default): applies pending migrations first.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Platform administration.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Print the OpenAPI document (JSON) to standard output.
    Openapi,
    /// The money ledger.
    Ledger {
        #[command(subcommand)]
        command: LedgerCommand,
    },
    /// Background jobs, run once now.
    Jobs {
        #[command(subcommand)]
        command: JobsCommand,
    },
    /// Fill an empty database: with --demo, the small dataset of the README's "First ten
    /// minutes"; with --shopkeepers N, a reproducible dataset for the tier engine's benchmark
    /// (shopkeepers with a shop each, as many buyers, settled orders spread over a month).
    Seed {
        /// An admin, a supplier with listed goods, a shopkeeper with an open shop and a buyer,
        /// all with the password Demo-Passw0rd. A second run changes nothing; a database with
        /// other members is refused.
        #[arg(long, conflicts_with_all = ["shopkeepers", "orders_per_shopkeeper", "month", "seed", "refund_percent"])]
        demo: bool,
        #[arg(long, required_unless_present = "demo")]
        shopkeepers: Option<i64>,
        /// On average: a few shops sell thousands of orders, most a few, some none.
        #[arg(long, default_value_t = 10)]
        orders_per_shopkeeper: i64,
        /// YYYY-MM the orders settle in (default: the month just ended).
        #[arg(long)]
        month: Option<String>,
        #[arg(long, default_value_t = 1)]
        seed: i64,
        /// Share of lines with a piece refunded, in percent.
        #[arg(long, default_value_t = 5)]
        refund_percent: i64,
    },
    /// The monthly tier engine.
    Tiers {
        #[command(subcommand)]
        command: TiersCommand,
    },
}

#[derive(Subcommand)]
enum TiersCommand {
    /// Recalculate every shopkeeper's tier from a month's figures (default: the month just
    /// ended in `tiers.time_zone`). Resumes a run that was killed; a finished month is not run
    /// again; a month running elsewhere is refused (exit code 3).
    Run {
        /// YYYY-MM.
        #[arg(long)]
        month: Option<String>,
        /// Decide as of this RFC 3339 time (development and test only); without --month, the
        /// month just ended then.
        #[arg(long, value_name = "TIME")]
        as_of: Option<String>,
        /// K/N: only shopkeepers whose id % N = K - 1 (run N workers, K = 1..N).
        #[arg(long)]
        shard: Option<String>,
        /// Decide and summarise without writing anything.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Subcommand)]
enum LedgerCommand {
    /// Verify every ledger invariant; exits non-zero naming the first violation.
    Check,
}

#[derive(Subcommand)]
enum JobsCommand {
    /// Run one job now.
    Run {
        #[arg(value_enum)]
        job: Job,
        /// Run as of this RFC 3339 time (development and test only), e.g. to settle what falls
        /// due a week from now.
        #[arg(long, value_name = "TIME")]
        as_of: Option<String>,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create a platform admin (bootstraps the first one).
    Create {
        #[arg(long)]
        email: String,
        /// Read the password from standard input (first line).
        #[arg(long, required = true)]
        password_stdin: bool,
        #[arg(long, default_value = "Admin")]
        display_name: String,
    },
    /// Import credit scores from a CSV file of `member,score` lines (member id, email or
    /// phone). Good rows are imported; each bad row is reported by line number (exit code 1).
    ImportCredit { file: PathBuf },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::load(cli.config.as_deref())
        .and_then(|settings| starting_at(settings, "--now", cli.now.as_deref()))
        .and_then(|settings| starting_at(settings, "--as-of", as_of(cli.command.as_ref())))
    {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("xiaopu: {error}");
            return ExitCode::from(2);
        }
    };
    init_logging(&settings);
    // The composition root's one clock: every command and the server read business time here.
    let clock = settings.clock.clock(settings.environment);
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(settings, clock),
        Command::Migrate => migrate(&settings).map(|_| ()),
        Command::Admin {
            command:
                AdminCommand::Create {
                    email,
                    display_name,
                    ..
                },
        } => create_admin(&settings, &clock, email, display_name),
        Command::Admin {
            command: AdminCommand::ImportCredit { file },
        } => import_credit(&settings, &clock, &file),
        Command::Openapi => print_openapi(&settings),
        Command::Ledger {
            command: LedgerCommand::Check,
        } => check_ledger(&settings),
        Command::Jobs {
            command: JobsCommand::Run { job, .. },
        } => run_job(&settings, clock, job),
        Command::Seed { demo: true, .. } => seed_demo(&settings, &clock),
        // clap requires one of them: this is for the compiler.
        Command::Seed {
            shopkeepers: None, ..
        } => Err("give --demo or --shopkeepers N".to_owned()),
        Command::Seed {
            shopkeepers: Some(shopkeepers),
            orders_per_shopkeeper,
            month,
            seed,
            refund_percent,
            ..
        } => seed_database(
            &settings,
            &clock,
            shopkeepers,
            orders_per_shopkeeper,
            month.as_deref(),
            seed,
            refund_percent,
        ),
        Command::Tiers {
            command:
                TiersCommand::Run {
                    month,
                    shard,
                    dry_run,
                    ..
                },
        } => match run_tiers(
            &settings,
            &clock,
            month.as_deref(),
            shard.as_deref(),
            dry_run,
        ) {
            Err(message) if message.starts_with(RUNNING_ELSEWHERE) => {
                eprintln!("xiaopu: {message}");
                return ExitCode::from(3);
            }
            other => other,
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xiaopu: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The `--as-of` time of the commands that take one.
fn as_of(command: Option<&Command>) -> Option<&str> {
    match command? {
        Command::Jobs {
            command: JobsCommand::Run { as_of, .. },
        }
        | Command::Tiers {
            command: TiersCommand::Run { as_of, .. },
        } => as_of.as_deref(),
        _ => None,
    }
}

/// Starts business time at `time` (from the command-line option `flag`) as `clock.now` would,
/// under the same rules: refused in production, RFC 3339 only.
fn starting_at(
    mut settings: Settings,
    flag: &str,
    time: Option<&str>,
) -> Result<Settings, ConfigError> {
    let Some(time) = time else {
        return Ok(settings);
    };
    settings.clock.now = time.to_owned();
    settings.validate().map_err(|error| ConfigError {
        key: if error.key == "clock.now" {
            flag.to_owned()
        } else {
            error.key
        },
        message: error.message,
    })?;
    Ok(settings)
}

fn init_logging(settings: &Settings) {
    let filter = tracing_subscriber::EnvFilter::new(&settings.log.level);
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if settings.log.json {
        builder.json().init();
    } else {
        builder.init();
    }
}

fn migrate(settings: &Settings) -> Result<Db, String> {
    let db = Db::new(&settings.database)?;
    let mut conn = db
        .get()
        .map_err(|e| format!("cannot connect to the database: {e}"))?;
    let applied =
        migrations::run_pending(&mut conn).map_err(|e| format!("migration failed: {e}"))?;
    for version in &applied {
        tracing::info!(%version, "migration applied");
    }
    drop(conn);
    Ok(db)
}

fn serve(settings: Settings, clock: Clock) -> Result<(), String> {
    let db = migrate(&settings)?;
    let address = format!("{}:{}", settings.server.host, settings.server.port);
    let listener =
        TcpListener::bind(&address).map_err(|e| format!("cannot listen on {address}: {e}"))?;
    let database = settings.database.url.clone();
    let state = AppState::new(settings, db, clock).map_err(|e| e.to_string())?;
    tracing::info!(%address, %database, business_time = %state.clock.now(), "xiaopu listening; API docs at /docs");
    let state = web::Data::new(state);
    xiaopu::jobs::scheduler::start(std::sync::Arc::new(state.job_parts()));
    actix_web::rt::System::new().block_on(async move {
        server::start(state, listener)
            .map_err(|e| e.to_string())?
            .await
            .map_err(|e| e.to_string())
    })
}

fn create_admin(
    settings: &Settings,
    clock: &Clock,
    email: String,
    display_name: String,
) -> Result<(), String> {
    let mut password = String::new();
    std::io::stdin()
        .read_line(&mut password)
        .map_err(|e| format!("cannot read the password from standard input: {e}"))?;
    let registration = rules::check_registration(RegisterRequest {
        email: Some(email),
        phone: None,
        password: password.trim_end_matches(['\r', '\n']).to_owned(),
        display_name,
    })
    .map_err(describe)?;
    let db = migrate(settings)?;
    let hash = Passwords::new(settings.auth.password_cost())
        .and_then(|p| p.hash(&registration.password))
        .map_err(describe)?;
    let mut conn = db.get().map_err(describe)?;
    let member = xiaopu::db::backend::write_transaction(&mut conn, |conn| {
        service::create_member(conn, &registration, hash, true, clock.now())
    })
    .map_err(describe)?;
    println!(
        "admin created: member {} ({})",
        member.id,
        member.email.unwrap_or_default()
    );
    Ok(())
}

fn import_credit(settings: &Settings, clock: &Clock, file: &std::path::Path) -> Result<(), String> {
    let csv = std::fs::read_to_string(file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let db = migrate(settings)?;
    let mut conn = db.get().map_err(describe)?;
    let (imported, rejected) = xiaopu::db::backend::write_transaction(&mut conn, |conn| {
        xiaopu::shops::service::import_credit(
            conn,
            &xiaopu::audit::Actor::system(clock.now()),
            &csv,
        )
    })
    .map_err(describe)?;
    for row in &rejected {
        eprintln!("line {}: {}", row.line, row.reason);
    }
    println!(
        "imported {imported} credit score(s), rejected {} row(s)",
        rejected.len()
    );
    if rejected.is_empty() {
        Ok(())
    } else {
        Err(format!("{} row(s) were not imported", rejected.len()))
    }
}

fn check_ledger(settings: &Settings) -> Result<(), String> {
    let db = migrate(settings)?;
    let mut conn = db.get().map_err(describe)?;
    match xiaopu::ledger::check::check(&mut conn).map_err(describe)? {
        Ok(summary) => {
            println!(
                "ledger ok: {} accounts, {} postings, {} entries; every posting balances and every balance is the sum of its entries",
                summary.accounts, summary.postings, summary.entries
            );
            Ok(())
        }
        Err(violation) => Err(format!("ledger check failed: {violation}")),
    }
}

fn run_job(settings: &Settings, clock: Clock, job: Job) -> Result<(), String> {
    let db = migrate(settings)?;
    let state = AppState::new(settings.clone(), db, clock).map_err(describe)?;
    let holder = format!("cli-{}", std::process::id());
    let report = xiaopu::jobs::run(&state.job_parts(), job, &holder).map_err(describe)?;
    match report {
        RunReport::Done(rows) => println!("{}: {rows} handled", job.name()),
        RunReport::HeldElsewhere => println!(
            "{}: another process is running this job now; nothing done",
            job.name()
        ),
    }
    Ok(())
}

fn seed_database(
    settings: &Settings,
    clock: &Clock,
    shopkeepers: i64,
    orders_per_shopkeeper: i64,
    month: Option<&str>,
    seed: i64,
    refund_percent: i64,
) -> Result<(), String> {
    use xiaopu::seed::{self, SeedOptions};
    let month = match month {
        Some(text) => xiaopu::tiers::months::Month::parse(text).map_err(describe)?,
        None => xiaopu::tiers::engine::month_just_ended(clock.now(), &settings.tiers),
    };
    let db = migrate(settings)?;
    let started = std::time::Instant::now();
    let mut conn = db.get().map_err(describe)?;
    let seeded = seed::seed(
        &mut conn,
        SeedOptions {
            shopkeepers,
            orders_per_shopkeeper,
            month,
            seed,
            refund_percent,
            zone: settings.tiers.time_zone,
        },
    )
    .map_err(describe)?;
    println!(
        "seeded {} members, {} shops, {} settled orders in {} in {:.1} s",
        seeded.members,
        seeded.shops,
        seeded.orders,
        month.label(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn seed_demo(settings: &Settings, clock: &Clock) -> Result<(), String> {
    use xiaopu::demo;
    let db = migrate(settings)?;
    let mut conn = db.get().map_err(describe)?;
    let shop_no = match demo::load(&mut conn, settings, clock.now()).map_err(describe)? {
        demo::Outcome::Loaded { shop_no } => {
            println!("demo data loaded");
            shop_no
        }
        demo::Outcome::AlreadyLoaded { shop_no } => {
            println!("demo data already loaded: nothing changed");
            shop_no
        }
    };
    println!("password of every demo account: {}", demo::PASSWORD);
    println!("  admin       {}", demo::ADMIN_EMAIL);
    println!("  supplier    {}", demo::SUPPLIER_EMAIL);
    println!("  shopkeeper  {} (shop {shop_no})", demo::SHOPKEEPER_EMAIL);
    println!("  buyer       {}", demo::BUYER_EMAIL);
    Ok(())
}

const RUNNING_ELSEWHERE: &str = "running elsewhere";

fn run_tiers(
    settings: &Settings,
    clock: &Clock,
    month: Option<&str>,
    shard: Option<&str>,
    dry_run: bool,
) -> Result<(), String> {
    use std::io::IsTerminal;
    use xiaopu::tiers::engine::{self, Outcome, RunOptions};
    let month = match month {
        Some(text) => xiaopu::tiers::months::Month::parse(text).map_err(describe)?,
        None => engine::month_just_ended(clock.now(), &settings.tiers),
    };
    let shard = match shard {
        Some(text) => engine::parse_shard(text).map_err(describe)?,
        None => xiaopu::tiers::repo::Shard::WHOLE,
    };
    let db = migrate(settings)?;
    let options = RunOptions {
        month,
        shard,
        dry_run,
        holder: format!(
            "{}-{}",
            std::env::var("HOSTNAME").unwrap_or_else(|_| "cli".to_owned()),
            std::process::id()
        ),
        as_of: clock.now(),
    };
    let terminal = std::io::stderr().is_terminal();
    let label = month.label();
    let mut progress = |done: i64, total: i64| {
        if terminal {
            let width = 40;
            let filled = if total > 0 {
                (done * width / total) as usize
            } else {
                width as usize
            };
            eprint!(
                "\rtiers {label} {}/{}: [{}{}] {done}/{total}",
                shard.index,
                shard.count,
                "#".repeat(filled),
                " ".repeat(width as usize - filled.min(width as usize))
            );
        } else {
            tracing::info!(month = %label, done, total, "tier run progress");
        }
    };
    let outcome = engine::run(&db, &settings.tiers, &options, &mut progress).map_err(describe)?;
    if terminal {
        eprintln!();
    }
    let (summary, note) = match outcome {
        Outcome::Finished(summary) => (
            summary,
            if dry_run {
                " (dry run: nothing written)"
            } else {
                ""
            },
        ),
        Outcome::AlreadyDone(summary) => (summary, " (done before: nothing changed)"),
        Outcome::RunningElsewhere(holder) => {
            return Err(format!(
                "{RUNNING_ELSEWHERE}: {label} shard {}/{} is being run by {holder}",
                shard.index, shard.count
            ))
        }
    };
    let tiers = |counts: xiaopu::tiers::TierCounts| {
        counts
            .iter()
            .map(|(tier, count)| format!("{tier} {count}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    println!("tiers {label} shard {}/{}{note}", shard.index, shard.count);
    println!("  shopkeepers: {}", summary.processed);
    println!("  before: {}", tiers(summary.before));
    println!("  after:  {}", tiers(summary.after));
    println!(
        "  promoted {}, demoted {}, unchanged {}",
        summary.promoted, summary.demoted, summary.unchanged
    );
    println!("  duration: {:.3} s", summary.duration.as_secs_f64());
    Ok(())
}

fn print_openapi(settings: &Settings) -> Result<(), String> {
    let document = server::openapi_document(settings)
        .to_pretty_json()
        .map_err(|e| e.to_string())?;
    println!("{document}");
    Ok(())
}

/// A message for the terminal, with each field at fault.
fn describe(error: AppError) -> String {
    match error {
        AppError::Validation(fields) => fields
            .iter()
            .map(|f| format!("{}: {}", f.field, f.message))
            .collect::<Vec<_>>()
            .join("; "),
        AppError::Conflict { detail, .. } => detail,
        other => other.to_string(),
    }
}
