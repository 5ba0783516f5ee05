//! Client addresses behind proxies. `X-Forwarded-For` is believed only when the connection
//! comes from a proxy named in `LEERROUTE_TRUSTED_PROXIES`, and then only from the right: each
//! proxy appends the address it saw, so the rightmost address that is not one of our proxies is
//! the client; anything to its left was written by the client and may be forged.

use std::net::IpAddr;

use axum::http::HeaderMap;
use ipnet::IpNet;

/// An IP address or a CIDR block (`10.0.0.0/8`, `::1`), as the settings take them.
pub fn parse_net(text: &str) -> Result<IpNet, String> {
    let text = text.trim();
    if let Ok(net) = text.parse::<IpNet>() {
        return Ok(net.trunc());
    }
    text.parse::<IpAddr>()
        .map(IpNet::from)
        .map_err(|_| format!("`{text}` is neither an IP address nor a CIDR block"))
}

/// Whether `address` lies in one of `nets` (an IPv4-mapped IPv6 address counts as IPv4).
pub fn contains(nets: &[IpNet], address: IpAddr) -> bool {
    let address = address.to_canonical();
    nets.iter().any(|net| net.contains(&address))
}

/// The client's address: the peer's, or, when the peer is a trusted proxy, the rightmost
/// address of `X-Forwarded-For` that is not a trusted proxy (the leftmost when all are).
pub fn client_address(
    peer: Option<IpAddr>,
    headers: &HeaderMap,
    trusted: &[IpNet],
) -> Option<IpAddr> {
    let peer = peer?;
    if trusted.is_empty() || !contains(trusted, peer) {
        return Some(peer);
    }
    let mut hops = Vec::new();
    for value in headers.get_all("x-forwarded-for") {
        let Ok(value) = value.to_str() else {
            return Some(peer);
        };
        hops.extend(
            value
                .split(',')
                .map(str::trim)
                .filter(|hop| !hop.is_empty())
                .map(str::to_owned),
        );
    }
    let mut client = peer;
    for hop in hops.iter().rev() {
        // An address our proxy did not write in a form we read: stop at the last one we trust.
        let Ok(address) = hop.parse::<IpAddr>() else {
            return Some(client);
        };
        client = address;
        if !contains(trusted, address) {
            break;
        }
    }
    Some(client)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forwarded(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", value.parse().unwrap());
        headers
    }

    #[test]
    fn only_a_trusted_proxy_is_believed_and_only_from_the_right() {
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let trusted = vec![parse_net("10.0.0.0/8").unwrap()];
        let headers = forwarded("6.6.6.6, 203.0.113.7, 10.0.0.2");
        assert_eq!(client_address(Some(proxy), &headers, &[]), Some(proxy));
        assert_eq!(
            client_address(Some(proxy), &headers, &trusted),
            Some("203.0.113.7".parse().unwrap())
        );
        let stranger: IpAddr = "198.51.100.1".parse().unwrap();
        assert_eq!(
            client_address(Some(stranger), &headers, &trusted),
            Some(stranger)
        );
        assert_eq!(
            client_address(Some(proxy), &forwarded("10.0.0.3"), &trusted),
            Some("10.0.0.3".parse().unwrap())
        );
        assert_eq!(
            client_address(Some(proxy), &forwarded("nonsense, 10.0.0.3"), &trusted),
            Some("10.0.0.3".parse().unwrap())
        );
        assert!(
            parse_net("127.0.0.1")
                .unwrap()
                .contains(&"127.0.0.1".parse::<IpAddr>().unwrap())
        );
        assert!(parse_net("not-an-ip").is_err());
        assert!(contains(
            &[parse_net("127.0.0.0/8").unwrap()],
            "::ffff:127.0.0.1".parse().unwrap()
        ));
    }
}
