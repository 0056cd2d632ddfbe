//! Credentials as handed between STS, the cache and the outputs.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use yagura_core::Secret;

/// A set of AWS credentials. The access key id is not secret (it appears in CloudTrail and in
/// error messages); the secret key and the session token are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: Secret,
    pub session_token: Option<Secret>,
    /// `None` for long-term keys.
    pub expiration: Option<Timestamp>,
}

impl Credentials {
    /// Whether the credentials are still usable at `now` with `margin` to spare.
    pub fn valid_at(&self, now: Timestamp, margin: SignedDuration) -> bool {
        match self.expiration {
            None => true,
            Some(exp) => now.checked_add(margin).is_ok_and(|t| t < exp),
        }
    }
}
