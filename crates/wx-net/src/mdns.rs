//! mDNS service discovery on mdns-sd, limited to the device's network: the daemon only uses the
//! interface that holds the configured device address, and only services whose address is a
//! LAN peer are reported.

use std::{collections::HashMap, net::IpAddr, sync::Arc, time::Duration};

use mdns_sd::{IfKind, ServiceDaemon, ServiceEvent};
use tokio::sync::Notify;
use wx_policy::Lan;

/// How long a found service may stay unresolved before `onLocalServiceResolveFail`.
const RESOLVE_TIMEOUT: Duration = Duration::from_secs(3);

/// What a scan reports; the last event is always `Stop`.
#[derive(Debug, PartialEq, Eq)]
pub enum MdnsEvent {
    Found { name: String, ip: String, port: u16 },
    Lost { name: String },
    ResolveFail { name: String },
    Stop,
}

pub type MdnsSink = Arc<dyn Fn(MdnsEvent) + Send + Sync>;

/// A running scan.
pub struct Discovery {
    stop: Arc<Notify>,
}

impl Discovery {
    pub fn stop(&self) {
        self.stop.notify_one();
    }
}

/// `_http._tcp.` (phone form) → `_http._tcp.local.` (resolver form).
pub fn resolver_type(service_type: &str) -> String {
    let trimmed = service_type.trim_end_matches('.');
    if trimmed.ends_with(".local") {
        format!("{trimmed}.")
    } else {
        format!("{trimmed}.local.")
    }
}

fn instance_name(fullname: &str, ty_domain: &str) -> String {
    fullname
        .strip_suffix(ty_domain)
        .map(|name| name.trim_end_matches('.').to_string())
        .unwrap_or_else(|| fullname.to_string())
}

/// Starts browsing `service_type` on the LAN's interface until `stop_at` (on the run's
/// clock).
pub fn start(
    service_type: &str,
    lan: Option<Lan>,
    stop_at: crate::clock::Deadline,
    sink: MdnsSink,
) -> Result<Discovery, String> {
    let lan = lan.ok_or_else(|| "no LAN is configured or detected (set `lan`)".to_string())?;
    let daemon = ServiceDaemon::new().map_err(|e| format!("cannot start mDNS: {e}"))?;
    // Only the device's own network: never other interfaces of the machine.
    let _ = daemon.disable_interface(IfKind::All);
    let _ = daemon.enable_interface(IfKind::Addr(IpAddr::V4(lan.device())));
    let ty_domain = resolver_type(service_type);
    let receiver = daemon
        .browse(&ty_domain)
        .map_err(|e| format!("cannot browse {ty_domain}: {e}"))?;
    let stop = Arc::new(Notify::new());
    let stopped = stop.clone();
    tokio::spawn(async move {
        let deadline = stop_at.passed();
        tokio::pin!(deadline);
        // Found but not yet resolved: fullname → when it was found.
        let mut pending: HashMap<String, tokio::time::Instant> = HashMap::new();
        let mut reported: HashMap<String, (String, u16)> = HashMap::new();
        let mut tick = tokio::time::interval(Duration::from_millis(250));
        loop {
            tokio::select! {
                event = receiver.recv_async() => match event {
                    Ok(ServiceEvent::ServiceFound(_, fullname)) => {
                        pending.entry(fullname).or_insert_with(tokio::time::Instant::now);
                    }
                    Ok(ServiceEvent::ServiceResolved(info)) => {
                        let fullname = info.get_fullname().to_string();
                        pending.remove(&fullname);
                        let port = info.get_port();
                        let peer = info
                            .get_addresses_v4()
                            .into_iter()
                            .filter(|addr| lan.is_peer(*addr))
                            .min();
                        if let Some(ip) = peer {
                            let ip = ip.to_string();
                            if reported.get(&fullname) != Some(&(ip.clone(), port)) {
                                reported.insert(fullname.clone(), (ip.clone(), port));
                                sink(MdnsEvent::Found { name: instance_name(&fullname, &ty_domain), ip, port });
                            }
                        }
                    }
                    Ok(ServiceEvent::ServiceRemoved(_, fullname)) => {
                        pending.remove(&fullname);
                        if reported.remove(&fullname).is_some() {
                            sink(MdnsEvent::Lost { name: instance_name(&fullname, &ty_domain) });
                        }
                    }
                    Ok(_) => {}
                    Err(_) => break,
                },
                _ = tick.tick() => {
                    let now = tokio::time::Instant::now();
                    let failed: Vec<String> = pending
                        .iter()
                        .filter(|(_, since)| now.duration_since(**since) >= RESOLVE_TIMEOUT)
                        .map(|(name, _)| name.clone())
                        .collect();
                    for fullname in failed {
                        pending.remove(&fullname);
                        sink(MdnsEvent::ResolveFail { name: instance_name(&fullname, &ty_domain) });
                    }
                }
                () = &mut deadline => break,
                () = stopped.notified() => break,
            }
        }
        let _ = daemon.stop_browse(&ty_domain);
        let _ = daemon.shutdown();
        sink(MdnsEvent::Stop);
    });
    Ok(Discovery { stop })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_types_and_names() {
        assert_eq!(resolver_type("_http._tcp."), "_http._tcp.local.");
        assert_eq!(resolver_type("_http._tcp"), "_http._tcp.local.");
        assert_eq!(resolver_type("_http._tcp.local."), "_http._tcp.local.");
        assert_eq!(
            instance_name("printer._http._tcp.local.", "_http._tcp.local."),
            "printer"
        );
    }
}
