//! How the host reaches the network: through an HTTP proxy or not, and
//! which certificate authorities it trusts. Enterprise networks reach LINE
//! through a proxy (often one that inspects TLS with its own CA); this is
//! where the host learns of it, from `HTTPS_PROXY` / `HTTP_PROXY` /
//! `ALL_PROXY` / `NO_PROXY` (curl's rules, read by hyper-util's matcher),
//! `--proxy URL`, `SSL_CERT_FILE` and `--ca-file`.
//!
//! An `https://` destination is reached through an HTTP `CONNECT` tunnel, so
//! TLS runs end to end with the destination (verified against webpki's
//! roots and the added ones); a plain `http://` one (loopback only, the
//! sandbox's rule) gets its request in absolute form. The proxy's
//! credentials (`http://user:password@proxy:3128`) go only into the
//! `Proxy-Authorization` header sent to the proxy, never into an error, a
//! log or a `Debug`. The allow-list applies to the destination, before any
//! of this ([`Sandbox`](crate::Sandbox)); the proxy needs no entry in it.
//!
//! TLS verification cannot be switched off: a TLS-inspecting proxy's CA is
//! added to the roots instead (`--ca-file`), so the connector still refuses
//! anyone else who answers for LINE.

use anyhow::{Context, Result, bail};
pub use hyper_util::client::proxy::matcher::Intercept;
use hyper_util::client::proxy::matcher::Matcher;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use wasmtime_wasi_http::Error;

/// The environment variables a proxy comes from (curl's, as hyper-util's
/// matcher reads them).
pub const PROXY_VARIABLES: [&str; 8] = [
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
];

/// The most a proxy's answer to `CONNECT` may hold before its blank line.
const MAX_CONNECT_ANSWER: usize = 16 * 1024;

/// A proxy, if any, and the TLS settings: what every outgoing connection of
/// a [`Connector`](crate::Connector) goes by.
#[derive(Clone)]
pub struct Network {
    proxy: Option<Arc<Matcher>>,
    roots: rustls::RootCertStore,
    tls: Arc<rustls::ClientConfig>,
    /// The forms the proxies' credentials may be echoed in (the component
    /// never sees them, so the host cleans them out of every outcome).
    secrets: Arc<Vec<String>>,
}

impl std::fmt::Debug for Network {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The matcher's Debug shows proxy URLs without their credentials.
        f.debug_struct("Network")
            .field("proxy", &self.proxy)
            .field("roots", &self.roots.len())
            .finish()
    }
}

impl Default for Network {
    /// No proxy; webpki's roots only.
    fn default() -> Self {
        let roots = rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.into(),
        };
        Network {
            proxy: None,
            tls: client_config(&roots),
            roots,
            secrets: Arc::default(),
        }
    }
}

impl Network {
    /// What the environment says: the proxy variables curl reads
    /// (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`, upper or
    /// lower case) and `SSL_CERT_FILE`'s roots added to webpki's.
    pub fn from_env() -> Result<Self> {
        let mut secrets = Vec::new();
        for name in &PROXY_VARIABLES[..6] {
            if let Some(url) = std::env::var(name).ok().filter(|u| !u.trim().is_empty()) {
                check_proxy_url(&url).with_context(|| format!("${name}"))?;
                secrets.extend(credential_forms(&url));
            }
        }
        let mut network = Network {
            proxy: Some(Arc::new(Matcher::from_env())),
            secrets: Arc::new(secrets),
            ..Network::default()
        };
        if let Some(file) = std::env::var_os("SSL_CERT_FILE").filter(|f| !f.is_empty()) {
            network = network
                .ca_file(std::path::Path::new(&file))
                .context("SSL_CERT_FILE")?;
        }
        Ok(network)
    }

    /// The same, sending every destination through the proxy at `url`
    /// (`http://[user:password@]host:port`) but those `NO_PROXY` names. An
    /// error never quotes the URL (it may hold a password).
    pub fn proxy(mut self, url: &str) -> Result<Self> {
        check_proxy_url(url)?;
        let no = ["NO_PROXY", "no_proxy"]
            .iter()
            .find_map(|name| std::env::var(name).ok())
            .unwrap_or_default();
        self.proxy = Some(Arc::new(Matcher::builder().all(url).no(no).build()));
        let mut secrets = (*self.secrets).clone();
        secrets.extend(credential_forms(url));
        self.secrets = Arc::new(secrets);
        Ok(self)
    }

    /// The same, trusting the certificates in the PEM file at `path` as
    /// well (a TLS-inspecting proxy's CA).
    pub fn ca_file(mut self, path: &std::path::Path) -> Result<Self> {
        let pem = crate::files::read(path, crate::files::MAX_CA_BYTES, "the CA file")?;
        let roots = CertificateDer::pem_slice_iter(&pem)
            .collect::<Result<Vec<_>, _>>()
            .with_context(|| format!("{}: not PEM certificates", path.display()))?;
        if roots.is_empty() {
            bail!("{}: holds no PEM certificate", path.display());
        }
        // A system bundle (SSL_CERT_FILE) may hold a certificate webpki
        // cannot take as a root; it is passed over, as OpenSSL-based tools
        // do, but a file none of whose certificates can be a root is refused.
        let (usable, _) = self.roots.add_parsable_certificates(roots);
        if usable == 0 {
            bail!("{}: none of its certificates can be a root", path.display());
        }
        self.tls = client_config(&self.roots);
        Ok(self)
    }

    /// The proxy for `destination`, if one applies.
    pub fn proxy_for(&self, destination: &http::Uri) -> Option<Intercept> {
        self.proxy.as_ref()?.intercept(destination)
    }

    /// Replaces every form of the proxies' credentials in `value`'s strings
    /// with `[redacted]` (a proxy that echoes `Proxy-Authorization` into
    /// an answer cannot get them printed); whether any was found.
    pub fn clean(&self, value: &mut serde_json::Value) -> bool {
        use serde_json::Value;
        if self.secrets.is_empty() {
            return false;
        }
        match value {
            Value::String(text) => {
                let mut found = false;
                for form in self.secrets.iter() {
                    if text.contains(form.as_str()) {
                        *text = text.replace(form.as_str(), "[redacted]");
                        found = true;
                    }
                }
                found
            }
            Value::Array(items) => items.iter_mut().fold(false, |f, v| self.clean(v) | f),
            Value::Object(map) => map.values_mut().fold(false, |f, v| self.clean(v) | f),
            _ => false,
        }
    }

    /// The TLS client settings (webpki's roots and the added ones).
    pub fn tls(&self) -> Arc<rustls::ClientConfig> {
        self.tls.clone()
    }
}

/// The shortest form of a credential that is replaced (as in the component).
const MIN_SECRET_LEN: usize = 8;

/// The forms a proxy URL's credentials may be echoed in: `user:password`
/// and the password, as written and percent-decoded, each in every form
/// the component knows (base64, as in `Proxy-Authorization`, included).
fn credential_forms(url: &str) -> Vec<String> {
    let Some(userinfo) = userinfo(url) else {
        return Vec::new();
    };
    let decode = |text: &str| String::from_utf8_lossy(&percent_decode(text)).into_owned();
    let password = userinfo.split_once(':').map_or("", |(_, p)| p);
    let mut forms: Vec<String> = [userinfo, password]
        .into_iter()
        .flat_map(|text| [text.to_owned(), decode(text)])
        .flat_map(|text| crate::forms::forms_of(&text))
        .filter(|form| form.len() >= MIN_SECRET_LEN)
        .collect();
    forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
    forms.dedup();
    forms
}

/// The `user:password` of a URL, as written (percent-encoded), if any.
fn userinfo(url: &str) -> Option<&str> {
    let rest = url
        .trim()
        .split_once("://")
        .map_or(url.trim(), |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    authority.rsplit_once('@').map(|(userinfo, _)| userinfo)
}

/// `%XX` escapes decoded (anything else left as it is): a URL's
/// credentials as they are sent.
pub fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    out
}

/// An HTTP proxy's URL as the matcher reads it (`http://` or no scheme, a
/// host, no path; a `@` or a second `:` in the credentials percent-encoded,
/// as curl requires, never cut silently). The error never quotes it: it may
/// hold a password.
fn check_proxy_url(url: &str) -> Result<()> {
    if let Some(userinfo) = userinfo(url)
        && (userinfo.contains('@') || userinfo.matches(':').count() > 1)
    {
        bail!(
            "the proxy URL's user or password holds a raw `@` or `:`: percent-encode it (`%40`, `%3A`)"
        );
    }
    let uri: http::Uri = url
        .trim()
        .parse()
        .ok()
        .filter(|u: &http::Uri| u.host().is_some_and(|h| !h.is_empty()))
        .context("the proxy is not a URL with a host, e.g. http://proxy.example:3128")?;
    if uri.scheme_str().is_some_and(|s| s != "http") {
        bail!("the proxy must be an http:// URL (the tunnel through it carries TLS of its own)");
    }
    if uri.path_and_query().is_some_and(|p| p.as_str() != "/") {
        bail!("the proxy URL takes no path or query");
    }
    Ok(())
}

/// A TLS client config trusting `roots`.
fn client_config(roots: &rustls::RootCertStore) -> Arc<rustls::ClientConfig> {
    let config = rustls::ClientConfig::builder()
        .with_root_certificates(roots.clone())
        .with_no_client_auth();
    Arc::new(config)
}

/// A TCP connection to `destination` (`host:port`) through `proxy`: the
/// proxy's `CONNECT` answered with 2xx, nothing read past its head. A proxy
/// that cannot be reached is a connect error; one that refuses the tunnel
/// (407, 403, 502, ...) is `DestinationUnavailable` (nothing reached LINE).
pub async fn tunnel(proxy: &Intercept, destination: &str) -> Result<TcpStream, Error> {
    let address = authority_of(proxy.uri())?;
    let mut stream = TcpStream::connect(&address).await.map_err(Error::Connect)?;
    let _ = stream.set_nodelay(true);
    let mut head = format!("CONNECT {destination} HTTP/1.1\r\nHost: {destination}\r\n");
    if let Some(auth) = proxy.basic_auth().and_then(|v| v.to_str().ok()) {
        head.push_str(&format!("Proxy-Authorization: {auth}\r\n"));
    }
    head.push_str("\r\n");
    stream
        .write_all(head.as_bytes())
        .await
        .map_err(Error::Connect)?;
    let mut answer = Vec::with_capacity(256);
    let mut chunk = [0u8; 1024];
    let status = loop {
        let n = stream.read(&mut chunk).await.map_err(Error::Connect)?;
        if n == 0 {
            return Err(Error::ConnectionTerminated);
        }
        answer.extend_from_slice(&chunk[..n]);
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut parsed = httparse::Response::new(&mut headers);
        match parsed.parse(&answer) {
            Ok(httparse::Status::Complete(len)) if len == answer.len() => {
                break parsed.code.unwrap_or(0);
            }
            // A proxy does not speak past its answer before the client does.
            Ok(httparse::Status::Complete(_)) | Err(_) => return Err(Error::HttpProtocolError),
            Ok(httparse::Status::Partial) if answer.len() > MAX_CONNECT_ANSWER => {
                return Err(Error::HttpResponseHeaderSectionSize(None));
            }
            Ok(httparse::Status::Partial) => {}
        }
    };
    match status {
        200..=299 => Ok(stream),
        _ => Err(Error::DestinationUnavailable),
    }
}

/// A plain TCP connection to the proxy itself (for an `http://` destination,
/// whose requests then go in absolute form).
pub async fn to_proxy(proxy: &Intercept) -> Result<TcpStream, Error> {
    let stream = TcpStream::connect(authority_of(proxy.uri())?)
        .await
        .map_err(Error::Connect)?;
    let _ = stream.set_nodelay(true);
    Ok(stream)
}

/// `host:port` of a proxy URL (port 80 when it names none).
fn authority_of(uri: &http::Uri) -> Result<String, Error> {
    let host = uri.host().ok_or(Error::HttpRequestUriInvalid)?;
    Ok(format!("{host}:{}", uri.port_u16().unwrap_or(80)))
}
