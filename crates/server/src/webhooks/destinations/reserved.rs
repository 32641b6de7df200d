//! The kinds of address a webhook may not reach unless the deployment
//! allows them, and which kind an address is: the machine itself, its
//! networks, and the IPv6 forms that carry such an IPv4 address inside.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

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
    pub(super) fn can_be_allowed(self) -> bool {
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

/// Which kind of refused address `address` is, if any.
pub(super) fn reserved(address: IpAddr) -> Option<Reserved> {
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
