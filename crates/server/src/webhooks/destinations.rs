//! Where webhooks may go (issue 11). An administrator names the URL, so
//! without a rule a webhook is a way to make the server call services
//! inside its own network — the database, a cloud's metadata endpoint, an
//! admin port on loopback — and read their answers back from the delivery
//! log.
//!
//! The rule: `https` only (plain `http` where the deployment allows it),
//! and never an address of the machine or its networks — loopback,
//! private, link-local, shared (CGNAT), multicast, broadcast, unspecified,
//! reserved, and the IPv6 forms that carry such an IPv4 address inside
//! them — unless the deployment names the network as one it delivers to
//! (a partner's integration engine on a private network, say). The rule
//! is applied twice:
//!
//! - at registration, to the URL's literal address or to what its name
//!   resolves to then, so an administrator hears at once;
//! - at every delivery, by the HTTP client's own resolver
//!   ([`GuardedResolver`]), which drops every address the rule refuses
//!   before the client sees it. The address connected to is the address
//!   checked: a name that resolved to a public address at registration
//!   and to loopback now (DNS rebinding) is refused, and no second look-up
//!   can slip between the check and the connection. URLs with a literal
//!   address are never resolved, so [`Destinations::check_url`] checks
//!   them before sending.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

pub use network::{Network, NetworkError};

mod network;

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

/// The kinds of address webhooks may not reach unless allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reserved {
    Unspecified,
    /// 0.0.0.0/8: "this network".
    ThisNetwork,
    Loopback,
    /// RFC 1918, IPv6 unique local and site-local, local-use NAT64.
    Private,
    /// 100.64.0.0/10, carrier-grade NAT.
    SharedAddressSpace,
    LinkLocal,
    Multicast,
    Broadcast,
    /// Documentation, benchmarking, protocol assignments, future use.
    Reserved,
}

impl Reserved {
    fn words(self) -> &'static str {
        match self {
            Self::Unspecified => "the unspecified address",
            Self::ThisNetwork => "an address of \"this network\" (0.0.0.0/8)",
            Self::Loopback => "a loopback address",
            Self::Private => "a private network address",
            Self::SharedAddressSpace => "a carrier-grade NAT address (100.64.0.0/10)",
            Self::LinkLocal => "a link-local address",
            Self::Multicast => "a multicast address",
            Self::Broadcast => "the broadcast address",
            Self::Reserved => "a reserved address",
        }
    }

    /// Whether naming a network can open this kind to webhooks. Addresses
    /// that name no one host can never be a receiver.
    fn can_be_allowed(self) -> bool {
        !matches!(
            self,
            Self::Unspecified | Self::ThisNetwork | Self::Multicast | Self::Broadcast
        )
    }
}

impl std::fmt::Display for Reserved {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.words())
    }
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

    /// Checks `url` as registration does: [`check_url`](Self::check_url),
    /// then what its name resolves to now, as a delivery would: refused if
    /// no address is one webhooks may reach. A name that does not resolve
    /// (yet) is accepted: each delivery checks what it resolves to then.
    pub async fn check_registration(&self, url: &url::Url) -> Result<(), Refused> {
        self.check_url(url)?;
        let Some(url::Host::Domain(name)) = url.host() else {
            return Ok(());
        };
        match tokio::time::timeout(LOOK_UP_FOR, resolve(name)).await {
            Ok(Ok(addresses)) => self.reachable(addresses).map(|_| ()),
            Ok(Err(_)) | Err(_) => Ok(()),
        }
    }

    /// Of the addresses a name resolved to, those webhooks may reach; if
    /// there were some and none is, why the first was refused.
    fn reachable(&self, addresses: Vec<IpAddr>) -> Result<Vec<IpAddr>, Refused> {
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

    /// An HTTP client for webhook deliveries under this rule: every name is
    /// resolved by a [`GuardedResolver`], no redirect is followed (a
    /// receiver could otherwise send the request anywhere), and no proxy
    /// is used (a proxy would resolve names itself, out of the rule's
    /// reach).
    pub fn client(&self) -> Result<reqwest::Client, reqwest::Error> {
        reqwest::Client::builder()
            .timeout(SEND_FOR)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .dns_resolver(Arc::new(GuardedResolver {
                destinations: Arc::new(self.clone()),
            }))
            .build()
    }
}

/// How long registration waits for a name to resolve.
const LOOK_UP_FOR: Duration = Duration::from_secs(5);
/// How long one delivery attempt may take, connection included.
pub const SEND_FOR: Duration = Duration::from_secs(10);

/// The addresses `name` stands for. Localhost names are the loopback
/// addresses without asking DNS (RFC 6761 §6.3), whatever the resolver
/// would say.
async fn resolve(name: &str) -> std::io::Result<Vec<IpAddr>> {
    let bare = name.trim_end_matches('.').to_ascii_lowercase();
    if bare == "localhost" || bare.ends_with(".localhost") {
        return Ok(vec![
            IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(Ipv6Addr::LOCALHOST),
        ]);
    }
    Ok(tokio::net::lookup_host((name, 0))
        .await?
        .map(|a| a.ip())
        .collect())
}

/// The webhook client's resolver: resolves a name and keeps only the
/// addresses [`Destinations::permits`]; none left is an error carrying
/// [`Refused`], which a failed delivery is classified by.
#[derive(Debug)]
pub struct GuardedResolver {
    destinations: Arc<Destinations>,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let destinations = Arc::clone(&self.destinations);
        let name = name.as_str().to_owned();
        Box::pin(async move {
            let kept = destinations.reachable(resolve(&name).await?)?;
            // The client puts the URL's port in place of 0.
            let addresses = kept.into_iter().map(|a| SocketAddr::new(a, 0));
            Ok(Box::new(addresses) as reqwest::dns::Addrs)
        })
    }
}

/// Whether an error from the webhook client came from the destination
/// rule (rather than a receiver that could not be reached).
pub fn refused_in(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(error) = cause {
        if error.is::<Refused>() {
            return true;
        }
        cause = error.source();
    }
    false
}

/// Which kind of refused address `address` is, if any.
fn reserved(address: IpAddr) -> Option<Reserved> {
    match address {
        IpAddr::V4(v4) => reserved_v4(v4),
        IpAddr::V6(v6) => reserved_v6(v6),
    }
}

fn reserved_v4(a: Ipv4Addr) -> Option<Reserved> {
    let [first, second, third, _] = a.octets();
    Some(match (first, second, third) {
        _ if a.is_unspecified() => Reserved::Unspecified,
        (0, _, _) => Reserved::ThisNetwork,
        (127, _, _) => Reserved::Loopback,
        (10, _, _) | (172, 16..=31, _) | (192, 168, _) => Reserved::Private,
        (100, 64..=127, _) => Reserved::SharedAddressSpace,
        (169, 254, _) => Reserved::LinkLocal,
        (224..=239, _, _) => Reserved::Multicast,
        _ if a.is_broadcast() => Reserved::Broadcast,
        // Protocol assignments, the three documentation networks,
        // benchmarking, and everything from 240.0.0.0 up.
        (192, 0, 0 | 2)
        | (198, 51, 100)
        | (203, 0, 113)
        | (198, 18..=19, _)
        | (240..=255, _, _) => Reserved::Reserved,
        _ => return None,
    })
}

fn reserved_v6(a: Ipv6Addr) -> Option<Reserved> {
    let s = a.segments();
    let embedded = |high: u16, low: u16| {
        let [a, b] = high.to_be_bytes();
        let [c, d] = low.to_be_bytes();
        Ipv4Addr::new(a, b, c, d)
    };
    match s {
        _ if a.is_unspecified() => Some(Reserved::Unspecified),
        _ if a.is_loopback() => Some(Reserved::Loopback),
        // IPv4-mapped (::ffff:a.b.c.d) and the deprecated IPv4-compatible
        // (::a.b.c.d) forms reach the IPv4 address inside them.
        [0, 0, 0, 0, 0, 0xffff | 0, high, low] => reserved_v4(embedded(high, low)),
        // NAT64's well-known prefix: a gateway connects to the IPv4
        // address inside.
        [0x64, 0xff9b, 0, 0, 0, 0, high, low] => reserved_v4(embedded(high, low)),
        // Local-use NAT64 (RFC 8215): translates into the local network.
        [0x64, 0xff9b, 1, ..] => Some(Reserved::Private),
        // 6to4 carries an IPv4 address in its second and third groups.
        [0x2002, high, low, ..] => reserved_v4(embedded(high, low)),
        // The discard prefix, and documentation.
        [0x100, 0, 0, 0, ..] | [0x2001, 0xdb8, ..] => Some(Reserved::Reserved),
        [first, ..] if first & 0xfe00 == 0xfc00 => Some(Reserved::Private),
        [first, ..] if first & 0xffc0 == 0xfe80 => Some(Reserved::LinkLocal),
        // Site-local, deprecated but still routed as private by some.
        [first, ..] if first & 0xffc0 == 0xfec0 => Some(Reserved::Private),
        [first, ..] if first & 0xff00 == 0xff00 => Some(Reserved::Multicast),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(destinations: &Destinations, address: &str) -> Option<Reserved> {
        match destinations.permits(address.parse().unwrap()) {
            Ok(()) => None,
            Err(Refused::Address { kind, .. }) => Some(kind),
            Err(other) => panic!("{other}"),
        }
    }

    #[test]
    fn addresses_inside_the_network_are_refused_and_public_ones_are_not() {
        let none = Destinations::default();
        for (address, kind) in [
            ("127.0.0.1", Reserved::Loopback),
            ("127.255.0.9", Reserved::Loopback),
            ("::1", Reserved::Loopback),
            ("0.0.0.0", Reserved::Unspecified),
            ("::", Reserved::Unspecified),
            ("0.1.2.3", Reserved::ThisNetwork),
            ("10.20.30.40", Reserved::Private),
            ("172.16.0.1", Reserved::Private),
            ("172.31.255.255", Reserved::Private),
            ("192.168.1.1", Reserved::Private),
            ("fc00::1", Reserved::Private),
            ("fd12:3456::1", Reserved::Private),
            ("fec0::1", Reserved::Private),
            ("169.254.169.254", Reserved::LinkLocal),
            ("fe80::1", Reserved::LinkLocal),
            ("febf::1", Reserved::LinkLocal),
            ("100.64.0.1", Reserved::SharedAddressSpace),
            ("100.127.255.255", Reserved::SharedAddressSpace),
            ("224.0.0.1", Reserved::Multicast),
            ("239.255.255.250", Reserved::Multicast),
            ("ff02::1", Reserved::Multicast),
            ("255.255.255.255", Reserved::Broadcast),
            ("240.0.0.1", Reserved::Reserved),
            ("192.0.2.1", Reserved::Reserved),
            ("198.18.0.1", Reserved::Reserved),
            ("2001:db8::1", Reserved::Reserved),
            // IPv6 forms carrying an IPv4 address inside.
            ("::ffff:127.0.0.1", Reserved::Loopback),
            ("::ffff:169.254.169.254", Reserved::LinkLocal),
            ("::127.0.0.1", Reserved::Loopback),
            ("::10.0.0.1", Reserved::Private),
            ("64:ff9b::127.0.0.1", Reserved::Loopback),
            ("64:ff9b::a9fe:a9fe", Reserved::LinkLocal),
            ("64:ff9b:1::1", Reserved::Private),
            ("2002:7f00:1::", Reserved::Loopback),
            ("2002:c0a8:101::1", Reserved::Private),
        ] {
            assert_eq!(refused(&none, address), Some(kind), "{address}");
        }
        for public in [
            "8.8.8.8",
            "100.63.255.255",
            "100.128.0.1",
            "172.15.255.255",
            "172.32.0.1",
            "169.253.0.1",
            "2a00:1450:4009::1",
            "64:ff9b::808:808",
            "::ffff:8.8.8.8",
        ] {
            assert_eq!(refused(&none, public), None, "{public}");
        }
    }

    #[test]
    fn a_named_network_is_reachable_and_nothing_beside_it() {
        let hscn = Destinations {
            allow_http: false,
            allowed_networks: vec![
                Network::parse("10.20.0.0/16").unwrap(),
                Network::parse("127.0.0.1/32").unwrap(),
                Network::parse("fd00:1::/64").unwrap(),
            ],
        };
        assert_eq!(refused(&hscn, "10.20.3.4"), None);
        assert_eq!(refused(&hscn, "127.0.0.1"), None);
        assert_eq!(refused(&hscn, "::ffff:127.0.0.1"), None);
        assert_eq!(refused(&hscn, "fd00:1::99"), None);
        assert_eq!(refused(&hscn, "10.21.0.1"), Some(Reserved::Private));
        assert_eq!(refused(&hscn, "127.0.0.2"), Some(Reserved::Loopback));
        assert_eq!(refused(&hscn, "::1"), Some(Reserved::Loopback));
        // Nothing names the unspecified or a multicast address as a host.
        let everything = Destinations {
            allow_http: false,
            allowed_networks: vec![
                Network::parse("0.0.0.0/0").unwrap(),
                Network::parse("::/0").unwrap(),
            ],
        };
        assert_eq!(refused(&everything, "0.0.0.0"), Some(Reserved::Unspecified));
        assert_eq!(refused(&everything, "224.0.0.1"), Some(Reserved::Multicast));
        assert_eq!(refused(&everything, "ff02::1"), Some(Reserved::Multicast));
        assert_eq!(refused(&everything, "10.0.0.1"), None);
    }

    #[test]
    fn urls_are_refused_for_their_scheme_or_their_literal_address() {
        let strict = Destinations::default();
        let url = |raw: &str| url::Url::parse(raw).unwrap();
        assert_eq!(
            strict.check_url(&url("http://example.org/")),
            Err(Refused::NotHttps)
        );
        assert_eq!(strict.check_url(&url("https://example.org/")), Ok(()));
        assert_eq!(
            strict.check_url(&url("ftp://example.org/")),
            Err(Refused::NotHttps)
        );
        let plain = Destinations {
            allow_http: true,
            ..Destinations::default()
        };
        assert_eq!(plain.check_url(&url("http://example.org/")), Ok(()));
        // The URL parser turns these into 127.0.0.1 or 0.0.0.0.
        for raw in [
            "http://127.0.0.1:8080/",
            "http://2130706433/",
            "http://0x7f000001/",
            "http://0x7f.1/",
            "http://0177.0.0.1/",
            "http://127.1/",
            "http://[::1]:22/",
            "http://[::ffff:7f00:1]/",
            "http://0.0.0.0:8080/",
            "http://0/",
            "https://169.254.169.254/latest/meta-data/",
        ] {
            assert!(
                matches!(plain.check_url(&url(raw)), Err(Refused::Address { .. })),
                "{raw}"
            );
        }
    }

    #[test]
    fn of_the_addresses_a_name_resolves_to_only_those_allowed_are_kept() {
        let none = Destinations::default();
        let ip = |raw: &str| raw.parse::<IpAddr>().unwrap();
        assert_eq!(
            none.reachable(vec![ip("127.0.0.1"), ip("93.184.215.14"), ip("::1")]),
            Ok(vec![ip("93.184.215.14")])
        );
        assert!(matches!(
            none.reachable(vec![ip("10.0.0.1"), ip("::1")]),
            Err(Refused::Address {
                kind: Reserved::Private,
                ..
            })
        ));
    }

    #[tokio::test]
    async fn localhost_names_are_refused_at_registration() {
        let plain = Destinations {
            allow_http: true,
            ..Destinations::default()
        };
        for raw in [
            "http://localhost:5432/",
            "http://LOCALHOST./",
            "http://api.localhost/",
        ] {
            let url = url::Url::parse(raw).unwrap();
            assert!(
                matches!(
                    plain.check_registration(&url).await,
                    Err(Refused::Address {
                        kind: Reserved::Loopback,
                        ..
                    })
                ),
                "{raw}"
            );
        }
    }

    #[tokio::test]
    async fn the_client_refuses_a_name_that_resolves_inside_and_says_so() {
        let client = Destinations {
            allow_http: true,
            ..Destinations::default()
        }
        .client()
        .unwrap();
        let error = client
            .get("http://localhost:9/")
            .send()
            .await
            .expect_err("refused before any connection");
        assert!(refused_in(&error), "{error:?}");
        // A connection that fails for another reason is not a refusal.
        let open = Destinations {
            allow_http: true,
            allowed_networks: vec![Network::parse("127.0.0.0/8").unwrap()],
        };
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let error = open
            .client()
            .unwrap()
            .get(format!("http://localhost:{port}/"))
            .send()
            .await
            .expect_err("nothing listens there");
        assert!(!refused_in(&error), "{error:?}");
    }
}
