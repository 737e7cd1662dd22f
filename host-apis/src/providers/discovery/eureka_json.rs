//! Eureka's JSON documents (`Accept: application/json`). Eureka's encoders
//! differ between versions: an application with one instance may carry it
//! as an object rather than a one-element array, and a port's `$` may be a
//! number or a string.

use serde::Deserialize;
use serde_json::Value;

use super::types::DiscoveryInstance;

/// `GET /apps/{APP}`.
#[derive(Deserialize)]
pub(super) struct ApplicationDocument {
    pub application: Application,
}

#[derive(Deserialize)]
pub(super) struct Application {
    #[serde(default)]
    instance: OneOrMany,
}

#[derive(Deserialize, Default)]
#[serde(untagged)]
enum OneOrMany {
    #[default]
    None,
    One(Box<Instance>),
    Many(Vec<Instance>),
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Instance {
    instance_id: Option<String>,
    host_name: String,
    app: String,
    #[serde(default)]
    ip_addr: String,
    status: String,
    port: Option<Port>,
}

#[derive(Deserialize)]
struct Port {
    #[serde(rename = "$")]
    number: Value,
    #[serde(rename = "@enabled", default)]
    enabled: Value,
}

impl Application {
    pub fn instances(self) -> Vec<DiscoveryInstance> {
        let instances = match self.instance {
            OneOrMany::None => Vec::new(),
            OneOrMany::One(instance) => vec![*instance],
            OneOrMany::Many(instances) => instances,
        };
        instances
            .into_iter()
            .map(Instance::into_discovery)
            .collect()
    }
}

impl Instance {
    fn into_discovery(self) -> DiscoveryInstance {
        DiscoveryInstance {
            id: self.instance_id.unwrap_or_else(|| self.host_name.clone()),
            app: self.app,
            host_name: self.host_name,
            ip_addr: self.ip_addr,
            status: self.status,
            port: self.port.and_then(Port::enabled_number),
        }
    }
}

impl Port {
    fn enabled_number(self) -> Option<u16> {
        let enabled = match &self.enabled {
            Value::String(s) => s == "true",
            Value::Bool(b) => *b,
            // Absent: Eureka only omits it for the default, enabled.
            _ => true,
        };
        let number = match &self.number {
            Value::Number(n) => n.as_u64(),
            Value::String(s) => s.parse().ok(),
            _ => None,
        };
        number
            .and_then(|n| u16::try_from(n).ok())
            .filter(|_| enabled)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Vec<DiscoveryInstance> {
        serde_json::from_str::<ApplicationDocument>(json)
            .unwrap()
            .application
            .instances()
    }

    #[test]
    fn ports_as_strings_and_disabled_ports() {
        let instances = parse(
            r#"{"application":{"name":"A","instance":[
                {"hostName":"h1","app":"A","ipAddr":"10.0.0.1","status":"UP",
                 "port":{"$":"8080","@enabled":"true"}},
                {"instanceId":"i-2","hostName":"h2","app":"A","ipAddr":"10.0.0.2","status":"DOWN",
                 "port":{"$":8080,"@enabled":"false"}}]}}"#,
        );
        assert_eq!(instances[0].id, "h1", "no instanceId: the host name");
        assert_eq!(instances[0].port, Some(8080));
        assert_eq!(instances[1].port, None);
    }

    #[test]
    fn an_application_without_instances() {
        assert!(parse(r#"{"application":{"name":"A"}}"#).is_empty());
        assert!(parse(r#"{"application":{"name":"A","instance":[]}}"#).is_empty());
    }
}
