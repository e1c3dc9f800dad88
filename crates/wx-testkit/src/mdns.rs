//! An mDNS responder that publishes, updates and withdraws services, for discovery tests. It
//! answers only on the interface holding `address` (tests use loopback inside a network
//! namespace of their own, so nothing leaves the machine).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use mdns_sd::{IfKind, ServiceDaemon, ServiceInfo};
use simple_dns::{CLASS, Name, Packet, ResourceRecord, rdata::PTR, rdata::RData};

/// The mDNS group and port (RFC 6762).
const MDNS_GROUP: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::new(224, 0, 0, 251)), 5353);

pub struct Responder {
    daemon: ServiceDaemon,
    service_type: String,
    interface_address: IpAddr,
}

impl Responder {
    /// A responder for `service_type` (resolver form, `_wxrun._tcp.local.`) on the interface of
    /// `interface_address`.
    pub fn new(service_type: &str, interface_address: IpAddr) -> mdns_sd::Result<Responder> {
        let daemon = ServiceDaemon::new()?;
        daemon.disable_interface(IfKind::All)?;
        daemon.enable_interface(IfKind::Addr(interface_address))?;
        Ok(Responder {
            daemon,
            service_type: service_type.to_string(),
            interface_address,
        })
    }

    /// Publishes (or re-publishes with new values) `instance` at `addresses` and `port`.
    pub fn publish(&self, instance: &str, addresses: &[IpAddr], port: u16) -> mdns_sd::Result<()> {
        let host = format!("{instance}.local.");
        let info = ServiceInfo::new(
            &self.service_type,
            instance,
            &host,
            addresses,
            port,
            None::<std::collections::HashMap<String, String>>,
        )?;
        self.daemon.register(info)
    }

    /// Announces `instance` the way a broken responder does: a PTR record naming it, and
    /// nothing that answers the follow-up queries for its host and port, so browsers find it
    /// and never resolve it. mdns-sd does not announce services without an address, hence the
    /// hand-built packet.
    pub fn announce_unresolvable(&self, instance: &str) -> std::io::Result<()> {
        let IpAddr::V4(interface) = self.interface_address else {
            return Err(std::io::Error::other(
                "unresolvable announcements are IPv4 only",
            ));
        };
        let fullname = format!("{instance}.{}", self.service_type);
        let mut packet = Packet::new_reply(0);
        packet.answers.push(ResourceRecord::new(
            Name::new_unchecked(self.service_type.trim_end_matches('.')),
            CLASS::IN,
            120,
            RData::PTR(PTR(Name::new_unchecked(fullname.trim_end_matches('.')))),
        ));
        let bytes = packet.build_bytes_vec().map_err(std::io::Error::other)?;
        let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::DGRAM, None)?;
        socket.bind(&SocketAddr::new(self.interface_address, 0).into())?;
        socket.set_multicast_if_v4(&interface)?;
        socket.set_multicast_loop_v4(true)?;
        socket.send_to(&bytes, &MDNS_GROUP.into()).map(drop)
    }

    pub fn withdraw(&self, instance: &str) -> mdns_sd::Result<()> {
        self.daemon
            .unregister(&format!("{instance}.{}", self.service_type))
            .map(drop)
    }
}

impl Drop for Responder {
    fn drop(&mut self) {
        let _ = self.daemon.shutdown();
    }
}
