//! The certificate authorities Guichet trusts: the operating system's store (read with
//! `rustls-native-certs`: `/etc/ssl/certs` on Debian, the Windows and macOS system stores), plus
//! the PEM file IT names in `tls.extra_ca`. There is no way to turn verification off.
//!
//! For the connection doctor, [`Recording`] wraps the real verifier and keeps the certificate the
//! server showed, so that a refusal can name who issued it.

use super::{NetError, TlsConfig};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

/// The system's authorities, read once per process (a few milliseconds, ~150 certificates).
fn native_roots() -> &'static [CertificateDer<'static>] {
    static ROOTS: OnceLock<Vec<CertificateDer<'static>>> = OnceLock::new();
    ROOTS.get_or_init(|| {
        let found = rustls_native_certs::load_native_certs();
        for error in &found.errors {
            tracing::warn!("reading the system's certificate authorities: {error}");
        }
        found.certs
    })
}

/// The certificates of `tls.extra_ca`, if set; an unreadable or empty file is an error that
/// names the key, not a silent fallback to fewer authorities.
pub fn extra_roots(tls: &TlsConfig) -> Result<Vec<CertificateDer<'static>>, NetError> {
    let Some(path) = &tls.extra_ca else {
        return Ok(Vec::new());
    };
    let bytes = std::fs::read(path).map_err(|source| NetError::ExtraCaRead {
        path: path.clone(),
        source,
    })?;
    let certs = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| NetError::ExtraCaInvalid {
            path: path.clone(),
            detail: e.to_string(),
        })?;
    if certs.is_empty() {
        return Err(NetError::ExtraCaEmpty { path: path.clone() });
    }
    Ok(certs)
}

/// The system's authorities plus IT's.
pub fn root_store(tls: &TlsConfig) -> Result<RootCertStore, NetError> {
    let mut roots = RootCertStore::empty();
    let (_, refused) = roots.add_parsable_certificates(native_roots().iter().cloned());
    if refused > 0 {
        tracing::debug!("{refused} system certificate authorities could not be used");
    }
    let path = tls.extra_ca.clone().unwrap_or_default();
    for cert in extra_roots(tls)? {
        roots.add(cert).map_err(|e| NetError::ExtraCaInvalid {
            path: path.clone(),
            detail: e.to_string(),
        })?;
    }
    Ok(roots)
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The verifier every connection uses: WebPKI rules against [`root_store`].
fn verifier(tls: &TlsConfig) -> Result<Arc<WebPkiServerVerifier>, NetError> {
    WebPkiServerVerifier::builder_with_provider(Arc::new(root_store(tls)?), provider())
        .build()
        .map_err(|e| NetError::Client(e.to_string()))
}

fn config_with(verifier: Arc<dyn ServerCertVerifier>) -> Result<ClientConfig, NetError> {
    let mut config = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| NetError::Client(e.to_string()))?
        .dangerous() // Only to install a verifier; both delegate every decision to WebPKI.
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// The TLS settings of every HTTP client Guichet builds.
pub fn client_config(tls: &TlsConfig) -> Result<ClientConfig, NetError> {
    config_with(verifier(tls)?)
}

/// A verifier that decides exactly as the real one, and keeps the server's certificate.
#[derive(Debug)]
pub struct Recording {
    inner: Arc<WebPkiServerVerifier>,
    seen: Mutex<Option<CertificateDer<'static>>>,
}

impl Recording {
    /// The TLS settings of [`client_config`], recording the server's certificate.
    pub fn client_config(tls: &TlsConfig) -> Result<(ClientConfig, Arc<Recording>), NetError> {
        let recording = Arc::new(Recording {
            inner: verifier(tls)?,
            seen: Mutex::new(None),
        });
        Ok((config_with(recording.clone())?, recording))
    }

    /// Who issued the certificate the server showed (its common name, else the whole name).
    pub fn issuer(&self) -> Option<String> {
        let seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        seen.as_ref().and_then(|der| issuer_of(der))
    }
}

/// The issuer's common name of a DER certificate, else its whole distinguished name.
pub fn issuer_of(der: &[u8]) -> Option<String> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    let issuer = cert.issuer();
    let common_name = issuer
        .iter_common_name()
        .next()
        .and_then(|cn| cn.as_str().ok())
        .map(str::to_owned);
    Some(common_name.unwrap_or_else(|| issuer.to_string()))
}

impl ServerCertVerifier for Recording {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        *self.seen.lock().unwrap_or_else(PoisonError::into_inner) =
            Some(end_entity.clone().into_owned());
        self.inner
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_system_store_is_read_and_a_missing_extra_ca_is_an_error_naming_the_key() {
        let store = root_store(&TlsConfig::default()).expect("system roots");
        assert!(!store.is_empty(), "Debian's ca-certificates are installed");
        let missing = TlsConfig {
            extra_ca: Some("/nonexistent/ca.pem".into()),
        };
        let err = root_store(&missing).expect_err("missing file");
        assert!(err.to_string().starts_with("tls.extra_ca"), "{err}");
        let dir = tempfile::tempdir().expect("tempdir");
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "not a certificate\n").expect("write");
        let err = extra_roots(&TlsConfig {
            extra_ca: Some(empty),
        })
        .expect_err("no certificate in it");
        assert!(matches!(err, NetError::ExtraCaEmpty { .. }), "{err}");
    }
}
