//! The webhook client's own resolver: the address connected to is the
//! address the rule checked, so no second look-up (DNS rebinding) can slip
//! between the check and the connection.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use super::rule::{Destinations, Refused};

/// The addresses `name` stands for. Localhost names are the loopback
/// addresses without asking DNS (RFC 6761 §6.3), whatever the resolver
/// would say.
pub(super) async fn resolve(name: &str) -> std::io::Result<Vec<IpAddr>> {
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
    pub(super) destinations: Arc<Destinations>,
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
