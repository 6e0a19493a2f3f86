//! RSA keys from PEM files and the two RSA operations both gateways use: SHA256withRSA
//! (PKCS#1 v1.5) signatures, base64. Errors name the setting, never the key material.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use rsa::pkcs1::{DecodeRsaPrivateKey, DecodeRsaPublicKey};
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey};
use rsa::signature::{SignatureEncoding, Signer, Verifier};
use rsa::{RsaPrivateKey, RsaPublicKey};
use sha2::Sha256;

/// A private key that signs; its `Debug` shows nothing of it.
#[derive(Clone)]
pub struct PrivateKey(SigningKey<Sha256>);

impl std::fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PrivateKey(<redacted>)")
    }
}

/// A gateway's public key that checks its signatures.
#[derive(Debug, Clone)]
pub struct PublicKey {
    key: RsaPublicKey,
    verifying: VerifyingKey<Sha256>,
}

impl PrivateKey {
    /// Reads a PKCS#8 (`BEGIN PRIVATE KEY`) or PKCS#1 (`BEGIN RSA PRIVATE KEY`) PEM file;
    /// `setting` names it in the error.
    pub fn from_pem_file(setting: &str, path: &str) -> Result<Self, String> {
        let text = read_setting_file(setting, path)?;
        Self::from_pem(&text).map_err(|why| format!("{setting}: {path} {why}"))
    }

    pub fn from_pem(text: &str) -> Result<Self, String> {
        let key = RsaPrivateKey::from_pkcs8_pem(text)
            .or_else(|_| RsaPrivateKey::from_pkcs1_pem(text))
            .map_err(|_| "is not an RSA private key in PEM (PKCS#8 or PKCS#1)".to_owned())?;
        Ok(Self(SigningKey::new(key)))
    }

    /// SHA256withRSA over `message`, base64.
    pub fn sign_base64(&self, message: &[u8]) -> String {
        STANDARD.encode(self.0.sign(message).to_bytes())
    }
}

impl PublicKey {
    /// Reads an SPKI (`BEGIN PUBLIC KEY`) or PKCS#1 PEM file, or the bare base64 of an SPKI
    /// key as Alipay's console shows it.
    pub fn from_pem_file(setting: &str, path: &str) -> Result<Self, String> {
        let text = read_setting_file(setting, path)?;
        Self::from_pem(&text).map_err(|why| format!("{setting}: {path} {why}"))
    }

    pub fn from_pem(text: &str) -> Result<Self, String> {
        let trimmed = text.trim();
        let wrapped;
        let pem = if trimmed.starts_with("-----") {
            trimmed
        } else {
            wrapped = format!("-----BEGIN PUBLIC KEY-----\n{trimmed}\n-----END PUBLIC KEY-----\n");
            &wrapped
        };
        let key = RsaPublicKey::from_public_key_pem(pem)
            .or_else(|_| RsaPublicKey::from_pkcs1_pem(pem))
            .map_err(|_| "is not an RSA public key in PEM".to_owned())?;
        Ok(Self {
            verifying: VerifyingKey::new(key.clone()),
            key,
        })
    }

    /// Whether `signature` (base64) is SHA256withRSA over `message` by this key.
    pub fn verify_base64(&self, message: &[u8], signature: &str) -> bool {
        let Ok(bytes) = STANDARD.decode(signature.trim()) else {
            return false;
        };
        let Ok(signature) = Signature::try_from(bytes.as_slice()) else {
            return false;
        };
        self.verifying.verify(message, &signature).is_ok()
    }

    /// The raw key, for encryption (WeChat encrypts names with it).
    pub fn rsa(&self) -> &RsaPublicKey {
        &self.key
    }
}

/// A configured file's text; the error names the setting and the path, not the content.
pub fn read_setting_file(setting: &str, path: &str) -> Result<String, String> {
    if path.trim().is_empty() {
        return Err(format!("{setting}: missing (a file path is required)"));
    }
    std::fs::read_to_string(path).map_err(|e| format!("{setting}: cannot read {path} ({e})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_setting_not_the_content() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key.pem");
        std::fs::write(&path, "SECRET-NOT-A-KEY").unwrap();
        let path = path.to_str().unwrap();
        let error = PrivateKey::from_pem_file("payments.x.key_path", path).unwrap_err();
        assert!(error.starts_with("payments.x.key_path: "), "{error}");
        assert!(!error.contains("SECRET"), "{error}");
        let missing = PublicKey::from_pem_file("payments.x.pub", "/nonexistent/k.pem").unwrap_err();
        assert!(missing.contains("payments.x.pub: cannot read /nonexistent/k.pem"));
        let empty = PublicKey::from_pem_file("payments.x.pub", " ").unwrap_err();
        assert_eq!(empty, "payments.x.pub: missing (a file path is required)");
    }
}
