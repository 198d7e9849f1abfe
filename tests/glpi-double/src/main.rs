//! `glpi-double`: runs the GLPI test double (GLPI 10, or 11 with `--glpi11`) as a standalone server, for manual runs and
//! end-to-end tests. Prints `GLPI_URL=<base url>` on stdout, then serves until stdin closes
//! (or until killed, with `--no-stdin`).

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use guichet_glpi_double::{DoubleConfig, Fault, GlpiDouble, GlpiVersion, RandomFaults};

const USAGE: &str = "usage: glpi-double [--port N] [--glpi11] [--categories-open] [--surveys] \
[--fault-rate R --seed S] [--app-token T] [--no-stdin]

  --port N            listen on 127.0.0.1:N (default: a free port)
  --glpi11            play GLPI 11.0.6 instead of 10.0.14
  --categories-open   let every profile read ITILCategory
  --surveys           create a satisfaction survey when a ticket is closed
  --fault-rate R      fault each request with probability R (500, reset, 1 s delay, expired session)
  --seed S            seed of the random faults (default 0)
  --app-token T       require this App-Token
  --no-stdin          do not stop when stdin closes (stop with SIGTERM)

Users: prof/secret (Self-Service, id 7, token 0123456789abcdef0123456789abcdef01234567),
       glpi/glpi (Super-Admin, id 2, token aaaa… ×40).";

#[derive(Debug, Default)]
struct Options {
    port: u16,
    glpi11: bool,
    categories_open: bool,
    surveys: bool,
    fault_rate: Option<f64>,
    seed: u64,
    app_token: Option<String>,
    watch_stdin: bool,
}

/// Why the command line was not understood (or was a request for help).
#[derive(Debug, thiserror::Error)]
enum ArgsError {
    /// `-h` or `--help`: print the usage, and succeed.
    #[error("help requested")]
    Help,
    #[error("unknown argument: {0}")]
    UnknownFlag(String),
    #[error("{0} needs a value")]
    MissingValue(&'static str),
    #[error("{flag}: {source}")]
    BadInteger {
        flag: &'static str,
        #[source]
        source: std::num::ParseIntError,
    },
    #[error("--fault-rate: {0}")]
    BadRate(#[source] std::num::ParseFloatError),
    #[error("--fault-rate must be between 0 and 1, not {0}")]
    RateOutOfRange(f64),
}

fn parse_args(args: impl Iterator<Item = String>) -> Result<Options, ArgsError> {
    let mut options = Options {
        watch_stdin: true,
        ..Options::default()
    };
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        let mut value = |flag: &'static str| args.next().ok_or(ArgsError::MissingValue(flag));
        let bad_integer = |flag| move |source| ArgsError::BadInteger { flag, source };
        match arg.as_str() {
            "--port" => options.port = value("--port")?.parse().map_err(bad_integer("--port"))?,
            "--glpi11" => options.glpi11 = true,
            "--categories-open" => options.categories_open = true,
            "--surveys" => options.surveys = true,
            "--fault-rate" => {
                let rate: f64 = value("--fault-rate")?.parse().map_err(ArgsError::BadRate)?;
                if !(0.0..=1.0).contains(&rate) {
                    return Err(ArgsError::RateOutOfRange(rate));
                }
                options.fault_rate = Some(rate);
            }
            "--seed" => options.seed = value("--seed")?.parse().map_err(bad_integer("--seed"))?,
            "--app-token" => options.app_token = Some(value("--app-token")?),
            "--no-stdin" => options.watch_stdin = false,
            "-h" | "--help" => return Err(ArgsError::Help),
            other => return Err(ArgsError::UnknownFlag(other.to_owned())),
        }
    }
    Ok(options)
}

fn main() -> ExitCode {
    let options = match parse_args(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(ArgsError::Help) => {
            eprintln!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(error) => {
            eprintln!("glpi-double: {error}");
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let config = DoubleConfig {
        app_token: options.app_token.clone(),
        ..DoubleConfig::of(if options.glpi11 {
            GlpiVersion::V11
        } else {
            GlpiVersion::V10
        })
    };
    let double =
        match GlpiDouble::start_on(config, SocketAddr::from(([127, 0, 0, 1], options.port))) {
            Ok(double) => double,
            Err(error) => {
                eprintln!("glpi-double: cannot start: {error}");
                return ExitCode::FAILURE;
            }
        };
    double.set_categories_open(options.categories_open);
    double.enable_surveys(options.surveys);
    if let Some(rate) = options.fault_rate {
        double.set_random_faults(Some(RandomFaults {
            rate,
            kinds: vec![
                Fault::ServerError,
                Fault::Reset,
                Fault::Delay(Duration::from_secs(1)),
                Fault::ExpireSession,
            ],
            seed: options.seed,
            delay: Duration::ZERO,
        }));
    }

    let mut stdout = std::io::stdout();
    if writeln!(stdout, "GLPI_URL={}", double.base_url())
        .and_then(|()| stdout.flush())
        .is_err()
    {
        return ExitCode::FAILURE;
    }

    if options.watch_stdin {
        // Serve until stdin reaches end of file (the parent closed it or exited).
        let mut sink = [0_u8; 1024];
        let mut stdin = std::io::stdin();
        while matches!(stdin.read(&mut sink), Ok(n) if n > 0) {}
    } else {
        // SIGTERM's default action ends the process.
        loop {
            std::thread::park();
        }
    }
    double.shutdown();
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Options, ArgsError> {
        parse_args(args.iter().map(|s| (*s).to_owned()))
    }

    #[test]
    fn parses_flags() {
        let options = parse(&[
            "--port",
            "8080",
            "--categories-open",
            "--fault-rate",
            "0.1",
            "--seed",
            "7",
        ])
        .unwrap_or_default();
        assert_eq!(options.port, 8080);
        assert!(options.categories_open);
        assert_eq!(options.fault_rate, Some(0.1));
        assert_eq!(options.seed, 7);
        assert!(options.watch_stdin);
        assert!(parse(&["--fault-rate", "2"]).is_err());
        assert!(parse(&["--bogus"]).is_err());
    }
}
