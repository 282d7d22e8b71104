//! Outgoing mail over SMTP (lettre), or to the log when no SMTP server is set.

use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// Sends mail. Cheap to clone.
#[derive(Clone)]
pub struct Mailer {
    transport: Option<AsyncSmtpTransport<Tokio1Executor>>,
    from: Mailbox,
}

impl Mailer {
    pub fn new(smtp_url: Option<&str>, from: &str) -> anyhow::Result<Self> {
        let from: Mailbox =
            from.parse().map_err(|e| anyhow::anyhow!("--mail-from / GOLDTHREAD_MAIL_FROM is not an address: {e}"))?;
        let transport = match smtp_url {
            None => None,
            Some(url) => {
                let target = SmtpTarget::parse(url)
                    .map_err(|e| anyhow::anyhow!("--smtp-url / GOLDTHREAD_SMTP_URL is not usable: {e}"))?;
                let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&target.host)
                    .port(target.port)
                    .timeout(Some(std::time::Duration::from_secs(20)));
                if let Some((user, password)) = target.credentials {
                    builder = builder.credentials(Credentials::new(user, password));
                }
                Some(builder.build())
            }
        };
        Ok(Self { transport, from })
    }

    /// Sends a plain-text message. Without SMTP, writes it to the log (the demo's way of
    /// showing what would be sent).
    pub async fn send(&self, to: &str, subject: &str, body: String) -> anyhow::Result<()> {
        let to: Mailbox = to.parse().map_err(|e| anyhow::anyhow!("recipient: {e}"))?;
        match &self.transport {
            None => {
                tracing::info!(subject, "mail not sent (no SMTP server set):\n{body}");
                Ok(())
            }
            Some(t) => {
                let message = Message::builder().from(self.from.clone()).to(to).subject(subject).body(body)?;
                t.send(message).await?;
                Ok(())
            }
        }
    }
}

/// Where to send mail, from `smtp://[user:password@]host[:port]`.
///
/// Only plain SMTP is supported so far (a relay on the same host or network, as most
/// deployments put in front of a mail service); TLS to a remote server is not built yet, and a
/// `smtps://` URL is refused rather than sent in clear.
#[derive(Debug, PartialEq, Eq)]
struct SmtpTarget {
    host: String,
    port: u16,
    credentials: Option<(String, String)>,
}

impl SmtpTarget {
    fn parse(url: &str) -> Result<Self, String> {
        let rest =
            url.strip_prefix("smtp://").ok_or_else(|| "use smtp://HOST:PORT (TLS is not supported yet)".to_owned())?;
        let rest = rest.split(['/', '?']).next().unwrap_or_default();
        let (credentials, host_port) = match rest.rsplit_once('@') {
            Some((creds, hp)) => {
                let (user, password) =
                    creds.split_once(':').ok_or_else(|| "credentials must be user:password".to_owned())?;
                (Some((user.to_owned(), password.to_owned())), hp)
            }
            None => (None, rest),
        };
        let (host, port) = match host_port.rsplit_once(':') {
            Some((h, p)) => (h, p.parse::<u16>().map_err(|_| format!("{p:?} is not a port"))?),
            None => (host_port, 25),
        };
        if host.is_empty() {
            return Err("the host is missing".to_owned());
        }
        Ok(Self { host: host.to_owned(), port, credentials })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_urls_parse() {
        assert_eq!(
            SmtpTarget::parse("smtp://127.0.0.1:2525"),
            Ok(SmtpTarget { host: "127.0.0.1".into(), port: 2525, credentials: None })
        );
        assert_eq!(
            SmtpTarget::parse("smtp://u:p@mail.example.org").map(|t| (t.port, t.credentials)),
            Ok((25, Some(("u".into(), "p".into()))))
        );
        assert!(SmtpTarget::parse("smtps://mail.example.org").is_err());
        assert!(SmtpTarget::parse("smtp://:25").is_err());
        assert!(SmtpTarget::parse("smtp://host:notaport").is_err());
    }
}
