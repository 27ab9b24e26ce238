//! Names on the NATS server, parsed once: a deployment's prefix keeps its
//! subjects and stream apart from another deployment's on the same server.

use yc_domain::LiveRoomId;

/// Where a node finds the others.
#[derive(Debug, Clone)]
pub struct NatsConfig {
    /// e.g. `nats://127.0.0.1:4222`
    pub url: String,
    pub prefix: Prefix,
}

/// 1–32 ASCII letters, digits, `_` or `-`: safe in a subject token and in
/// a stream name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prefix(String);

impl Prefix {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let ok = !raw.is_empty()
            && raw.len() <= 32
            && raw
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if ok {
            Ok(Prefix(raw.to_owned()))
        } else {
            Err(format!(
                "NATS prefix {raw:?}: use 1-32 ASCII letters, digits, '_' or '-'"
            ))
        }
    }

    /// A fresh prefix for one benchmark run or test (`{tag}` + 12 random
    /// hex digits), so its stream and subjects are its own.
    pub fn throwaway(tag: &str) -> Result<Self, String> {
        let random = uuid::Uuid::new_v4().simple().to_string();
        Prefix::parse(&format!("{tag}{}", &random[..12]))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn stream_name(&self) -> String {
        format!("{}_EVENTS", self.0.to_ascii_uppercase())
    }

    pub fn events_wildcard(&self) -> String {
        format!("{}.events.>", self.0)
    }

    /// A topic's dotted parts become subject tokens; anything a subject may
    /// not hold (spaces, wildcards, empty tokens) becomes `_`.
    pub fn event_subject(&self, topic: &str) -> String {
        let tokens: Vec<String> = topic
            .split('.')
            .map(|t| {
                let clean: String = t
                    .chars()
                    .map(|c| {
                        if c.is_whitespace() || c == '*' || c == '>' {
                            '_'
                        } else {
                            c
                        }
                    })
                    .collect();
                if clean.is_empty() { "_".into() } else { clean }
            })
            .collect();
        format!("{}.events.{}", self.0, tokens.join("."))
    }

    pub fn live_wildcard(&self) -> String {
        format!("{}.live.*", self.0)
    }

    pub fn live_subject(&self, room: LiveRoomId) -> String {
        format!("{}.live.{}", self.0, room)
    }

    /// The room a live subject names, if it is one of ours.
    pub fn room_of(&self, subject: &str) -> Option<LiveRoomId> {
        let rest = subject.strip_prefix(self.0.as_str())?;
        rest.strip_prefix(".live.")?.parse().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_are_checked() {
        assert!(Prefix::parse("yc").is_ok());
        assert!(Prefix::parse("yc-test_1").is_ok());
        let (a, b) = (
            Prefix::throwaway("t").unwrap(),
            Prefix::throwaway("t").unwrap(),
        );
        assert_ne!(a, b);
        assert!(a.as_str().starts_with('t') && a.as_str().len() == 13);
        for bad in ["", "a.b", "a b", "a*", "a>", &"x".repeat(33)] {
            assert!(Prefix::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn subjects_are_well_formed() {
        let p = Prefix::parse("yc").unwrap();
        assert_eq!(p.stream_name(), "YC_EVENTS");
        assert_eq!(p.event_subject("order.created"), "yc.events.order.created");
        assert_eq!(p.event_subject("a..b c*"), "yc.events.a._.b_c_");
        let room = LiveRoomId::new();
        assert_eq!(p.room_of(&p.live_subject(room)), Some(room));
        assert_eq!(p.room_of("other.live.x"), None);
        assert_eq!(p.room_of("yc.live.not-a-uuid"), None);
    }
}
