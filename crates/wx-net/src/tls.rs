//! TLS client settings: TLS 1.2 or newer, the Mozilla roots plus configured CA files, and the
//! loud `--insecure` escape hatch. One rustls configuration per ALPN choice.

use std::{path::Path, sync::Arc};

use rustls::{
    ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
    client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier},
    crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature},
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

/// Accepts any certificate (signatures are still checked): `--insecure` only.
#[derive(Debug)]
struct NoVerification(Arc<CryptoProvider>);

impl ServerCertVerifier for NoVerification {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
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
        let build = |alpn: &[&[u8]]| -> Arc<ClientConfig> {
            let provider = provider();
            let builder = ClientConfig::builder_with_provider(provider.clone())
                .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
                .expect("ring supports TLS 1.2 and 1.3");
            let mut config = if insecure {
                builder
                    .dangerous()
                    .with_custom_certificate_verifier(Arc::new(NoVerification(provider)))
                    .with_no_client_auth()
            } else {
                builder
                    .with_root_certificates(roots.clone())
                    .with_no_client_auth()
            };
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
