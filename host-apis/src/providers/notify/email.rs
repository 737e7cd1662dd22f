//! Email through the configured SMTP relay (lettre, on tokio). A connection
//! per message: notices are rare, and a pooled connection the relay has
//! silently dropped would fail the one message that matters.

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use super::config::{SmtpConfig, SmtpTls};
use crate::ApiError;

/// A subject longer than this is refused rather than folded into oblivion.
const MAX_SUBJECT_CHARS: usize = 998;

/// The relay and the sender.
pub(crate) struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// `host:port`, for error messages.
    relay: String,
}

impl Mailer {
    pub(crate) fn new(config: &SmtpConfig) -> Result<Self, ApiError> {
        let relay = format!("{}:{}", config.host, config.effective_port());
        let invalid = |why: String| ApiError::Invalid(format!("smtp relay {relay}: {why}"));
        let from = config
            .from
            .parse::<Mailbox>()
            .map_err(|e| invalid(format!("from `{}` is not an address: {e}", config.from)))?;
        let builder = match config.tls {
            SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&config.host),
            SmtpTls::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&config.host)
                .map_err(|e| invalid(format!("STARTTLS setup: {e}")))?,
            SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&config.host)
                .map_err(|e| invalid(format!("TLS setup: {e}")))?,
        };
        let mut builder = builder
            .port(config.effective_port())
            .timeout(Some(config.timeout));
        match (&config.username, &config.password) {
            (Some(username), Some(password)) => {
                builder = builder.credentials(Credentials::new(
                    username.clone(),
                    password.expose().to_owned(),
                ));
            }
            (None, None) => {}
            _ => return Err(invalid("set both username and password, or neither".into())),
        }
        Ok(Self {
            transport: builder.build(),
            from,
            relay,
        })
    }

    /// Sends one plain-text message to `to`; returns the relay's reply.
    pub(crate) async fn send(
        &self,
        target: &str,
        to: &[Mailbox],
        subject: &str,
        body: &str,
    ) -> Result<String, ApiError> {
        let what = format!("email to target `{target}`");
        if subject.contains(['\r', '\n']) {
            return Err(ApiError::Invalid(format!(
                "{what}: the subject has a line break"
            )));
        }
        let chars = subject.chars().count();
        if chars > MAX_SUBJECT_CHARS {
            return Err(ApiError::Invalid(format!(
                "{what}: the subject has {chars} characters, more than {MAX_SUBJECT_CHARS}"
            )));
        }
        let mut message = Message::builder()
            .from(self.from.clone())
            .message_id(None)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN);
        for recipient in to {
            message = message.to(recipient.clone());
        }
        let message = message
            .body(body.to_owned())
            .map_err(|e| ApiError::Invalid(format!("{what}: {e}")))?;
        let response = self.transport.send(message).await.map_err(|e| {
            ApiError::Unavailable(format!("{what}: smtp relay {}: {e}", self.relay))
        })?;
        Ok(response.message().collect::<Vec<_>>().join(" "))
    }
}

/// Parses a target's recipients; `what` names the target.
pub(crate) fn recipients(what: &str, to: &[String]) -> Result<Vec<Mailbox>, ApiError> {
    if to.is_empty() {
        return Err(ApiError::Invalid(format!(
            "{what}: `to` lists no recipient"
        )));
    }
    to.iter()
        .map(|address| {
            address.parse::<Mailbox>().map_err(|e| {
                ApiError::Invalid(format!("{what}: `{address}` is not an address: {e}"))
            })
        })
        .collect()
}
