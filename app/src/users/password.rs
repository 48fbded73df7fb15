//! Argon2id password hashing, run off the async executor, and the gate that bounds how much of it
//! runs at once.
use std::sync::Arc;
use std::time::Duration;

use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::error::AppError;

pub async fn hash(password: String) -> Result<String, AppError> {
    blocking(None, move || hash_now(&password)).await
}

/// Verifies `password` against `stored`; with no stored hash (unknown user) it still does the
/// same work against a fixed hash so that timing does not reveal which emails exist.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, AppError> {
    blocking(None, move || verify_now(&password, stored)).await
}

/// Each Argon2 computation takes about 19 MiB for tens of milliseconds. The gate lets a fixed
/// number run at once; a caller that gets no turn within `wait` is told to retry in a second
/// (`RateLimited`), so a flood of sign-ins queues briefly and is then turned away instead of
/// taking the machine's memory.
#[derive(Clone, Debug)]
pub struct HashGate {
    turns: Arc<Semaphore>,
    wait: Duration,
}

impl HashGate {
    pub fn new(at_once: usize, wait: Duration) -> HashGate {
        HashGate {
            turns: Arc::new(Semaphore::new(at_once.max(1))),
            wait,
        }
    }

    /// As many at once as the machine has cores (hashing is CPU-bound: more would only wait
    /// inside the thread pool, holding their memory), each waiting at most two seconds.
    pub fn for_this_machine() -> HashGate {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        HashGate::new(cores, Duration::from_secs(2))
    }

    pub async fn verify(&self, password: String, stored: Option<String>) -> Result<bool, AppError> {
        let turn = self.turn().await?;
        blocking(Some(turn), move || verify_now(&password, stored)).await
    }

    pub async fn hash(&self, password: String) -> Result<String, AppError> {
        let turn = self.turn().await?;
        blocking(Some(turn), move || hash_now(&password)).await
    }

    async fn turn(&self) -> Result<OwnedSemaphorePermit, AppError> {
        match tokio::time::timeout(self.wait, self.turns.clone().acquire_owned()).await {
            Ok(Ok(turn)) => Ok(turn),
            Ok(Err(closed)) => Err(AppError::internal(closed)),
            Err(_) => Err(AppError::RateLimited {
                retry_after_secs: 1,
            }),
        }
    }
}

impl Default for HashGate {
    fn default() -> Self {
        HashGate::for_this_machine()
    }
}

/// Runs `work` on the blocking pool. The turn moves into the task, so a request that is dropped
/// (client gone, timeout) keeps its turn until the hashing it started has really finished.
async fn blocking<T: Send + 'static>(
    turn: Option<OwnedSemaphorePermit>,
    work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(move || {
        let _turn = turn;
        work()
    })
    .await
    .map_err(AppError::internal)?
}

fn hash_now(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(AppError::internal)
}

fn verify_now(password: &str, stored: Option<String>) -> Result<bool, AppError> {
    let known = stored.is_some();
    let stored = stored.unwrap_or_else(|| DUMMY_HASH.to_string());
    let parsed = PasswordHash::new(&stored).map_err(AppError::internal)?;
    let ok = Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok();
    Ok(known && ok)
}

/// Argon2id hash of a random string nobody knows (default parameters).
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2hZ2ttZ6r4T0qh2M7XWZHk8o8lQjV3Wgq5x6g1mC9aQ";

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hashed_password_verifies_and_a_wrong_one_does_not() {
        let h = hash("correct horse".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(
            verify("correct horse".into(), Some(h.clone()))
                .await
                .unwrap()
        );
        assert!(!verify("wrong horse".into(), Some(h)).await.unwrap());
    }

    #[tokio::test]
    async fn an_unknown_user_never_verifies() {
        assert!(!verify("anything".into(), None).await.unwrap());
    }

    #[tokio::test]
    async fn a_caller_that_gets_no_turn_in_time_is_told_to_retry() {
        let gate = HashGate::new(1, Duration::from_millis(20));
        let held = gate.turn().await.unwrap();
        assert_eq!(
            gate.verify("x".into(), None).await,
            Err(AppError::RateLimited {
                retry_after_secs: 1
            })
        );
        drop(held);
        assert_eq!(gate.verify("x".into(), None).await, Ok(false));
    }
}
