//! Where the store is: an SQLite file (a path, or `sqlite:PATH`) or a
//! PostgreSQL database (`postgres://` or `postgresql://`, its password in
//! the URL or in `PGPASSWORD`). Shown anywhere with the password blanked.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// A store's location, as given to `--store` or a host's settings.
#[derive(Clone, PartialEq, Eq)]
pub enum Location {
    /// An SQLite file (created if missing).
    Sqlite(PathBuf),
    /// A PostgreSQL database, by its URL (the password, if any, in it).
    Postgres(url::Url),
}

/// Why a `--store` value is not a location.
#[derive(Debug, PartialEq, Eq)]
pub struct Unusable(String);

impl fmt::Display for Unusable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Unusable {}

impl FromStr for Location {
    type Err = Unusable;

    /// `postgres://…` or `postgresql://…` is PostgreSQL, `sqlite:PATH` or
    /// anything else a file's path.
    fn from_str(given: &str) -> Result<Self, Unusable> {
        if given.starts_with("postgres://") || given.starts_with("postgresql://") {
            let url = url::Url::parse(given).map_err(|error| {
                // The URL itself may hold a password: not repeated.
                Unusable(format!("the PostgreSQL URL does not parse: {error}"))
            })?;
            if url.host_str().is_none_or(str::is_empty) {
                return Err(Unusable("the PostgreSQL URL names no host".into()));
            }
            return Ok(Location::Postgres(url));
        }
        let path = given.strip_prefix("sqlite:").unwrap_or(given);
        if path.is_empty() {
            return Err(Unusable("the store's file name is empty".into()));
        }
        Ok(Location::Sqlite(PathBuf::from(path)))
    }
}

impl<'de> serde::Deserialize<'de> for Location {
    /// From its text, as `--store` takes it.
    fn deserialize<D: serde::Deserializer<'de>>(from: D) -> Result<Self, D::Error> {
        let text = String::deserialize(from)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl From<&Path> for Location {
    fn from(path: &Path) -> Self {
        Location::Sqlite(path.to_owned())
    }
}

impl From<PathBuf> for Location {
    fn from(path: PathBuf) -> Self {
        Location::Sqlite(path)
    }
}

impl fmt::Display for Location {
    /// The file's path, or the URL with its password (if any) as `***`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Sqlite(path) => write!(f, "{}", path.display()),
            Location::Postgres(url) => {
                let mut shown = url.clone();
                if shown.password().is_some() {
                    let _ = shown.set_password(Some("***"));
                }
                // Query parameters may carry one too (`?password=`).
                if shown.query().is_some_and(|q| q.contains("password")) {
                    shown.set_query(Some("***"));
                }
                write!(f, "{shown}")
            }
        }
    }
}

impl fmt::Debug for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Location({self})")
    }
}

impl Location {
    /// The URL sqlx's `Any` driver opens: the SQLite file's path
    /// percent-encoded (created if missing), or the PostgreSQL URL.
    pub(crate) fn url(&self) -> anyhow::Result<String> {
        match self {
            Location::Sqlite(path) => {
                let text = path.to_str().ok_or_else(|| {
                    anyhow::anyhow!("the store's path {} is not UTF-8", path.display())
                })?;
                let encoded = percent_encoding::utf8_percent_encode(text, FILE_NAME);
                Ok(format!("sqlite://{encoded}?mode=rwc"))
            }
            Location::Postgres(url) => Ok(url.to_string()),
        }
    }
}

/// What a file name may not hold literally in an SQLite URL.
const FILE_NAME: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b'%')
    .add(b'?')
    .add(b'#')
    .add(b' ');

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_or_sqlite_url_is_a_file_and_postgres_a_database() {
        assert_eq!(
            "events.db".parse::<Location>().unwrap(),
            Location::Sqlite("events.db".into())
        );
        assert_eq!(
            "sqlite:/var/lib/x.db".parse::<Location>().unwrap(),
            Location::Sqlite("/var/lib/x.db".into())
        );
        assert!(matches!(
            "postgres://u@db.example:5432/line".parse::<Location>(),
            Ok(Location::Postgres(_))
        ));
        assert!("postgresql:///line".parse::<Location>().is_err());
        assert!("sqlite:".parse::<Location>().is_err());
    }

    #[test]
    fn a_password_is_never_shown() {
        for given in [
            "postgres://line:s3cret-pw@127.0.0.1:5432/line",
            "postgres://line@127.0.0.1/line?password=s3cret-pw",
        ] {
            let shown = given.parse::<Location>().unwrap().to_string();
            assert!(!shown.contains("s3cret-pw"), "{shown}");
            assert!(shown.contains("127.0.0.1"), "{shown}");
            let debug = format!("{:?}", given.parse::<Location>().unwrap());
            assert!(!debug.contains("s3cret-pw"), "{debug}");
        }
        let bad = "postgres://line:s3cret-pw@[::1/line".parse::<Location>();
        assert!(!bad.unwrap_err().to_string().contains("s3cret-pw"));
    }

    #[test]
    fn a_file_name_with_url_characters_stays_one_name() {
        let url = Location::Sqlite("/tmp/a b?c#d%e.db".into()).url().unwrap();
        assert_eq!(url, "sqlite:///tmp/a%20b%3Fc%23d%25e.db?mode=rwc");
    }
}
