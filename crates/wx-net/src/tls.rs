//! TLS client settings: TLS 1.2 or newer, the Mozilla roots plus configured CA files, and the
//! loud `--insecure` escape hatch. One rustls configuration per ALPN choice.

use std::{path::Path, sync::Arc};

use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
    client::{
        WebPkiServerVerifier,
        danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier},
    },
    crypto::CryptoProvider,
};
use rustls_pki_types::{CertificateDer, ServerName, UnixTime, pem::PemObject};

/// Why the TLS settings could not be built.
#[derive(Debug, thiserror::Error)]
pub enum TlsSetupError {
    #[error("CA file {file}: cannot read certificates: {reason}")]
    Read { file: String, reason: String },
    #[error("CA file {file}: no PEM certificate found in it")]
    Empty { file: String },
    #[error("CA file {file}: a certificate was refused: {reason}")]
    Refused { file: String, reason: String },
}

/// Which application protocols to offer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Alpn {
    Http1,
    /// HTTP/2 if the server agrees (`enableHttp2`).
    Http2,
    /// No ALPN (WebSocket handshakes).
    None,
}

/// The TLS configurations of a run.
#[derive(Clone)]
pub struct TlsSettings {
    http1: Arc<ClientConfig>,
    http2: Arc<ClientConfig>,
    plain: Arc<ClientConfig>,
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// How server certificates are judged: the Mozilla roots and the configured CAs, with
/// failures named as a phone names them. webpki checks a certificate's constraints before it
/// looks for its issuer, so a self-signed certificate marked as a CA (what `openssl req -x509`
/// makes) fails as "CA used as end entity" where a phone sees an untrusted issuer first:
/// unless the server's certificate is itself one of the trusted ones, such failures are
/// reported as an unknown issuer (`-202:net::ERR_CERT_AUTHORITY_INVALID`). With `--insecure`
/// any certificate is accepted; handshake signatures are still checked.
#[derive(Debug)]
struct Verifier {
    inner: Arc<WebPkiServerVerifier>,
    /// The certificates of the configured CA files, as given.
    configured: Vec<CertificateDer<'static>>,
    insecure: bool,
}

/// Constraint failures that, on a chain no trusted authority issued, are an untrusted issuer.
fn is_constraint_failure(error: &rustls::Error) -> bool {
    let rustls::Error::InvalidCertificate(CertificateError::Other(other)) = error else {
        return false;
    };
    matches!(
        other.0.downcast_ref::<webpki::Error>(),
        Some(
            webpki::Error::CaUsedAsEndEntity
                | webpki::Error::EndEntityUsedAsCa
                | webpki::Error::PathLenConstraintViolated
        )
    )
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if self.insecure {
            return Ok(ServerCertVerified::assertion());
        }
        self.inner
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
            .map_err(|error| {
                let trusted_itself = self
                    .configured
                    .iter()
                    .any(|anchor| anchor.as_ref() == end_entity.as_ref());
                if is_constraint_failure(&error) && !trusted_itself {
                    rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer)
                } else {
                    error
                }
            })
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

impl TlsSettings {
    /// Trusts the Mozilla roots and `ca_files`; with `insecure`, trusts everything.
    pub fn new(
        ca_files: &[impl AsRef<Path>],
        insecure: bool,
    ) -> Result<TlsSettings, TlsSetupError> {
        let mut roots = RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        let mut configured = Vec::new();
        for file in ca_files {
            let name = file.as_ref().display().to_string();
            let mut found = 0;
            let certificates = CertificateDer::pem_file_iter(file.as_ref()).map_err(|err| {
                TlsSetupError::Read {
                    file: name.clone(),
                    reason: err.to_string(),
                }
            })?;
            for certificate in certificates {
                let certificate = certificate.map_err(|err| TlsSetupError::Read {
                    file: name.clone(),
                    reason: err.to_string(),
                })?;
                configured.push(certificate.clone());
                roots
                    .add(certificate)
                    .map_err(|err| TlsSetupError::Refused {
                        file: name.clone(),
                        reason: err.to_string(),
                    })?;
                found += 1;
            }
            if found == 0 {
                return Err(TlsSetupError::Empty { file: name });
            }
        }
        let roots = Arc::new(roots);
        let verifier = Arc::new(Verifier {
            inner: WebPkiServerVerifier::builder_with_provider(roots, provider())
                .build()
                .map_err(|err| TlsSetupError::Refused {
                    file: "(the trusted roots)".into(),
                    reason: err.to_string(),
                })?,
            configured,
            insecure,
        });
        let build = |alpn: &[&[u8]]| -> Arc<ClientConfig> {
            let provider = provider();
            let builder = ClientConfig::builder_with_provider(provider.clone())
                .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
                .expect("ring supports TLS 1.2 and 1.3");
            let mut config = builder
                .dangerous()
                .with_custom_certificate_verifier(verifier.clone())
                .with_no_client_auth();
            config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
            Arc::new(config)
        };
        Ok(TlsSettings {
            http1: build(&[b"http/1.1"]),
            http2: build(&[b"h2", b"http/1.1"]),
            plain: build(&[]),
        })
    }

    pub fn config(&self, alpn: Alpn) -> Arc<ClientConfig> {
        match alpn {
            Alpn::Http1 => self.http1.clone(),
            Alpn::Http2 => self.http2.clone(),
            Alpn::None => self.plain.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
    use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
    use wx_policy::{Failure, config::ConnectTo};

    use super::*;
    use crate::connect::{Router, open};

    /// A certificate made the usual way for a test server (`openssl req -x509`): self-signed,
    /// and marked as a CA.
    fn openssl_style(name: &str) -> (CertificateDer<'static>, PrivateKeyDer<'static>, String) {
        let mut params = CertificateParams::new(vec![name.to_string()]).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let key = KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        (
            cert.der().clone(),
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
            cert.pem(),
        )
    }

    /// The failure a connection to a server presenting `cert` ends with.
    async fn handshake_failure(
        settings: &TlsSettings,
        cert: CertificateDer<'static>,
        key: PrivateKeyDer<'static>,
    ) -> Failure {
        let server = rustls::ServerConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![cert], key)
            .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(server));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            if let Ok((tcp, _)) = listener.accept().await {
                let _ = acceptor.accept(tcp).await;
            }
        });
        let router = Router::new(vec![ConnectTo {
            host: "selfsigned.wxrun.test".into(),
            port: 443,
            target_host: "127.0.0.1".into(),
            target_port: port,
        }]);
        match open(
            "selfsigned.wxrun.test",
            443,
            Some(settings.config(Alpn::Http1)),
            &router,
        )
        .await
        {
            Ok(_) => panic!("the handshake succeeded"),
            Err(error) => error.failure(),
        }
    }

    #[tokio::test]
    async fn a_self_signed_ca_certificate_is_an_untrusted_authority_as_phones_say() {
        let (cert, key, _) = openssl_style("selfsigned.wxrun.test");
        let settings = TlsSettings::new(&[] as &[&Path], false).unwrap();
        assert_eq!(
            handshake_failure(&settings, cert, key).await,
            Failure::CertAuthorityInvalid
        );
    }

    #[tokio::test]
    async fn the_same_certificate_trusted_as_a_ca_is_still_not_a_server_certificate() {
        let (cert, key, pem) = openssl_style("selfsigned.wxrun.test");
        let dir = tempfile::tempdir().unwrap();
        let ca = dir.path().join("ca.pem");
        std::fs::write(&ca, pem).unwrap();
        let settings = TlsSettings::new(&[&ca], false).unwrap();
        assert_eq!(
            handshake_failure(&settings, cert, key).await,
            Failure::CertInvalid
        );
    }
}
