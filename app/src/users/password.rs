//! Argon2id password hashing, run off the async executor, and the gate that bounds how much of it
//! runs at once for requests.
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use argon2::password_hash::{
    self, PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, oneshot};

use crate::error::AppError;

pub async fn hash(password: String) -> Result<String, AppError> {
    blocking(move || hash_now(&password)).await
}

/// Verifies `password` against `stored`; with no stored hash (unknown user) it still does the
/// same work against a fixed hash so that timing does not reveal which emails exist.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, AppError> {
    blocking(move || verify_now(&password, stored)).await
}

/// Each Argon2 computation takes about 19 MiB for tens of milliseconds. The gate runs them on a
/// fixed set of threads of its own, one at a time each; a caller that gets no turn within `wait`
/// is told to retry in a second (`RateLimited`), so a flood of sign-ins queues briefly and is then
/// turned away instead of taking the machine's memory. Each thread keeps one Argon2 work area and
/// verifies in it again and again: allocating 19 MiB (64-byte aligned) per attempt fragments
/// malloc's arenas, and tokio's blocking pool adds a thread, and an arena, whenever none is idle
/// at that instant (measured, 200 wrong sign-ins two at a time: ~630 MiB peak on the blocking
/// pool, ~370 MiB on own threads allocating per attempt, ~45 MiB with one work area a thread).
#[derive(Clone, Debug)]
pub struct HashGate {
    turns: Arc<Semaphore>,
    wait: Duration,
    jobs: mpsc::Sender<Job>,
}

/// Work for a hashing thread, handed that thread's Argon2 work area.
type Job = Box<dyn FnOnce(&mut Vec<Block>) + Send>;

impl HashGate {
    pub fn new(at_once: usize, wait: Duration) -> HashGate {
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        let mut started = 0;
        for i in 0..at_once.max(1) {
            let queue = queue.clone();
            let worker = std::thread::Builder::new()
                .name(format!("keel-hash-{i}"))
                .spawn(move || {
                    let mut memory = Vec::new();
                    loop {
                        // The lock is held only while waiting for the next job.
                        let next = match queue.lock() {
                            Ok(q) => q.recv(),
                            Err(_) => return,
                        };
                        // The gate is gone when every sender is: so is this thread.
                        let Ok(job) = next else { return };
                        // A panicking job must not take the thread (and its turn) with it; its
                        // caller sees the dropped answer as an internal error.
                        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                            job(&mut memory)
                        }));
                    }
                });
            match worker {
                Ok(_) => started += 1,
                Err(e) => tracing::error!(error = %e, "could not start a password hashing thread"),
            }
        }
        HashGate {
            turns: Arc::new(Semaphore::new(started)),
            wait,
            jobs,
        }
    }

    /// As many at once as the machine has cores (hashing is CPU-bound: more would only wait
    /// for a core, holding their memory), each caller waiting at most two seconds for a turn.
    pub fn for_this_machine() -> HashGate {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        HashGate::new(cores, Duration::from_secs(2))
    }

    pub async fn verify(&self, password: String, stored: Option<String>) -> Result<bool, AppError> {
        self.run(move |memory| verify_in(memory, &password, stored))
            .await
    }

    pub async fn hash(&self, password: String) -> Result<String, AppError> {
        self.run(move |_| hash_now(&password)).await
    }

    /// Runs `work` on the gate's threads once a turn is free. The turn moves into the job, so a
    /// request that is dropped (client gone, timeout) keeps its turn until the hashing it started
    /// has really finished.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Vec<Block>) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        let turn = self.turn().await?;
        let (answer, answered) = oneshot::channel();
        self.jobs
            .send(Box::new(move |memory| {
                let _turn = turn;
                let _ = answer.send(work(memory));
            }))
            .map_err(|_| AppError::internal("the password hashing threads are gone"))?;
        answered
            .await
            .map_err(|_| AppError::internal("password hashing failed"))?
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

/// Runs `work` on tokio's blocking pool (the command line and seeding: no flood to bound).
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(work)
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

/// The stored hash to check against, and whether it is the account's own. An account with no
/// usable hash (none, or one that does not parse: set by hand, or a placeholder) is checked
/// against a dummy, so it costs the same and answers "wrong credentials", never an error.
fn usable(stored: Option<String>) -> (String, bool) {
    let checkable = |s: &str| {
        PasswordHash::new(s).is_ok_and(|h| h.hash.is_some() && Params::try_from(&h).is_ok())
    };
    match stored {
        Some(s) if checkable(&s) => (s, true),
        Some(_) => {
            tracing::warn!("an account's stored password hash does not parse; sign-in refused");
            (DUMMY_HASH.to_string(), false)
        }
        None => (DUMMY_HASH.to_string(), false),
    }
}

fn verify_now(password: &str, stored: Option<String>) -> Result<bool, AppError> {
    let (stored, known) = usable(stored);
    let parsed = PasswordHash::new(&stored).map_err(AppError::internal)?;
    let ok = Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok();
    Ok(known && ok)
}

/// `verify_now`, computed in the caller's work area instead of a fresh allocation.
fn verify_in(
    memory: &mut Vec<Block>,
    password: &str,
    stored: Option<String>,
) -> Result<bool, AppError> {
    let (stored, known) = usable(stored);
    let parsed = PasswordHash::new(&stored).map_err(AppError::internal)?;
    let ok = matches(memory, password.as_bytes(), &parsed).map_err(AppError::internal)?;
    Ok(known && ok)
}

/// What `PasswordVerifier::verify_password` does for Argon2, with the work area passed in.
fn matches(
    memory: &mut Vec<Block>,
    password: &[u8],
    stored: &PasswordHash,
) -> Result<bool, password_hash::Error> {
    let (Some(salt), Some(expected)) = (stored.salt, stored.hash) else {
        return Err(password_hash::Error::PhcStringField);
    };
    let params = Params::try_from(stored)?;
    let version = match stored.version {
        Some(v) => Version::try_from(v)?,
        None => Version::default(),
    };
    let argon2 = Argon2::new(
        Algorithm::try_from(stored.algorithm)?,
        version,
        params.clone(),
    );
    let mut salt_buf = [0u8; 64];
    let salt = salt.decode_b64(&mut salt_buf)?;
    memory.resize(params.block_count(), Block::default());
    let mut out = [0u8; password_hash::Output::MAX_LENGTH];
    let out = &mut out[..expected.len()];
    argon2.hash_password_into_with_memory(password, salt, out, &mut memory[..])?;
    // `Output` compares in constant time.
    Ok(password_hash::Output::new(out)? == expected)
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
    async fn an_account_whose_stored_hash_does_not_parse_is_refused_not_an_error() {
        assert!(
            !verify("anything".into(), Some("$argon2id$unused".into()))
                .await
                .unwrap()
        );
        assert!(!verify("".into(), Some("not a hash".into())).await.unwrap());
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
        let h = gate.hash("correct horse".into()).await.unwrap();
        assert_eq!(gate.verify("correct horse".into(), Some(h)).await, Ok(true));
    }

    #[tokio::test]
    async fn the_gate_verifies_exactly_as_the_library_does() {
        let gate = HashGate::new(1, Duration::from_secs(30));
        let h = hash("correct horse".into()).await.unwrap();
        for attempt in ["correct horse", "correct hors", "correct horse ", ""] {
            assert_eq!(
                gate.verify(attempt.into(), Some(h.clone())).await.unwrap(),
                verify(attempt.into(), Some(h.clone())).await.unwrap(),
                "{attempt:?}"
            );
        }
        // Twice in the same work area, and a hash of other parameters (smaller memory) in it.
        assert!(gate.verify("correct horse".into(), Some(h)).await.unwrap());
        let small = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(1024, 1, 1, None).unwrap(),
        )
        .hash_password(b"pw-small", &SaltString::generate(&mut OsRng))
        .unwrap()
        .to_string();
        assert!(
            gate.verify("pw-small".into(), Some(small.clone()))
                .await
                .unwrap()
        );
        assert!(!gate.verify("pw-smalL".into(), Some(small)).await.unwrap());
        assert!(!gate.verify("anything".into(), None).await.unwrap());
    }
}
