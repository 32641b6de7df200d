//! The deployment's rule for webhook destinations, and applying it to an
//! address or a URL as written: what registration and every delivery
//! check.

use std::net::IpAddr;

use super::network::Network;
use super::reserved::{reserved, Reserved};

/// The deployment's rule for webhook destinations.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Destinations {
    /// Whether plain `http` URLs are allowed: only for a deployment whose
    /// receivers sit on a network it trusts, since a signature proves who
    /// sent a body but does not hide it.
    pub allow_http: bool,
    /// Networks webhooks may reach although their addresses are private,
    /// loopback or otherwise refused.
    pub allowed_networks: Vec<Network>,
}

/// Why a destination is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("webhooks are delivered over https only")]
    NotHttps,
    #[error("the URL has no host")]
    NoHost,
    #[error("`{address}` is {kind}, which webhooks may not reach")]
    Address { address: IpAddr, kind: Reserved },
}

impl Destinations {
    /// Whether webhooks may connect to `address`.
    pub fn permits(&self, address: IpAddr) -> Result<(), Refused> {
        let address = address.to_canonical();
        match reserved(address) {
            None => Ok(()),
            Some(kind)
                if kind.can_be_allowed()
                    && self.allowed_networks.iter().any(|n| n.contains(address)) =>
            {
                Ok(())
            }
            Some(kind) => Err(Refused::Address { address, kind }),
        }
    }

    /// The checks a URL can be given without resolving its name: its
    /// scheme, and its address if it is written as one (in any of the
    /// forms the URL parser turns into one, `2130706433` or `0x7f.1`
    /// among them).
    pub fn check_url(&self, url: &url::Url) -> Result<(), Refused> {
        match url.scheme() {
            "https" => {}
            "http" if self.allow_http => {}
            _ => return Err(Refused::NotHttps),
        }
        match url.host() {
            None => Err(Refused::NoHost),
            Some(url::Host::Ipv4(v4)) => self.permits(IpAddr::V4(v4)),
            Some(url::Host::Ipv6(v6)) => self.permits(IpAddr::V6(v6)),
            Some(url::Host::Domain(_)) => Ok(()),
        }
    }

    /// Of the addresses a name resolved to, those webhooks may reach; if
    /// there were some and none is, why the first was refused.
    pub(super) fn reachable(&self, addresses: Vec<IpAddr>) -> Result<Vec<IpAddr>, Refused> {
        let mut refused = None;
        let kept: Vec<IpAddr> = addresses
            .into_iter()
            .filter(|a| match self.permits(*a) {
                Ok(()) => true,
                Err(why) => {
                    refused.get_or_insert(why);
                    false
                }
            })
            .collect();
        match refused {
            Some(why) if kept.is_empty() => Err(why),
            _ => Ok(kept),
        }
    }
}
