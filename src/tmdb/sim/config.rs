//! Simulator settings: `--sim-*` flags and `REELSTREAM_SIM_*` variables.

use std::time::Duration;

/// How the simulator behaves. `SimConfig::default()` is fast and clean: no
/// latency, no limits, no faults, any non-empty credential accepted.
#[derive(Clone, Debug, PartialEq, clap::Args)]
pub struct SimConfig {
    /// Base latency of every answer, in milliseconds.
    #[arg(long = "sim-latency-ms", env = "REELSTREAM_SIM_LATENCY_MS", default_value = "0", value_parser = parse_millis)]
    pub latency: Duration,

    /// Scale of an extra long-tailed delay (Pareto, mean about this), in
    /// milliseconds; one answer's extra delay is capped at 20 times it.
    #[arg(long = "sim-jitter-ms", env = "REELSTREAM_SIM_JITTER_MS", default_value = "0", value_parser = parse_millis)]
    pub jitter: Duration,

    /// Requests per sliding second above which the answer is 429.
    #[arg(long = "sim-rate-limit", env = "REELSTREAM_SIM_RATE_LIMIT")]
    pub rate_limit: Option<u32>,

    /// Requests in flight above which the answer is 429.
    #[arg(long = "sim-max-connections", env = "REELSTREAM_SIM_MAX_CONNECTIONS")]
    pub max_connections: Option<usize>,

    /// Share of requests answered with a 5xx, 0–1.
    #[arg(long = "sim-error-rate", env = "REELSTREAM_SIM_ERROR_RATE", default_value_t = 0.0, value_parser = parse_rate)]
    pub error_rate: f64,

    /// Share of requests left hanging for `timeout_delay`, 0–1.
    #[arg(long = "sim-timeout-rate", env = "REELSTREAM_SIM_TIMEOUT_RATE", default_value_t = 0.0, value_parser = parse_rate)]
    pub timeout_rate: f64,

    /// How long a hanging request hangs before it is answered, in milliseconds.
    #[arg(long = "sim-timeout-delay-ms", env = "REELSTREAM_SIM_TIMEOUT_DELAY_MS", default_value = "30000", value_parser = parse_millis)]
    pub timeout_delay: Duration,

    /// Share of requests whose connection drops mid-body, 0–1.
    #[arg(long = "sim-drop-rate", env = "REELSTREAM_SIM_DROP_RATE", default_value_t = 0.0, value_parser = parse_rate)]
    pub drop_rate: f64,

    /// Share of requests answered 200 with truncated JSON, 0–1.
    #[arg(long = "sim-malformed-rate", env = "REELSTREAM_SIM_MALFORMED_RATE", default_value_t = 0.0, value_parser = parse_rate)]
    pub malformed_rate: f64,

    /// Share of requests answered 400 (TMDB's "invalid parameters"), 0–1.
    #[arg(long = "sim-reject-rate", env = "REELSTREAM_SIM_REJECT_RATE", default_value_t = 0.0, value_parser = parse_rate)]
    pub reject_rate: f64,

    /// Hostile: every 4xx and 5xx body and every malformed 200 echoes the
    /// request — its URL with the `api_key` parameter, the key decoded, and
    /// the `Authorization` header — as a careless proxy or debug page would.
    #[arg(long = "sim-echo-request", env = "REELSTREAM_SIM_ECHO_REQUEST")]
    pub echo_request: bool,

    /// Seed of the fault and jitter draws, so that a run can be replayed.
    #[arg(long = "sim-seed", env = "REELSTREAM_SIM_SEED", default_value_t = 0)]
    pub seed: u64,

    /// The accepted v3 API key; when unset any non-empty key is accepted.
    #[arg(
        long = "sim-api-key",
        env = "REELSTREAM_SIM_API_KEY",
        hide_env_values = true
    )]
    pub api_key: Option<String>,

    /// The accepted v4 read token; when unset any non-empty bearer token is accepted.
    #[arg(
        long = "sim-read-token",
        env = "REELSTREAM_SIM_READ_TOKEN",
        hide_env_values = true
    )]
    pub read_token: Option<String>,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            latency: Duration::ZERO,
            jitter: Duration::ZERO,
            rate_limit: None,
            max_connections: None,
            error_rate: 0.0,
            timeout_rate: 0.0,
            timeout_delay: Duration::from_secs(30),
            drop_rate: 0.0,
            malformed_rate: 0.0,
            reject_rate: 0.0,
            echo_request: false,
            seed: 0,
            api_key: None,
            read_token: None,
        }
    }
}

impl SimConfig {
    /// Checks what flags cannot: each fault rate within 0–1 and their sum at most 1.
    pub fn validate(&self) -> Result<(), String> {
        let rates = [
            self.error_rate,
            self.timeout_rate,
            self.drop_rate,
            self.malformed_rate,
            self.reject_rate,
        ];
        if rates.iter().any(|r| !(0.0..=1.0).contains(r)) {
            return Err("every fault rate must be between 0 and 1".into());
        }
        let sum: f64 = rates.iter().sum();
        if sum > 1.0 + 1e-9 {
            return Err(format!("the fault rates add up to {sum}, more than 1"));
        }
        Ok(())
    }
}

fn parse_millis(s: &str) -> Result<Duration, String> {
    s.trim()
        .parse()
        .map(Duration::from_millis)
        .map_err(|e| format!("milliseconds expected: {e}"))
}

fn parse_rate(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(r) if (0.0..=1.0).contains(&r) => Ok(r),
        Ok(_) => Err("a rate between 0 and 1 expected".into()),
        Err(e) => Err(format!("a rate between 0 and 1 expected: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        sim: SimConfig,
    }

    #[test]
    fn flags_parse_and_defaults_agree() {
        // Only meaningful when no REELSTREAM_SIM_* variable is set around the test.
        if std::env::vars().all(|(k, _)| !k.starts_with("REELSTREAM_SIM_")) {
            assert_eq!(
                Cli::try_parse_from(["sim"]).unwrap().sim,
                SimConfig::default()
            );
        }
        let cli = Cli::try_parse_from([
            "sim",
            "--sim-latency-ms=40",
            "--sim-rate-limit=50",
            "--sim-error-rate=0.1",
            "--sim-seed=7",
        ])
        .unwrap();
        assert_eq!(cli.sim.latency, Duration::from_millis(40));
        assert_eq!(cli.sim.rate_limit, Some(50));
        assert_eq!((cli.sim.error_rate, cli.sim.seed), (0.1, 7));
        assert!(Cli::try_parse_from(["sim", "--sim-drop-rate=1.5"]).is_err());
    }

    #[test]
    fn validate_rejects_rates_over_one() {
        let cfg = SimConfig {
            error_rate: 0.6,
            malformed_rate: 0.6,
            ..SimConfig::default()
        };
        assert!(cfg.validate().is_err());
        assert!(SimConfig::default().validate().is_ok());
    }
}
