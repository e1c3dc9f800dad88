//! A UDP echo server: every datagram goes back to its sender.

use tokio::net::UdpSocket;

pub async fn run(socket: UdpSocket) {
    let mut buffer = vec![0u8; 65536];
    loop {
        let Ok((length, peer)) = socket.recv_from(&mut buffer).await else {
            continue;
        };
        let _ = socket.send_to(&buffer[..length], peer).await;
    }
}
