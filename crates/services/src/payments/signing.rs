//! Alipay-style signing: parameters sorted by name, `k=v` joined with `&`,
//! `sign` and `sign_type` left out, HMAC-SHA256 over that, hex-encoded.

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

pub fn canonical_string(params: &[(String, String)]) -> String {
    let mut kept: Vec<&(String, String)> = params
        .iter()
        .filter(|(k, v)| k != "sign" && k != "sign_type" && !v.is_empty())
        .collect();
    kept.sort_by(|a, b| a.0.cmp(&b.0));
    kept.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

pub fn sign(secret: &[u8], message: &str) -> String {
    match HmacSha256::new_from_slice(secret) {
        Ok(mut mac) => {
            mac.update(message.as_bytes());
            hex::encode(mac.finalize().into_bytes())
        }
        // HMAC accepts keys of any length; this arm is unreachable in practice.
        Err(_) => String::new(),
    }
}

/// Constant-time comparison of a hex signature.
pub fn verify(secret: &[u8], message: &str, signature_hex: &str) -> bool {
    let Ok(sig) = hex::decode(signature_hex) else {
        return false;
    };
    let Ok(mut mac) = HmacSha256::new_from_slice(secret) else {
        return false;
    };
    mac.update(message.as_bytes());
    mac.verify_slice(&sig).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_form_sorts_and_skips_sign() {
        let p = vec![
            ("b".to_string(), "2".to_string()),
            ("sign".to_string(), "x".to_string()),
            ("a".to_string(), "1".to_string()),
            ("empty".to_string(), String::new()),
        ];
        assert_eq!(canonical_string(&p), "a=1&b=2");
    }

    #[test]
    fn signatures_verify_and_tampering_fails() {
        let s = sign(b"k", "a=1");
        assert!(verify(b"k", "a=1", &s));
        assert!(!verify(b"k", "a=2", &s));
        assert!(!verify(b"other", "a=1", &s));
        assert!(!verify(b"k", "a=1", "zz"));
    }
}
