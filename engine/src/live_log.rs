//! Watching an execution's log while it runs.

use std::sync::{Arc, Mutex};

use wolfe_host_apis::log::{LogBuffer, LogRecord};

/// The caller's view of a running execution's log (see
/// [`crate::Runtime::execute_live`]): [`LiveLog::take_new`] moves out the
/// records written since the last take, capped and redacted exactly as the
/// result's `logs` are. A record taken here is not in the result, so the
/// caller that takes records owns them. Cheap to clone; give each
/// execution its own.
#[derive(Clone, Default)]
pub struct LiveLog {
    buffer: Arc<Mutex<Option<LogBuffer>>>,
}

impl LiveLog {
    pub fn new() -> Self {
        Self::default()
    }

    /// The records written since the last take, oldest first; none before
    /// the execution has started.
    pub fn take_new(&self) -> Vec<LogRecord> {
        match &*self.lock() {
            Some(buffer) => buffer.take_new(),
            None => Vec::new(),
        }
    }

    /// Follows the log of the execution that is starting.
    pub(crate) fn attach(&self, buffer: &LogBuffer) {
        *self.lock() = Some(buffer.clone());
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<LogBuffer>> {
        self.buffer.lock().unwrap_or_else(|e| e.into_inner())
    }
}
