//! Where `--forward` sends events: the URL checked at start (a URL the
//! intake cannot use is refused before it listens), its credentials taken
//! out of it and sent only as a `Basic` `Authorization` header, an extra
//! header whose value comes from the environment, and an HMAC of each body
//! under a forward secret, so the platform can tell the intake sent it.
//!
//! Plain `http://` only to a loopback address (user messages and reply
//! tokens do not cross a network in clear); `https://` with the host's CA
//! options and proxy rules (the connector's own [`Pool`]). The one
//! destination the forwarder ever connects to is the target's host: the
//! allow-list of the forwarding side.

use anyhow::{Context, Result, bail};
use base64::Engine as _;
use bytes::Bytes;
use hmac::{Hmac, Mac};
use http::{HeaderName, HeaderValue};

/// The header carrying the forwarded body's signature (base64 of its
/// HMAC-SHA256 under the forward secret), as LINE signs its own posts.
pub const SIGNATURE_HEADER: &str = "x-line-connector-signature";

/// The header carrying the event's `webhookEventId`, so the platform can
/// drop a repeat (delivery is at least once).
pub const IDEMPOTENCY_HEADER: &str = "idempotency-key";

/// A forward target, ready to send to.
#[derive(Clone)]
pub struct Target {
    uri: http::Uri,
    host: HeaderValue,
    basic: Option<HeaderValue>,
    header: Option<(HeaderName, HeaderValue)>,
    signing: Option<Vec<u8>>,
    shown: String,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Target({})", self.shown)
    }
}

impl Target {
    /// The target at `url`, with an extra header `NAME=ENV` (its value from
    /// the environment variable `ENV`) and the forward secret from the
    /// environment variable `secret_env`, if given. Errors never quote the
    /// URL's credentials or the environment's values.
    pub fn parse(url: &str, header: Option<&str>, secret_env: Option<&str>) -> Result<Self> {
        let (uri, userinfo) = split_userinfo(url.trim())?;
        let scheme = uri.scheme_str().unwrap_or_default();
        let host = uri.host().unwrap_or_default();
        if host.is_empty() || !matches!(scheme, "http" | "https") {
            bail!("--forward: not an http:// or https:// URL with a host");
        }
        if scheme == "http" && !is_loopback(host) {
            bail!(
                "--forward: plain http:// only to a loopback address; events carry users' messages and reply tokens: use https://"
            );
        }
        let authority = uri.authority().context("--forward: no host")?.as_str();
        let basic = userinfo.map(|userinfo| {
            let decoded = line_connector_host::network::percent_decode(&userinfo);
            let value = format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(decoded)
            );
            let mut value = HeaderValue::try_from(value).expect("base64 is a header value");
            value.set_sensitive(true);
            value
        });
        let shown = format!("{scheme}://{authority}{}", uri.path());
        Ok(Target {
            host: HeaderValue::try_from(authority).context("--forward: the host")?,
            basic,
            header: header.map(extra_header).transpose()?,
            signing: secret_env.map(forward_secret).transpose()?,
            uri,
            shown,
        })
    }

    /// The URL without credentials or query, for messages.
    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// The POST of one event (`body`, JSON) with its id as the idempotency key.
    pub fn request(&self, event_id: &str, body: Bytes) -> http::Request<Bytes> {
        let mut request = http::Request::post(self.uri.clone())
            .header(http::header::HOST, self.host.clone())
            .header(http::header::CONTENT_TYPE, "application/json")
            .body(Bytes::new())
            .expect("a valid request");
        let headers = request.headers_mut();
        if let Ok(id) = HeaderValue::try_from(event_id)
            && !event_id.is_empty()
        {
            headers.insert(IDEMPOTENCY_HEADER, id);
        }
        if let Some(basic) = &self.basic {
            headers.insert(http::header::AUTHORIZATION, basic.clone());
        }
        if let Some((name, value)) = &self.header {
            headers.insert(name.clone(), value.clone());
        }
        if let Some(key) = &self.signing {
            let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key).expect("any key length");
            mac.update(&body);
            let tag = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
            headers.insert(
                SIGNATURE_HEADER,
                HeaderValue::try_from(tag).expect("base64"),
            );
        }
        *request.body_mut() = body;
        request
    }
}

/// The URL without its userinfo, and the userinfo (`user:password`).
fn split_userinfo(url: &str) -> Result<(http::Uri, Option<String>)> {
    let refused = || anyhow::anyhow!("--forward: not a URL (e.g. https://platform.example/line)");
    let (scheme, rest) = url.split_once("://").ok_or_else(refused)?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let (userinfo, host) = match authority.rsplit_once('@') {
        Some((userinfo, host)) => (Some(userinfo.to_owned()), host),
        None => (None, authority),
    };
    if tail.contains('#') {
        bail!("--forward: a URL with a #fragment (never sent) is refused");
    }
    let uri: http::Uri = format!("{scheme}://{host}{tail}")
        .parse()
        .map_err(|_| refused())?;
    Ok((uri, userinfo))
}

/// `NAME=ENV`: the header `NAME` with the environment variable `ENV`'s value.
fn extra_header(spec: &str) -> Result<(HeaderName, HeaderValue)> {
    let (name, env) = spec
        .split_once('=')
        .context("--forward-header takes NAME=ENV (the value from the environment variable ENV)")?;
    let name = HeaderName::try_from(name.trim()).context("--forward-header: not a header name")?;
    let value = std::env::var(env.trim())
        .ok()
        .filter(|v| !v.is_empty())
        .with_context(|| format!("--forward-header: ${} is not set", env.trim()))?;
    let mut value = HeaderValue::try_from(value)
        .with_context(|| format!("--forward-header: ${} is not a header value", env.trim()))?;
    value.set_sensitive(true);
    Ok((name, value))
}

/// The forward secret from the environment variable `env`.
fn forward_secret(env: &str) -> Result<Vec<u8>> {
    std::env::var(env)
        .ok()
        .filter(|v| !v.is_empty())
        .map(String::into_bytes)
        .with_context(|| format!("--forward-secret-env: ${env} is not set"))
}

/// `localhost`, or a loopback IP address (IPv6 in brackets or not).
fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_leave_the_url_and_go_into_basic() {
        let target = Target::parse(
            "https://bot:p%40ss@platform.example:8443/in?x=1",
            None,
            None,
        )
        .unwrap();
        assert_eq!(target.shown(), "https://platform.example:8443/in");
        let request = target.request("ev-1", Bytes::from_static(b"{}"));
        assert_eq!(
            request.uri().to_string(),
            "https://platform.example:8443/in?x=1"
        );
        assert_eq!(request.headers()["host"], "platform.example:8443");
        assert_eq!(request.headers()["authorization"], "Basic Ym90OnBAc3M=");
        assert_eq!(request.headers()[IDEMPOTENCY_HEADER], "ev-1");
        assert!(!format!("{target:?}").contains("p%40ss"));
    }

    #[test]
    fn an_ipv6_literal_and_loopback_http_are_taken() {
        let target = Target::parse("http://[::1]:8080/line", None, None).unwrap();
        assert_eq!(
            target.request("", Bytes::new()).headers()["host"],
            "[::1]:8080"
        );
    }

    #[test]
    fn unusable_urls_are_refused_without_quoting_credentials() {
        for url in [
            "not a url",
            "ftp://platform.example/",
            "http://platform.example/line",
            "https:///nohost",
            "https://platform.example/#frag",
        ] {
            assert!(Target::parse(url, None, None).is_err(), "{url}");
        }
        let error = Target::parse("http://user:hunter2@platform.example/", None, None).unwrap_err();
        assert!(!format!("{error:#}").contains("hunter2"));
    }
}
