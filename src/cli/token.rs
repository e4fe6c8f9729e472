//! `reelstream token SESSION_ID`: an operator gives a session a new owner
//! token — for a session stored before owner tokens, or an owner who lost
//! theirs. The old token stops working; the new one is printed once.

use std::process::ExitCode;

use clap::Args;

use super::{EXIT_FAILED, EXIT_USAGE};
use crate::config::DEFAULT_DATABASE_URL;
use crate::domain::OwnerToken;
use crate::store::{Db, upkeep};

/// Settings of `reelstream token`.
#[derive(Clone, Debug, Args)]
pub struct TokenArgs {
    /// The session's id.
    pub session_id: String,
    /// The server's database.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,
}

/// Replaces the session's owner token and prints the new one on stdout.
pub async fn run(args: TokenArgs) -> ExitCode {
    let Ok(id) = uuid::Uuid::parse_str(args.session_id.trim()) else {
        eprintln!("error: '{}' is not a session id (a UUID)", args.session_id);
        return ExitCode::from(EXIT_USAGE);
    };
    let db = match Db::connect(&args.database_url).await {
        Ok(db) => db,
        Err(err) => {
            eprintln!("error: cannot open the database: {err}");
            return ExitCode::from(EXIT_FAILED);
        }
    };
    let token = OwnerToken::generate();
    match upkeep::set_owner(&db, &id.to_string(), &token.hash()).await {
        Ok(true) => {
            println!("{}", token.expose());
            ExitCode::SUCCESS
        }
        Ok(false) => {
            eprintln!("error: no session with id '{id}'");
            ExitCode::from(EXIT_FAILED)
        }
        Err(err) => {
            eprintln!("error: cannot store the token: {err}");
            ExitCode::from(EXIT_FAILED)
        }
    }
}
