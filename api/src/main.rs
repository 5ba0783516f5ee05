//! The `leerroute` command: parse the command line, then hand over to the library.

use std::process::ExitCode;

use clap::Parser;
use leerroute::config::{Cli, Command};
use tracing_subscriber::EnvFilter;

/// mimalloc instead of the system allocator: a GraphQL response is thousands of small
/// allocations, and profiling showed glibc's malloc and free among the largest costs of a request.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    init_logging();
    let cli = Cli::parse();
    let result = match cli.command {
        // Ends the process at once when serving ends: the runtime would otherwise wait for
        // blocking work (an import's reader thread) and outlast the shutdown deadline.
        Command::Serve(args) => match leerroute::serve(args).await {
            Ok(()) => std::process::exit(0),
            Err(err) => Err(err),
        },
        Command::Migrate(args) => leerroute::migrate(args).await.map(Some),
        Command::Seed(args) => leerroute::seed_demo(args).await.map(Some),
        Command::Import { kind } => leerroute::import_command(kind).await.map(Some),
        Command::Rebuild(args) => leerroute::rebuild(args).await.map(Some),
        Command::Backup(args) => leerroute::backup(args).await.map(Some),
        Command::Signals { action } => leerroute::signals_command(action).await.map(Some),
        Command::Purge(args) => leerroute::purge_command(args).await.map(Some),
        Command::Token(args) => leerroute::mint_token(args).map(Some),
        Command::Documents { action } => leerroute::documents::cli::run(action).await.map(Some),
        Command::Schema => Ok(Some(leerroute::graphql::sdl())),
    };
    match result {
        Ok(output) => {
            if let Some(output) = output {
                println!("{output}");
            }
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Logs on stderr: coloured for a terminal, plain text for a file or a journal, one JSON object
/// per line with `LEERROUTE_LOG_FORMAT=json` (for log collectors). Read here, before the command
/// line, because logging starts first.
fn init_logging() {
    use std::io::IsTerminal;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match std::env::var("LEERROUTE_LOG_FORMAT").as_deref() {
        Ok("json") => builder.json().init(),
        _ => builder.with_ansi(std::io::stderr().is_terminal()).init(),
    }
}
