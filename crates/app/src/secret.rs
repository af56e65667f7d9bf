//! Secrets handed to people (session cookies, access tokens, link codes) and
//! the password hash. Only hashes are stored: a copy of the database lets
//! nobody sign in.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use sha2::{Digest, Sha256};

use crate::StoreError;

/// A new random secret (256 bits, hex) with the hash to store for it.
pub fn new_secret(prefix: &str) -> Result<(String, String), StoreError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| StoreError::Other(format!("no randomness: {e}")))?;
    let secret = format!("{prefix}{}", hex(&bytes));
    let hash = hash_secret(&secret);
    Ok((secret, hash))
}

/// The stored form of a secret. SHA-256 suffices: the secret is random, so
/// there is nothing to guess that a slow hash would protect.
pub fn hash_secret(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Hashes a password with argon2id off the async threads: it is slow on purpose.
pub async fn hash_password(password: String) -> Result<String, StoreError> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|hash| hash.to_string())
            .map_err(|e| StoreError::Other(format!("password hashing failed: {e}")))
    })
    .await
    .map_err(|e| StoreError::Other(format!("password hashing stopped: {e}")))?
}

/// Whether `password` matches `stored`. A stored hash that cannot be read
/// never matches.
pub async fn verify_password(password: String, stored: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&stored)
            .is_ok_and(|hash| Argon2::default().verify_password(password.as_bytes(), &hash).is_ok())
    })
    .await
    .unwrap_or(false)
}

/// A hash to verify against when the account does not exist, so that an
/// unknown email takes as long to refuse as a wrong password.
pub async fn dummy_hash() -> Option<String> {
    static DUMMY: tokio::sync::OnceCell<Option<String>> = tokio::sync::OnceCell::const_new();
    DUMMY.get_or_init(|| async { hash_password("not a real password".to_owned()).await.ok() }).await.clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_password_verifies_against_its_hash_and_nothing_else() {
        let hash = hash_password("mùa thu Hà Nội 1945".to_owned()).await.expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("mùa thu Hà Nội 1945".to_owned(), hash.clone()).await);
        assert!(!verify_password("mua thu Ha Noi 1945".to_owned(), hash).await);
        assert!(!verify_password("x".to_owned(), "not a hash".to_owned()).await);
    }

    #[test]
    fn secrets_are_long_random_and_stored_only_as_hashes() {
        let (a, hash_a) = new_secret("gopy_").expect("secret");
        let (b, _) = new_secret("gopy_").expect("secret");
        assert_ne!(a, b);
        assert_eq!(a.len(), 5 + 64);
        assert_eq!(hash_secret(&a), hash_a);
        assert_ne!(a, hash_a);
    }
}
