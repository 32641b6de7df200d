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

mod network;
mod reserved;
mod resolver;
mod rule;

use std::sync::Arc;
use std::time::Duration;

pub use network::{Network, NetworkError};

pub use reserved::Reserved;
use resolver::resolve;
pub use resolver::{refused_in, GuardedResolver};
pub use rule::{Destinations, Refused};

impl Destinations {
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

#[cfg(test)]
mod tests {
    use std::net::IpAddr;

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
