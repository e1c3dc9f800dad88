//! UDP sockets: bound synchronously (`bind` returns the port), receiving on a tokio task,
//! sending only where the address rule allows. Everything goes to an [`UdpSink`]; the last
//! event is always `Close`.

use std::{
    io,
    net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr},
    sync::{Arc, Mutex},
};

use tokio::sync::Notify;
use wx_policy::{PeerAddress, RunPolicy, UdpDenied};

use crate::connect::Router;

/// What a UDP socket reports.
#[derive(Debug)]
pub enum UdpEvent {
    Listening,
    /// A datagram from `remote`; `localInfo` is [`UdpSocketHandle::local_addr`], the same for
    /// every message, so it is not repeated here.
    Message {
        data: Vec<u8>,
        remote: SocketAddr,
    },
    Error(String),
    Close,
}

pub type UdpSink = Arc<dyn Fn(UdpEvent) + Send + Sync>;

/// How many further datagrams one receive wake-up takes before yielding to other tasks.
const RECEIVE_BATCH: usize = 32;

/// A bound UDP socket.
pub struct UdpSocketHandle {
    socket: Arc<tokio::net::UdpSocket>,
    /// The address reported as `localInfo`: the bound one, or the device's LAN address when
    /// bound to all interfaces.
    local: SocketAddr,
    policy: Arc<RunPolicy>,
    router: Arc<Router>,
    sink: UdpSink,
    stop: Arc<Notify>,
    connected: Mutex<Option<(String, u16)>>,
}

impl UdpSocketHandle {
    /// Binds `port` (0: any) on all IPv4 or IPv6 interfaces and starts receiving.
    pub fn bind(
        v6: bool,
        port: u16,
        policy: Arc<RunPolicy>,
        router: Arc<Router>,
        sink: UdpSink,
    ) -> io::Result<UdpSocketHandle> {
        let any: IpAddr = if v6 {
            Ipv6Addr::UNSPECIFIED.into()
        } else {
            Ipv4Addr::UNSPECIFIED.into()
        };
        let std_socket = std::net::UdpSocket::bind(SocketAddr::new(any, port))?;
        std_socket.set_nonblocking(true)?;
        let socket = Arc::new(tokio::net::UdpSocket::from_std(std_socket)?);
        let bound = socket.local_addr()?;
        let local = match (bound.ip().is_unspecified(), policy.urls.lan(), v6) {
            (true, Some(lan), false) => SocketAddr::new(lan.device().into(), bound.port()),
            _ => bound,
        };
        let stop = Arc::new(Notify::new());
        sink(UdpEvent::Listening);
        let receiver = socket.clone();
        let events = sink.clone();
        let stopped = stop.clone();
        tokio::spawn(async move {
            let mut buffer = vec![0u8; 65536];
            loop {
                tokio::select! {
                    received = receiver.recv_from(&mut buffer) => match received {
                        Ok((length, remote)) => {
                            events(UdpEvent::Message {
                                data: buffer[..length].to_vec(),
                                remote,
                            });
                            // Take what else has arrived without another trip through the
                            // reactor; under load several datagrams wait at each wake-up.
                            for _ in 0..RECEIVE_BATCH {
                                let Ok((length, remote)) = receiver.try_recv_from(&mut buffer)
                                else {
                                    break;
                                };
                                events(UdpEvent::Message {
                                    data: buffer[..length].to_vec(),
                                    remote,
                                });
                            }
                        }
                        Err(error) => events(UdpEvent::Error(format!("receive failed: {error}"))),
                    },
                    () = stopped.notified() => break,
                }
            }
            events(UdpEvent::Close);
        });
        Ok(UdpSocketHandle {
            socket,
            local,
            policy,
            router,
            sink,
            stop,
            connected: Mutex::new(None),
        })
    }

    pub fn local_port(&self) -> u16 {
        self.local.port()
    }

    /// The address reported as every message's `localInfo`.
    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    /// Sends `data` to `address:port` if the address rule allows it; problems go to `onError`.
    ///
    /// The bytes are copied only when the send cannot complete at once (a full socket buffer
    /// or a host name to resolve), so the common case sends straight from the caller's buffer.
    pub fn send(&self, address: &str, port: u16, data: &[u8], set_broadcast: bool) {
        self.send_as("send", address, port, data, set_broadcast);
    }

    /// `send`, with errors named after `action` (`send` or `write`).
    fn send_as(
        &self,
        action: &'static str,
        address: &str,
        port: u16,
        data: &[u8],
        set_broadcast: bool,
    ) {
        let Some(target) = PeerAddress::parse(address) else {
            let quoted = format!("{address:?}");
            (self.sink)(UdpEvent::Error(fail_text(
                action,
                "udpInvalidAddress",
                &[&quoted],
            )));
            return;
        };
        if let Err(denied) = self.policy.urls.check_udp(&target, port, set_broadcast) {
            (self.sink)(UdpEvent::Error(denial_text(action, denied, address, port)));
            return;
        }
        if set_broadcast {
            let _ = self.socket.set_broadcast(true);
        }
        match target {
            PeerAddress::Ip(ip) => {
                let to = SocketAddr::new(ip, port);
                match self.socket.try_send_to(data, to) {
                    Ok(_) => {}
                    Err(error) if error.kind() == io::ErrorKind::WouldBlock => {
                        let data = data.to_vec();
                        let socket = self.socket.clone();
                        let sink = self.sink.clone();
                        tokio::spawn(async move {
                            if let Err(error) = socket.send_to(&data, to).await {
                                sink(UdpEvent::Error(system_text(action, &error)));
                            }
                        });
                    }
                    Err(error) => (self.sink)(UdpEvent::Error(system_text(action, &error))),
                }
            }
            PeerAddress::Host(host) => {
                let (target_host, target_port) = self.router.route(&host, port);
                let data = data.to_vec();
                let socket = self.socket.clone();
                let sink = self.sink.clone();
                tokio::spawn(async move {
                    let resolved =
                        tokio::net::lookup_host((target_host.as_str(), target_port)).await;
                    let Some(to) = resolved.ok().and_then(|mut addrs| addrs.next()) else {
                        sink(UdpEvent::Error(fail_text(
                            action,
                            "udpResolveFailed",
                            &[&target_host],
                        )));
                        return;
                    };
                    if let Err(error) = socket.send_to(&data, to).await {
                        sink(UdpEvent::Error(system_text(action, &error)));
                    }
                });
            }
        }
    }

    /// Remembers where `write` sends; the address rule is checked now.
    pub fn connect(&self, address: &str, port: u16) -> Result<(), String> {
        let target = PeerAddress::parse(address)
            .ok_or_else(|| fail_text("connect", "udpInvalidAddress", &[&format!("{address:?}")]))?;
        self.policy
            .urls
            .check_udp(&target, port, false)
            .map_err(|denied| denial_text("connect", denied, address, port))?;
        if let Ok(mut connected) = self.connected.lock() {
            *connected = Some((address.to_string(), port));
        }
        Ok(())
    }

    /// Sends to the connected address.
    pub fn write(&self, data: &[u8], set_broadcast: bool) {
        let target = self.connected.lock().ok().and_then(|c| c.clone());
        match target {
            Some((address, port)) => self.send_as("write", &address, port, data, set_broadcast),
            None => (self.sink)(UdpEvent::Error(fail_text("write", "udpNotConnected", &[]))),
        }
    }

    /// The IPv4 TTL or the IPv6 unicast hop limit, whichever family the socket has.
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        if self.local.is_ipv6() {
            socket2::SockRef::from(self.socket.as_ref()).set_unicast_hops_v6(ttl)
        } else {
            self.socket.set_ttl(ttl)
        }
    }

    /// Stops receiving; `Close` follows.
    pub fn close(&self) {
        self.stop.notify_one();
    }
}

/// `<action>:fail <reason>` with the reason of catalogue entry `key`.
fn fail_text(action: &str, key: &str, details: &[&str]) -> String {
    let reason = wx_policy::catalogue::lookup(key)
        .map_or_else(|| details.join(" "), |entry| entry.reason(details));
    format!("{action}:fail {reason}")
}

/// A refusal of the address rules, naming the address.
fn denial_text(action: &str, denied: UdpDenied, address: &str, port: u16) -> String {
    format!("{action}:fail {} ({address}:{port})", denied.reason())
}

/// What the operating system said.
fn system_text(action: &str, error: &io::Error) -> String {
    fail_text(action, "udpSystemError", &[&error.to_string()])
}

#[cfg(test)]
mod failure_text_tests {
    use super::*;

    #[test]
    fn the_texts_come_from_the_catalogue() {
        for key in [
            "udpInvalidAddress",
            "udpResolveFailed",
            "udpNotConnected",
            "udpSystemError",
        ] {
            assert!(wx_policy::catalogue::lookup(key).is_some(), "{key}");
        }
        assert_eq!(
            fail_text("send", "udpInvalidAddress", &["\"x\""]),
            "send:fail invalid address \"x\""
        );
        assert_eq!(
            fail_text("write", "udpNotConnected", &[]),
            "write:fail the socket is not connected; call connect first"
        );
    }
}
