//! A network of addresses, as a deployment names those its webhooks may
//! reach: valid by construction, so a mistyped allowance stops the server
//! at start-up rather than opening more than was meant.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// A network of addresses, `10.20.0.0/16` or `fd00:1::/64`; a bare address
/// is a network of one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Network {
    base: IpAddr,
    prefix: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NetworkError {
    #[error("`{0}` is not a network: expected ADDRESS/PREFIX such as `10.20.0.0/16`")]
    Malformed(String),
    #[error("`{0}` has a prefix longer than its address")]
    PrefixTooLong(String),
    #[error("`{given}` has address bits set beyond its prefix; the network is `{network}`")]
    HostBits { given: String, network: String },
}

impl Network {
    pub fn parse(raw: &str) -> Result<Self, NetworkError> {
        let raw = raw.trim();
        let malformed = || NetworkError::Malformed(raw.to_owned());
        let (address, prefix) = match raw.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (raw, None),
        };
        let base: IpAddr = address.parse().map_err(|_| malformed())?;
        let bits = Self::bits_of(base);
        let prefix = match prefix {
            None => bits,
            Some(p) if p.bytes().all(|b| b.is_ascii_digit()) => {
                p.parse().map_err(|_| malformed())?
            }
            Some(_) => return Err(malformed()),
        };
        if prefix > bits {
            return Err(NetworkError::PrefixTooLong(raw.to_owned()));
        }
        let network = Self {
            base: Self::masked(base, prefix),
            prefix,
        };
        if network.base != base {
            return Err(NetworkError::HostBits {
                given: raw.to_owned(),
                network: network.to_string(),
            });
        }
        Ok(network)
    }

    pub fn contains(&self, address: IpAddr) -> bool {
        let address = address.to_canonical();
        address.is_ipv4() == self.base.is_ipv4() && Self::masked(address, self.prefix) == self.base
    }

    fn bits_of(address: IpAddr) -> u8 {
        if address.is_ipv4() {
            32
        } else {
            128
        }
    }

    fn masked(address: IpAddr, prefix: u8) -> IpAddr {
        match address {
            IpAddr::V4(v4) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
                IpAddr::V4(Ipv4Addr::from(u32::from(v4) & mask))
            }
            IpAddr::V6(v6) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
                IpAddr::V6(Ipv6Addr::from(u128::from(v6) & mask))
            }
        }
    }
}

impl std::str::FromStr for Network {
    type Err = NetworkError;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        Self::parse(raw)
    }
}

impl std::fmt::Display for Network {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.base, self.prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn networks_parse_only_when_well_formed() {
        assert_eq!(
            Network::parse("10.20.0.0/16").unwrap().to_string(),
            "10.20.0.0/16"
        );
        assert_eq!(
            Network::parse(" 192.0.2.7 ").unwrap().to_string(),
            "192.0.2.7/32"
        );
        assert_eq!(Network::parse("fd00::/8").unwrap().to_string(), "fd00::/8");
        assert_eq!(
            Network::parse("10.20.1.0/16"),
            Err(NetworkError::HostBits {
                given: "10.20.1.0/16".into(),
                network: "10.20.0.0/16".into()
            })
        );
        assert!(matches!(
            Network::parse("10.0.0.0/33"),
            Err(NetworkError::PrefixTooLong(_))
        ));
        for bad in ["", "10.0.0.0/", "10.0.0.0/+8", "example.org/8", "10.0.0/8"] {
            assert!(
                matches!(Network::parse(bad), Err(NetworkError::Malformed(_))),
                "{bad}"
            );
        }
    }
}
