//! A certificate authority made per run, and leaf certificates signed by it (or not).

use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DistinguishedName, DnType, IsCa, KeyPair,
    KeyUsagePurpose, date_time_ymd,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// When a leaf certificate is valid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Validity {
    Current,
    Expired,
    NotYetValid,
}

/// A leaf certificate chain and its key, ready for a rustls server.
pub struct Leaf {
    pub chain: Vec<CertificateDer<'static>>,
    pub key: PrivateKeyDer<'static>,
}

/// The run's certificate authority.
pub struct Pki {
    ca: CertifiedIssuer<'static, KeyPair>,
}

fn name(common_name: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, common_name);
    dn.push(DnType::OrganizationName, "wxrun test servers");
    dn
}

impl Pki {
    pub fn new() -> Pki {
        let mut params =
            CertificateParams::new(Vec::<String>::new()).expect("empty SAN list is valid");
        params.distinguished_name = name("wxrun test CA");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let key = KeyPair::generate().expect("key generation");
        Pki {
            ca: CertifiedIssuer::self_signed(params, key).expect("CA self-signs"),
        }
    }

    /// The CA certificate in PEM, for `ca` in wxrun.json.
    pub fn ca_pem(&self) -> String {
        self.ca.pem()
    }

    fn leaf_params(names: &[&str], validity: Validity) -> CertificateParams {
        let mut params =
            CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
                .expect("valid names");
        params.distinguished_name = name(names.first().copied().unwrap_or("leaf"));
        let (from, to) = match validity {
            Validity::Current => (date_time_ymd(2020, 1, 1), date_time_ymd(2099, 1, 1)),
            Validity::Expired => (date_time_ymd(2019, 1, 1), date_time_ymd(2020, 1, 1)),
            Validity::NotYetValid => (date_time_ymd(2098, 1, 1), date_time_ymd(2099, 1, 1)),
        };
        params.not_before = from;
        params.not_after = to;
        params
    }

    /// A leaf for `names`, signed by the run's CA.
    pub fn leaf(&self, names: &[&str], validity: Validity) -> Leaf {
        let key = KeyPair::generate().expect("key generation");
        let cert = Self::leaf_params(names, validity)
            .signed_by(&key, &self.ca)
            .expect("CA signs leaf");
        Leaf {
            chain: vec![cert.der().clone()],
            key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        }
    }

    /// A self-signed leaf no client trusts.
    pub fn self_signed(names: &[&str]) -> Leaf {
        let key = KeyPair::generate().expect("key generation");
        let cert = Self::leaf_params(names, Validity::Current)
            .self_signed(&key)
            .expect("self-signs");
        Leaf {
            chain: vec![cert.der().clone()],
            key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        }
    }
}

impl Default for Pki {
    fn default() -> Self {
        Pki::new()
    }
}

/// A rustls server configuration for `leaf`, offering `alpn` protocols.
pub fn server_config(leaf: Leaf, alpn: &[&[u8]]) -> Arc<rustls::ServerConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("ring supports the default versions")
        .with_no_client_auth()
        .with_single_cert(leaf.chain, leaf.key)
        .expect("leaf and key match");
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    Arc::new(config)
}
