//! The TLS configuration of a client: which servers it trusts, and what it says when it does not.
//!
//! Trust: the system's certificate store (read once per process, as OpenSSL-based clients do:
//! `SSL_CERT_FILE` / `SSL_CERT_DIR` or the distribution's bundle, so a company CA installed on the
//! machine is trusted), with the bundled Mozilla roots (`webpki-roots`) in its place where the
//! system has none (a minimal container); plus every certificate given as `ca_cert_pem`.
//!
//! A certificate given as `ca_cert_pem` is also trusted as the server's own certificate when the
//! server presents exactly it, even if it is a CA certificate (`openssl req -x509` makes one with
//! `CA:TRUE`, which strict verification refuses as a server certificate): the host name must
//! still match it and its dates must be valid. That is how `curl --cacert` users expect a
//! self-signed test server to work.

use std::sync::{Arc, OnceLock};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme};

use crate::error::{Error, Result};

/// The ring provider, which reqwest's rustls is built with. (rustls 0.23.48 deprecates it for
/// lacking post-quantum key exchange; aws-lc-rs, which has it, needs a C and assembly build that
/// this crate avoids.)
#[allow(deprecated)]
fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The system's roots, read once per process, or the bundled roots where it has none.
fn system_roots() -> &'static RootCertStore {
    static ROOTS: OnceLock<RootCertStore> = OnceLock::new();
    ROOTS.get_or_init(|| {
        let mut roots = RootCertStore::empty();
        // Unreadable or malformed entries are skipped, as OpenSSL does: one bad file in the
        // store must not stop every connection.
        let found = rustls_native_certs::load_native_certs();
        roots.add_parsable_certificates(found.certs);
        if roots.is_empty() {
            log::debug!(target: "plivo_phlo", "no system CA certificates found; using the bundled Mozilla roots");
            roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        }
        roots
    })
}

/// The certificates of every `ca_cert_pem`; one that holds none, or a malformed one, is an
/// `invalid_argument` error now rather than a TLS failure at the first request.
pub(crate) fn parse_extra_cas(pems: &[Vec<u8>]) -> Result<Vec<CertificateDer<'static>>> {
    let mut out = Vec::new();
    for pem in pems {
        let certs: Vec<_> = CertificateDer::pem_slice_iter(pem)
            .collect::<std::result::Result<_, _>>()
            .map_err(|_| Error::invalid("ca_cert_pem", "is not valid PEM"))?;
        if certs.is_empty() {
            return Err(Error::invalid(
                "ca_cert_pem",
                "holds no PEM-encoded certificate",
            ));
        }
        for c in &certs {
            webpki::EndEntityCert::try_from(c).map_err(|e| {
                Error::invalid(
                    "ca_cert_pem",
                    format_args!("holds a certificate that cannot be parsed ({e:?})"),
                )
            })?;
        }
        out.extend(certs);
    }
    Ok(out)
}

/// The client configuration: `extra` trusted besides the system's roots when `system` is true
/// (only `extra` otherwise: a client that only speaks plain HTTP to loopback needs no store).
pub(crate) fn client_config(
    extra: &[CertificateDer<'static>],
    system: bool,
) -> Result<rustls::ClientConfig> {
    let mut roots = if system {
        system_roots().clone()
    } else {
        RootCertStore::empty()
    };
    for c in extra {
        roots.add(c.clone()).map_err(|e| {
            Error::invalid(
                "ca_cert_pem",
                format_args!("cannot be used as a trust anchor ({e})"),
            )
        })?;
    }
    let verifier: Arc<dyn ServerCertVerifier> = if roots.is_empty() {
        // Nothing trusted at all (plain HTTP only): every certificate is refused.
        Arc::new(Pinned {
            inner: None,
            pinned: Vec::new(),
        })
    } else {
        let inner = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider())
            .build()
            .map_err(|e| Error::invalid("ca_cert_pem", format_args!("cannot be used ({e})")))?;
        Arc::new(Pinned {
            inner: Some(inner),
            pinned: extra.to_vec(),
        })
    };
    let mut config = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::invalid("tls", format_args!("no protocol version ({e})")))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    // HTTP/1.1 only: the client is built without HTTP/2.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// Web PKI verification, and the `ca_cert_pem` certificates trusted as they are (module doc).
#[derive(Debug)]
struct Pinned {
    inner: Option<Arc<WebPkiServerVerifier>>,
    pinned: Vec<CertificateDer<'static>>,
}

impl ServerCertVerifier for Pinned {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        let Some(inner) = &self.inner else {
            return Err(rustls::Error::InvalidCertificate(
                CertificateError::UnknownIssuer,
            ));
        };
        let verdict = inner.verify_server_cert(end_entity, intermediates, server_name, ocsp, now);
        match verdict {
            // Web PKI checks the dates before the basic constraints: a certificate refused as
            // a CA used as an end entity is within its dates.
            Err(rustls::Error::InvalidCertificate(CertificateError::Other(ref e)))
                if is_ca_used_as_end_entity(e)
                    && self
                        .pinned
                        .iter()
                        .any(|p| p.as_ref() == end_entity.as_ref()) =>
            {
                let cert = webpki::EndEntityCert::try_from(end_entity).map_err(|_| {
                    rustls::Error::InvalidCertificate(CertificateError::BadEncoding)
                })?;
                cert.verify_is_valid_for_subject_name(server_name)
                    .map_err(|_| {
                        rustls::Error::InvalidCertificate(CertificateError::NotValidForName)
                    })?;
                Ok(ServerCertVerified::assertion())
            }
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        let algs = provider().signature_verification_algorithms;
        rustls::crypto::verify_tls12_signature(message, cert, dss, &algs)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        let algs = provider().signature_verification_algorithms;
        rustls::crypto::verify_tls13_signature(message, cert, dss, &algs)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        provider()
            .signature_verification_algorithms
            .supported_schemes()
    }
}

fn is_ca_used_as_end_entity(e: &rustls::OtherError) -> bool {
    let inner: &(dyn std::error::Error + 'static) = &*e.0;
    matches!(
        inner.downcast_ref::<webpki::Error>(),
        Some(webpki::Error::CaUsedAsEndEntity)
    )
}

/// A readable account of a TLS failure found in `e`'s causes, saying what to do, or `None`
/// when the failure is not a certificate problem.
pub(crate) fn explain(e: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut cur = Some(e);
    while let Some(err) = cur {
        if let Some(rustls::Error::InvalidCertificate(c)) = err.downcast_ref::<rustls::Error>() {
            return Some(certificate_advice(c));
        }
        // An I/O error's `source` skips the error it wraps (tokio-rustls wraps the TLS error in
        // one, which the connector wraps in another): look inside.
        cur = match err
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => err.source(),
        };
    }
    None
}

fn certificate_advice(c: &CertificateError) -> String {
    let what = match c {
        CertificateError::UnknownIssuer => {
            "the server's certificate is not signed by a CA this client trusts (the system's \
             store and ca_cert_pem); if the server uses your own CA, pass that CA's certificate \
             as ca_cert_pem"
        }
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
            "the server's certificate is not valid for the host name in base_url"
        }
        CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
            "the server's certificate has expired"
        }
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
            "the server's certificate is not valid yet (check the machine's clock)"
        }
        CertificateError::Other(e) if is_ca_used_as_end_entity(e) => {
            "the server presents a CA certificate (basicConstraints CA:TRUE) as its own; \
             pass exactly that certificate as ca_cert_pem to trust it, or give the server a \
             certificate with CA:FALSE signed by your CA"
        }
        _ => return format!("the server's certificate was refused: {c:?}"),
    };
    what.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_extra_cas_are_invalid_arguments() {
        for pem in [
            b"not a certificate".to_vec(),
            b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".to_vec(),
        ] {
            let e = parse_extra_cas(&[pem]).unwrap_err();
            assert_eq!(e.field(), Some("ca_cert_pem"), "{e}");
        }
    }

    #[test]
    fn the_system_store_or_the_bundled_roots_are_loaded() {
        assert!(!system_roots().is_empty());
        let c = client_config(&[], true).unwrap();
        assert_eq!(c.alpn_protocols, vec![b"http/1.1".to_vec()]);
    }
}
