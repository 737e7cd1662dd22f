//! The data of one execution's `Store`.

use wasmtime::component::ResourceTable;
use wasmtime_wasi::{WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};
use wolfe_host_apis::HostContext;
use wolfe_host_apis::log::{LogBuffer, LogHost, LogStream};

use crate::limiter::MemoryLimiter;
use crate::stdio::GuestOutput;

/// Everything host functions may touch during one execution.
pub struct ExecState {
    wasi: WasiCtx,
    table: ResourceTable,
    pub log: LogHost,
    /// Every host interface but `log`: grant, audit trail, services.
    pub host: HostContext,
    pub limiter: MemoryLimiter,
}

/// The guest's stdout and stderr, which end up in its log.
pub struct ExecIo {
    pub stdout: GuestOutput,
    pub stderr: GuestOutput,
}

impl ExecState {
    pub fn new(log: LogBuffer, host: HostContext, limiter: MemoryLimiter) -> (Self, ExecIo) {
        let io = ExecIo {
            stdout: GuestOutput::new(log.clone(), LogStream::Stdout),
            stderr: GuestOutput::new(log.clone(), LogStream::Stderr),
        };
        // No preopened directories, no environment, no arguments, no network:
        // a runbook reaches the world only through Wolfe's own interfaces.
        let wasi = WasiCtxBuilder::new()
            .stdout(io.stdout.clone())
            .stderr(io.stderr.clone())
            .allow_tcp(false)
            .allow_udp(false)
            .allow_ip_name_lookup(false)
            .build();
        let state = Self {
            wasi,
            table: ResourceTable::new(),
            log: LogHost::new(log),
            host,
            limiter,
        };
        (state, io)
    }
}

impl WasiView for ExecState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}
