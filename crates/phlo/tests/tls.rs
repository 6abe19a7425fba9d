//! TLS and proxies, over real sockets on 127.0.0.1 only.
//!
//! Certificates are made at test time with `rcgen`; the TLS server is `rustls` on a plain thread,
//! answering every request with a PHLO. Certificate verification is on by default: a server whose
//! certificate does not chain to a trusted root (or does not name the host) is a `connection`
//! error naming the certificate, and nothing reaches it; supplying the CA with
//! `Config::builder().add_ca_cert_pem` makes the same request succeed. `Config::proxy` sends
//! requests through an HTTP proxy: a `CONNECT` tunnel for `https://` (a tiny proxy written here,
//! which sees only ciphertext) and absolute-form requests for `http://` (the simulator serves
//! those, so it stands in for a forward proxy).

mod common;
use common::*;

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use plivo_phlo::{Client, Config, ErrorKind, RetryPolicy};
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

const TOKEN: &str = "tls-test-token-5e6f7a8b";

/// A server identity: the certificate chain and key it presents, and the PEM a client must trust.
struct Identity {
    chain: Vec<CertificateDer<'static>>,
    key: Vec<u8>,
    trust_pem: String,
}

/// A CA and a leaf certificate it signed for `names` (an IP address becomes an IP SAN).
fn ca_and_leaf(names: &[&str]) -> Identity {
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "phlo test CA (made at test time)");
    let ca = CertifiedIssuer::self_signed(ca, KeyPair::generate().unwrap()).unwrap();
    let leaf_key = KeyPair::generate().unwrap();
    let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    let leaf = CertificateParams::new(names)
        .unwrap()
        .signed_by(&leaf_key, &*ca)
        .unwrap();
    Identity {
        chain: vec![leaf.der().clone(), ca.der().clone()],
        key: leaf_key.serialize_der(),
        trust_pem: ca.pem(),
    }
}

/// A self-signed certificate for 127.0.0.1: it is its own CA.
fn self_signed() -> Identity {
    let key = KeyPair::generate().unwrap();
    let cert = CertificateParams::new(vec!["127.0.0.1".to_owned()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    Identity {
        chain: vec![cert.der().clone()],
        key: key.serialize_der(),
        trust_pem: cert.pem(),
    }
}

/// A TLS server on 127.0.0.1 that answers every request `200` with a PHLO, one request per
/// connection. Records the request heads it read and the handshakes that failed.
struct TlsServer {
    port: u16,
    heads: Arc<Mutex<Vec<String>>>,
    failures: Arc<Mutex<Vec<String>>>,
}

impl TlsServer {
    fn start(id: &Identity) -> TlsServer {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(
                id.chain.clone(),
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(id.key.clone())),
            )
            .unwrap();
        let config = Arc::new(config);
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let heads = Arc::new(Mutex::new(Vec::new()));
        let failures = Arc::new(Mutex::new(Vec::new()));
        let (h, f) = (heads.clone(), failures.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (config, h, f) = (config.clone(), h.clone(), f.clone());
                std::thread::spawn(move || {
                    if let Err(e) = serve_tls(config, stream, &h) {
                        f.lock().unwrap().push(e.to_string());
                    }
                });
            }
        });
        TlsServer {
            port,
            heads,
            failures,
        }
    }

    fn url(&self) -> String {
        format!("https://127.0.0.1:{}", self.port)
    }

    fn heads(&self) -> Vec<String> {
        self.heads.lock().unwrap().clone()
    }

    fn failures(&self) -> Vec<String> {
        self.failures.lock().unwrap().clone()
    }
}

fn serve_tls(
    config: Arc<rustls::ServerConfig>,
    tcp: TcpStream,
    heads: &Mutex<Vec<String>>,
) -> std::io::Result<()> {
    tcp.set_read_timeout(Some(Duration::from_secs(5)))?;
    let conn = rustls::ServerConnection::new(config).map_err(std::io::Error::other)?;
    let mut tls = rustls::StreamOwned::new(conn, tcp);
    let head = read_head(&mut tls)?;
    heads.lock().unwrap().push(head);
    let body = format!(
        r#"{{"api_id":"d4a1c2b3-5e6f-4a7b-8c9d-0e1f2a3b4c5e","phlo_id":"{P}","name":"over tls","created_on":"2024-05-14 09:31:07.114209+00:00"}}"#
    );
    write!(
        tls,
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    tls.flush()?;
    tls.conn.send_close_notify();
    tls.flush()
}

/// Reads up to the end of an HTTP head (a GET carries no body).
fn read_head(s: &mut impl Read) -> std::io::Result<String> {
    let mut data = Vec::new();
    let mut buf = [0u8; 1024];
    while !data.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = s.read(&mut buf)?;
        if n == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "closed before the end of the head",
            ));
        }
        data.extend_from_slice(&buf[..n]);
    }
    Ok(String::from_utf8_lossy(&data).into_owned())
}

/// An HTTP `CONNECT` proxy on 127.0.0.1 that tunnels to 127.0.0.1 only. Records each `CONNECT`
/// line and every byte it relayed from the client after the tunnel opened.
struct ConnectProxy {
    port: u16,
    connects: Arc<Mutex<Vec<String>>>,
    relayed: Arc<Mutex<Vec<u8>>>,
}

impl ConnectProxy {
    fn start() -> ConnectProxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let connects = Arc::new(Mutex::new(Vec::new()));
        let relayed = Arc::new(Mutex::new(Vec::new()));
        let (c, r) = (connects.clone(), relayed.clone());
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let (c, r) = (c.clone(), r.clone());
                std::thread::spawn(move || tunnel(client, &c, &r));
            }
        });
        ConnectProxy {
            port,
            connects,
            relayed,
        }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

fn tunnel(mut client: TcpStream, connects: &Mutex<Vec<String>>, relayed: &Mutex<Vec<u8>>) {
    let Ok(head) = read_head(&mut client) else {
        return;
    };
    let line = head.lines().next().unwrap_or_default().to_owned();
    connects.lock().unwrap().push(line.clone());
    let target = match line.split(' ').collect::<Vec<_>>()[..] {
        ["CONNECT", t, _] if t.starts_with("127.0.0.1:") => t.to_owned(),
        _ => {
            let _ = client.write_all(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
            return;
        }
    };
    let Ok(server) = TcpStream::connect(&target) else {
        let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
        return;
    };
    let _ = client.write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n");
    let (mut c_read, mut s_write) = (client.try_clone().unwrap(), server.try_clone().unwrap());
    let (mut s_read, mut c_write) = (server, client);
    let back = std::thread::spawn(move || {
        let _ = std::io::copy(&mut s_read, &mut c_write);
        let _ = c_write.shutdown(Shutdown::Write);
    });
    let mut buf = [0u8; 4096];
    while let Ok(n) = c_read.read(&mut buf) {
        if n == 0 || s_write.write_all(&buf[..n]).is_err() {
            break;
        }
        relayed.lock().unwrap().extend_from_slice(&buf[..n]);
    }
    let _ = s_write.shutdown(Shutdown::Write);
    let _ = back.join();
}

fn config(base_url: &str) -> plivo_phlo::ConfigBuilder {
    Config::builder()
        .auth_id(phlo_sim::DEFAULT_AUTH_ID)
        .auth_token(TOKEN)
        .base_url(base_url)
        .retry(RetryPolicy::none())
        .timeout(Duration::from_secs(10))
}

fn client(b: plivo_phlo::ConfigBuilder) -> Client {
    Client::new(b.build().unwrap()).unwrap()
}

/// Waits briefly for a server thread to record what happened on a connection.
fn eventually<T>(mut f: impl FnMut() -> Option<T>) -> Option<T> {
    for _ in 0..200 {
        if let Some(v) = f() {
            return Some(v);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    None
}

#[test]
fn a_self_signed_certificate_fails_unless_its_ca_is_supplied() {
    let id = self_signed();
    let server = TlsServer::start(&id);

    // Verification is on by default: the read and the action both fail before any byte of the
    // request is sent.
    let untrusting = client(config(&server.url()));
    let e = untrusting.get_phlo(P).unwrap_err();
    assert_eq!((e.kind(), e.status()), (ErrorKind::Connection, None), "{e}");
    assert!(
        e.message().to_lowercase().contains("certificate"),
        "the message names the certificate: {e}"
    );
    let e = untrusting
        .mpc_cold_transfer(P, N, AGENT, NEW_AGENT, None)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Connection, "{e}");
    assert!(e.message().to_lowercase().contains("certificate"), "{e}");
    assert!(
        eventually(|| (server.failures().len() >= 2).then_some(())).is_some(),
        "the server saw both handshakes fail: {:?}",
        server.failures()
    );
    assert!(server.heads().is_empty(), "no request reached the server");

    // The same server, its certificate trusted.
    let trusting = client(config(&server.url()).add_ca_cert_pem(id.trust_pem.clone()));
    let phlo = trusting.get_phlo(P).unwrap();
    assert_eq!((phlo.phlo_id.as_str(), phlo.name.as_str()), (P, "over tls"));
    let heads = server.heads();
    assert_eq!(heads.len(), 1, "{heads:?}");
    assert!(heads[0].starts_with(&format!("GET /v1/phlo/{P} HTTP/1.1\r\n")));
    assert!(heads[0].to_lowercase().contains("authorization: basic "));
}

#[test]
fn a_private_ca_is_trusted_only_when_supplied() {
    let id = ca_and_leaf(&["127.0.0.1"]);
    let server = TlsServer::start(&id);
    let e = client(config(&server.url())).get_phlo(P).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Connection, "{e}");
    assert!(e.message().to_lowercase().contains("certificate"), "{e}");
    // Another CA does not help.
    let other = ca_and_leaf(&["127.0.0.1"]);
    let e = client(config(&server.url()).add_ca_cert_pem(other.trust_pem))
        .get_phlo(P)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Connection, "{e}");
    // Its own CA does, given alone or in a bundle with others.
    let bundle = format!("{}{}", ca_and_leaf(&["x"]).trust_pem, id.trust_pem);
    let c = client(config(&server.url()).add_ca_cert_pem(bundle));
    assert_eq!(c.get_phlo(P).unwrap().phlo_id, P);
    assert_eq!(server.heads().len(), 1);
}

#[test]
fn a_certificate_for_another_name_fails_even_with_its_ca() {
    let id = ca_and_leaf(&["phlorunner.example.test"]);
    let server = TlsServer::start(&id);
    let e = client(config(&server.url()).add_ca_cert_pem(id.trust_pem.clone()))
        .get_phlo(P)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Connection, "{e}");
    assert!(e.message().to_lowercase().contains("certificate"), "{e}");
    assert!(server.heads().is_empty());
}

#[test]
fn https_goes_through_a_connect_proxy_end_to_end() {
    let id = ca_and_leaf(&["127.0.0.1"]);
    let server = TlsServer::start(&id);
    let proxy = ConnectProxy::start();
    let c = client(
        config(&server.url())
            .add_ca_cert_pem(id.trust_pem.clone())
            .proxy(proxy.url()),
    );
    assert_eq!(c.get_phlo(P).unwrap().name, "over tls");
    let connects = proxy.connects.lock().unwrap().clone();
    assert_eq!(
        connects,
        [format!("CONNECT 127.0.0.1:{} HTTP/1.1", server.port)],
        "one tunnel, to the configured host"
    );
    assert_eq!(
        server.heads().len(),
        1,
        "the request went through the tunnel"
    );
    // TLS is end to end: the proxy relayed only ciphertext.
    let relayed = proxy.relayed.lock().unwrap().clone();
    assert!(!relayed.is_empty());
    let text = String::from_utf8_lossy(&relayed).to_lowercase();
    for plain in ["authorization", "/v1/phlo", "basic ", "user-agent"] {
        assert!(!text.contains(plain), "the proxy saw {plain:?} in clear");
    }
    // Without the CA, the tunnel opens but the certificate is still refused.
    let e = client(config(&server.url()).proxy(proxy.url()))
        .get_phlo(P)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Connection, "{e}");
    assert!(e.message().to_lowercase().contains("certificate"), "{e}");
}

#[test]
fn http_goes_through_a_forward_proxy() {
    // The base URL points at a closed port: only the proxy can answer. The simulator serves
    // absolute-form requests like a forward proxy whose upstream is itself.
    let sim = phlo_sim::Simulator::start().unwrap();
    let target = format!("127.0.0.1:{}", closed_port());
    let c = Client::new(
        Config::builder()
            .auth_id(phlo_sim::DEFAULT_AUTH_ID)
            .auth_token(phlo_sim::DEFAULT_AUTH_TOKEN)
            .base_url(format!("http://{target}"))
            .proxy(sim.base_url())
            .retry(RetryPolicy::none())
            .build()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(c.get_phlo(P).unwrap().phlo_id, P);
    c.mpc_cold_transfer(P, N, AGENT, NEW_AGENT, None).unwrap();
    let reqs = requests(&sim);
    assert_eq!(reqs.len(), 2);
    for r in &reqs {
        assert_eq!(r["headers"]["host"], target.as_str(), "{r}");
    }
    assert_eq!(reqs[1]["method"], "POST");
    assert_eq!(
        member_state(&sim, N, NEW_AGENT).as_deref(),
        Some("connected")
    );
}

#[test]
fn an_unreachable_proxy_is_a_connection_error() {
    let sim = phlo_sim::Simulator::start().unwrap();
    let proxy = format!("http://127.0.0.1:{}", closed_port());
    let c = Client::new(
        Config::builder()
            .auth_id(phlo_sim::DEFAULT_AUTH_ID)
            .auth_token(phlo_sim::DEFAULT_AUTH_TOKEN)
            .base_url(sim.base_url())
            .proxy(proxy)
            .retry(fast_retry())
            .build()
            .unwrap(),
    )
    .unwrap();
    let e = c.get_phlo(P).unwrap_err();
    assert_eq!((e.kind(), e.status()), (ErrorKind::Connection, None), "{e}");
    assert!(e.message().starts_with("could not connect"), "{e}");
    // Nothing was sent anywhere, so even an action was safe to try again.
    let e = c
        .mpc_cold_transfer(P, N, AGENT, NEW_AGENT, None)
        .unwrap_err();
    assert_eq!((e.kind(), e.attempts()), (ErrorKind::Connection, 3), "{e}");
    assert_eq!(total(&sim), 0, "the proxy was not bypassed");
    // A proxy URL that is not one is refused when the client is built.
    let e = Client::new(
        Config::builder()
            .auth_id(phlo_sim::DEFAULT_AUTH_ID)
            .auth_token(phlo_sim::DEFAULT_AUTH_TOKEN)
            .base_url(sim.base_url())
            .proxy("::not a url::")
            .build()
            .unwrap(),
    )
    .unwrap_err();
    assert_eq!(
        (e.kind(), e.field()),
        (ErrorKind::InvalidArgument, Some("proxy"))
    );
}

#[test]
fn secrets_stay_out_of_tls_errors() {
    let id = self_signed();
    let server = TlsServer::start(&id);
    let e = client(config(&server.url())).get_phlo(P).unwrap_err();
    for shown in [format!("{e}"), format!("{e:?}"), e.to_json()] {
        assert!(!shown.contains(TOKEN), "{shown}");
    }
}

/// A self-signed certificate made the usual way (`openssl req -x509`): a CA certificate
/// (`CA:TRUE`) that the server presents as its own.
fn self_signed_ca(name: &str) -> Identity {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(vec![name.to_owned()]).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let cert = params.self_signed(&key).unwrap();
    Identity {
        chain: vec![cert.der().clone()],
        key: key.serialize_der(),
        trust_pem: cert.pem(),
    }
}

#[test]
fn a_self_signed_ca_certificate_is_trusted_when_given_and_says_what_to_do_when_not() {
    let id = self_signed_ca("127.0.0.1");
    let server = TlsServer::start(&id);
    let e = client(config(&server.url())).get_phlo(P).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Connection, "{e}");
    assert!(
        e.message().contains("ca_cert_pem"),
        "the message says what to do: {e}"
    );
    assert!(!e.message().contains("OtherError"), "{e}");
    // Given as ca_cert_pem, exactly that certificate is trusted as the server's own.
    let c = client(config(&server.url()).add_ca_cert_pem(id.trust_pem.clone()));
    assert_eq!(c.get_phlo(P).unwrap().name, "over tls");
    // Another self-signed CA certificate does not stand in for it.
    let other = self_signed_ca("127.0.0.1");
    let e = client(config(&server.url()).add_ca_cert_pem(other.trust_pem))
        .get_phlo(P)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Connection, "{e}");
    // The host name must still match.
    let misnamed = self_signed_ca("phlorunner.example.test");
    let server = TlsServer::start(&misnamed);
    let e = client(config(&server.url()).add_ca_cert_pem(misnamed.trust_pem.clone()))
        .get_phlo(P)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Connection, "{e}");
    assert!(server.heads().is_empty());
}

/// A proxy that answers everything `407 Proxy Authentication Required`.
fn auth_demanding_proxy() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for mut s in listener.incoming().flatten() {
            if read_head(&mut s).is_ok() {
                let _ = s.write_all(
                    b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"p\"\r\nContent-Length: 0\r\n\r\n",
                );
            }
        }
    });
    format!("http://127.0.0.1:{port}")
}

#[test]
fn a_proxy_asking_for_credentials_is_a_connection_error_that_says_so() {
    let proxy = auth_demanding_proxy();
    // Plain HTTP through the proxy (the proxy answers the request itself) and HTTPS (the proxy
    // refuses the tunnel): both say the proxy wants credentials.
    for base in ["http://127.0.0.1:9", "https://127.0.0.1:9"] {
        let c = client(config(base).proxy(proxy.clone()));
        for e in [
            c.get_phlo(P).unwrap_err(),
            c.mpc_cold_transfer(P, N, AGENT, NEW_AGENT, None)
                .unwrap_err(),
        ] {
            assert_eq!(e.kind(), ErrorKind::Connection, "{base}: {e}");
            assert!(e.message().contains("407"), "{base}: {e}");
            assert!(e.message().contains("proxy URL"), "{base}: {e}");
            assert!(!format!("{e:?}").contains(TOKEN));
        }
    }
}

/// A SOCKS5 proxy (no authentication, CONNECT only, to 127.0.0.1 only) that counts tunnels.
fn socks5_proxy() -> (String, Arc<Mutex<u32>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let tunnels = Arc::new(Mutex::new(0));
    let t = tunnels.clone();
    std::thread::spawn(move || {
        for mut client in listener.incoming().flatten() {
            let t = t.clone();
            std::thread::spawn(move || -> std::io::Result<()> {
                let mut hello = [0u8; 2];
                client.read_exact(&mut hello)?;
                let mut methods = vec![0u8; hello[1] as usize];
                client.read_exact(&mut methods)?;
                client.write_all(&[5, 0])?;
                let mut req = [0u8; 4];
                client.read_exact(&mut req)?;
                let target = match req[3] {
                    1 => {
                        let mut a = [0u8; 6];
                        client.read_exact(&mut a)?;
                        format!(
                            "{}.{}.{}.{}:{}",
                            a[0],
                            a[1],
                            a[2],
                            a[3],
                            u16::from_be_bytes([a[4], a[5]])
                        )
                    }
                    3 => {
                        let mut n = [0u8; 1];
                        client.read_exact(&mut n)?;
                        let mut host = vec![0u8; n[0] as usize + 2];
                        client.read_exact(&mut host)?;
                        let p = u16::from_be_bytes([host[host.len() - 2], host[host.len() - 1]]);
                        format!("{}:{p}", String::from_utf8_lossy(&host[..host.len() - 2]))
                    }
                    _ => return Ok(()),
                };
                let server = TcpStream::connect(target.replace("localhost", "127.0.0.1"))?;
                *t.lock().unwrap() += 1;
                client.write_all(&[5, 0, 0, 1, 127, 0, 0, 1, 0, 0])?;
                let (mut c_read, mut s_write) = (client.try_clone()?, server.try_clone()?);
                let (mut s_read, mut c_write) = (server, client);
                std::thread::spawn(move || std::io::copy(&mut s_read, &mut c_write));
                std::io::copy(&mut c_read, &mut s_write)?;
                Ok(())
            });
        }
    });
    (format!("socks5://127.0.0.1:{port}"), tunnels)
}

#[test]
fn a_socks5_proxy_is_used() {
    let sim = phlo_sim::Simulator::start().unwrap();
    let (proxy, tunnels) = socks5_proxy();
    let c = Client::new(
        Config::builder()
            .auth_id(phlo_sim::DEFAULT_AUTH_ID)
            .auth_token(phlo_sim::DEFAULT_AUTH_TOKEN)
            .base_url(sim.base_url())
            .proxy(proxy)
            .retry(RetryPolicy::none())
            .build()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(c.get_phlo(P).unwrap().phlo_id, P);
    c.mpc_cold_transfer(P, N, AGENT, NEW_AGENT, None).unwrap();
    assert!(
        *tunnels.lock().unwrap() >= 1,
        "the requests went through the proxy"
    );
    assert_eq!(total(&sim), 2);
}

/// The system's trust store is used: a CA installed there (here through `SSL_CERT_FILE`, which
/// OpenSSL-based tools read too) is trusted with no `ca_cert_pem`. The store is read once per
/// process, so the check runs in a child process (this test binary again).
#[test]
fn a_ca_in_the_system_store_is_trusted() {
    const CHILD: &str = "PHLO_TLS_SYSTEM_STORE_URL";
    if let Ok(url) = std::env::var(CHILD) {
        let c = client(config(&url));
        assert_eq!(c.get_phlo(P).unwrap().name, "over tls");
        return;
    }
    let id = ca_and_leaf(&["127.0.0.1"]);
    let server = TlsServer::start(&id);
    let dir = std::env::temp_dir().join(format!("phlo-tls-store-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bundle = dir.join("ca-certificates.crt");
    std::fs::write(&bundle, &id.trust_pem).unwrap();
    let run = |file: &std::path::Path| {
        std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "a_ca_in_the_system_store_is_trusted",
                "--test-threads=1",
            ])
            .env(CHILD, server.url())
            .env("SSL_CERT_FILE", file)
            .env_remove("SSL_CERT_DIR")
            .output()
            .unwrap()
    };
    let trusted = run(&bundle);
    assert!(
        trusted.status.success(),
        "{}",
        String::from_utf8_lossy(&trusted.stdout)
    );
    // The same server with a store that lacks the CA: refused.
    let other = dir.join("other.crt");
    std::fs::write(&other, ca_and_leaf(&["x"]).trust_pem).unwrap();
    assert!(!run(&other).status.success());
    std::fs::remove_dir_all(&dir).unwrap();
}
