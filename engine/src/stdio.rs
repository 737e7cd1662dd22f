//! Guest stdout/stderr, captured line by line into the execution's log.
//!
//! The host never prints what a guest writes. Every write is accepted (a
//! guest must not fail because its log is full); the [`LogBuffer`] caps what
//! is kept and counts the rest.

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use tokio::io::AsyncWrite;
use wasmtime_wasi::cli::{IsTerminal, StdoutStream};
use wasmtime_wasi::p2::{OutputStream, Pollable, StreamResult};
use wolfe_host_apis::log::{LogBuffer, LogLevel, LogStream};

/// A partial line longer than this is logged as it is.
const MAX_LINE_BYTES: usize = 8 << 10;

/// One of the guest's output streams.
#[derive(Clone)]
pub struct GuestOutput {
    log: LogBuffer,
    stream: LogStream,
    partial: Arc<Mutex<Vec<u8>>>,
}

impl GuestOutput {
    pub fn new(log: LogBuffer, stream: LogStream) -> Self {
        Self {
            log,
            stream,
            partial: Arc::default(),
        }
    }

    fn accept(&self, bytes: &[u8]) {
        let mut partial = self.partial.lock().unwrap_or_else(|e| e.into_inner());
        partial.extend_from_slice(bytes);
        while let Some(end) = partial.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = partial.drain(..=end).collect();
            self.emit(&line[..line.len() - 1]);
        }
        if partial.len() > MAX_LINE_BYTES {
            let line = std::mem::take(&mut *partial);
            self.emit(&line);
        }
    }

    /// Logs whatever was written after the last newline.
    pub fn finish(&self) {
        let line = std::mem::take(&mut *self.partial.lock().unwrap_or_else(|e| e.into_inner()));
        if !line.is_empty() {
            self.emit(&line);
        }
    }

    fn emit(&self, line: &[u8]) {
        let level = match self.stream {
            LogStream::Stderr => LogLevel::Warn,
            _ => LogLevel::Info,
        };
        let message = String::from_utf8_lossy(line)
            .trim_end_matches('\r')
            .to_owned();
        self.log
            .push(level, self.stream, message, Default::default());
    }
}

impl IsTerminal for GuestOutput {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdoutStream for GuestOutput {
    fn p2_stream(&self) -> Box<dyn OutputStream> {
        Box::new(self.clone())
    }

    fn async_stream(&self) -> Box<dyn AsyncWrite + Send + Sync> {
        Box::new(self.clone())
    }
}

#[wasmtime_wasi::async_trait]
impl OutputStream for GuestOutput {
    fn write(&mut self, bytes: bytes::Bytes) -> StreamResult<()> {
        self.accept(&bytes);
        Ok(())
    }

    fn flush(&mut self) -> StreamResult<()> {
        Ok(())
    }

    fn check_write(&mut self) -> StreamResult<usize> {
        Ok(64 << 10)
    }
}

#[wasmtime_wasi::async_trait]
impl Pollable for GuestOutput {
    async fn ready(&mut self) {}
}

impl AsyncWrite for GuestOutput {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.accept(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wolfe_host_apis::log::LogLimits;

    fn output() -> (LogBuffer, GuestOutput) {
        let log = LogBuffer::new(LogLimits {
            max_lines: 100,
            max_bytes: 100_000,
        });
        (log.clone(), GuestOutput::new(log, LogStream::Stdout))
    }

    #[test]
    fn splits_writes_into_lines_across_chunks() {
        let (log, out) = output();
        out.accept(b"first li");
        out.accept(b"ne\r\nsecond\nthi");
        out.finish();
        let messages: Vec<_> = log
            .snapshot()
            .records
            .into_iter()
            .map(|r| r.message)
            .collect();
        assert_eq!(messages, ["first line", "second", "thi"]);
    }

    #[test]
    fn a_line_without_newline_is_cut_at_the_cap() {
        let (log, out) = output();
        out.accept(&vec![b'x'; MAX_LINE_BYTES + 1]);
        let records = log.snapshot().records;
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].message.len(), MAX_LINE_BYTES + 1);
    }
}
