//! One engine instance: a runner per environment plus the lease sweeper.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;
use wolfe_engine::{Runtime, Services};
use wolfe_store::Store;

use crate::runner::{Runner, RunnerConfig};
use crate::sweeper::sweep_expired_leases;

/// Running runners and sweeper; [`EngineHandle::shutdown`] stops them
/// gracefully (in-flight executions finish and record their results).
pub struct EngineHandle {
    shutdown: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

/// Starts a runner for each of `environments` (sharing `template`'s
/// settings) and one sweeper that checks leases every `sweep_every`.
pub fn start_engine(
    store: Store,
    runtime: Arc<Runtime>,
    wake: Arc<Notify>,
    environments: &[String],
    template: &RunnerConfig,
    sweep_every: Duration,
    services: Arc<Services>,
) -> EngineHandle {
    let (shutdown, stopped) = watch::channel(false);
    let mut tasks = Vec::new();
    for environment in environments {
        let config = RunnerConfig {
            environment: environment.clone(),
            ..template.clone()
        };
        let runner = Arc::new(Runner::new(
            store.clone(),
            runtime.clone(),
            config,
            wake.clone(),
            services.clone(),
        ));
        tasks.push(tokio::spawn(runner.run(stopped.clone())));
    }
    tasks.push(tokio::spawn(sweep_expired_leases(
        store,
        sweep_every,
        wake,
        stopped,
    )));
    EngineHandle { shutdown, tasks }
}

impl EngineHandle {
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        for task in self.tasks {
            let _ = task.await;
        }
    }
}
