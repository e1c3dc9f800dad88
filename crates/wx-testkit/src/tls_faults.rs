//! Servers whose TLS is wrong in one way each, for the certificate and version rows of the
//! failure table: a self-signed certificate, a certificate for another name, an expired one,
//! and a server that only speaks TLS 1.1.

use std::sync::Arc;

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
};

/// Answers every connection as a server limited to TLS 1.1 does when a client offers TLS 1.2:
/// it reads the ClientHello and replies with a ServerHello for TLS 1.1
/// (TLS_RSA_WITH_AES_128_CBC_SHA), which a TLS 1.2+ client must refuse.
pub async fn tls11_only(listener: TcpListener) {
    loop {
        let Ok((mut tcp, _)) = listener.accept().await else {
            continue;
        };
        tokio::spawn(async move {
            let mut header = [0u8; 5];
            if tcp.read_exact(&mut header).await.is_err() || header[0] != 0x16 {
                return;
            }
            let length = usize::from(u16::from_be_bytes([header[3], header[4]]));
            let mut hello = vec![0u8; length];
            if tcp.read_exact(&mut hello).await.is_err() {
                return;
            }
            let mut body = vec![0x03, 0x02];
            body.extend((0..32u8).map(|i| i.wrapping_mul(7)));
            body.push(0);
            body.extend([0x00, 0x2f, 0x00]);
            let mut handshake = vec![0x02, 0x00, 0x00, body.len() as u8];
            handshake.extend(body);
            let mut record = vec![0x16, 0x03, 0x02, 0x00, handshake.len() as u8];
            record.extend(handshake);
            let _ = tcp.write_all(&record).await;
            let mut rest = [0u8; 512];
            let _ = tcp.read(&mut rest).await;
        });
    }
}

/// Serves the normal routes with `config`'s certificate.
pub async fn with_certificate(listener: TcpListener, config: Arc<rustls::ServerConfig>) {
    crate::http::run(listener, Some(config)).await;
}
