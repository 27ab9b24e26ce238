//! The load generator's bookkeeping: answers classified and latencies
//! recorded in HDR histograms, overall and per second (the client itself
//! is `http1`).

use hdrhistogram::Histogram;
use std::time::{Duration, Instant};

use super::http1::Reply;

/// What one answer was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Created,
    SoldOut,
    CapExceeded,
    Other(u16),
    Failed,
}

#[derive(Debug)]
pub struct Tally {
    pub latency_us: Histogram<u32>,
    /// The accepted orders' latencies alone: the overall figures mix in
    /// sold-out answers, which come back faster and are more numerous the
    /// faster they come back.
    pub created_us: Histogram<u32>,
    pub created: u64,
    pub sold_out: u64,
    pub cap_refused: u64,
    pub errors: u64,
    /// When the last order was accepted (end of the window with stock).
    pub last_created: Option<Instant>,
    /// Accepted orders per buyer index, to check caps from the outside.
    pub per_buyer: Vec<(usize, u32)>,
    /// Per second of the run since `start`: answers and their latencies,
    /// to show a ramp-up or a stall that one set of percentiles hides.
    pub start: Instant,
    pub seconds: Vec<Histogram<u32>>,
    /// Every answer in order of sending, when asked for (`--trace`).
    pub trace: Option<Vec<Traced>>,
}

/// One answer of a traced run: when its request left (µs since the
/// phase began), how long it took (µs) and what it was. A stall shows as
/// every connection's latency rising at the same offset, which per-second
/// percentiles smear.
#[derive(Debug, Clone, Copy)]
pub struct Traced {
    pub sent_us: u32,
    pub latency_us: u32,
    pub answer: Answer,
}

/// Answers one connection may trace (a run of 10 s at 100k answers/s
/// over 256 connections is ~4k each); the rest are counted, not traced.
const TRACE_PER_CONNECTION: usize = 1 << 20;

/// Counts are u32 (no connection answers 4 billion requests in a run):
/// 256 connections' histograms are ~40 MB with u64 counts, all faulted in
/// during the sale's first second on the cores the server needs.
///
/// The per-second timeline is bounded: a longer run folds into its last slot.
const TIMELINE_SECONDS: usize = 600;

impl Tally {
    /// A tally; `trace`: one that also keeps every answer (`Traced`).
    pub fn new(start: Instant, trace: bool) -> anyhow::Result<Tally> {
        Ok(Tally {
            start,
            seconds: Vec::new(),
            latency_us: Histogram::new_with_bounds(1, 120_000_000, 3)?,
            created_us: Histogram::new_with_bounds(1, 120_000_000, 3)?,
            created: 0,
            sold_out: 0,
            cap_refused: 0,
            errors: 0,
            last_created: None,
            per_buyer: Vec::new(),
            trace: trace.then(|| Vec::with_capacity(4096)),
        })
    }

    pub fn merge(&mut self, other: Tally) -> anyhow::Result<()> {
        self.latency_us.add(&other.latency_us)?;
        self.created_us.add(&other.created_us)?;
        self.created += other.created;
        self.sold_out += other.sold_out;
        self.cap_refused += other.cap_refused;
        self.errors += other.errors;
        self.last_created = self.last_created.max(other.last_created);
        self.per_buyer.extend(other.per_buyer);
        if let (Some(mine), Some(theirs)) = (&mut self.trace, other.trace) {
            mine.extend(theirs);
        }
        for (i, h) in other.seconds.iter().enumerate() {
            self.second(i)?.add(h)?;
        }
        Ok(())
    }

    /// The histogram of second `i` of the run.
    fn second(&mut self, i: usize) -> anyhow::Result<&mut Histogram<u32>> {
        let i = i.min(TIMELINE_SECONDS - 1);
        while self.seconds.len() <= i {
            self.seconds
                .push(Histogram::new_with_bounds(1, 120_000_000, 2)?);
        }
        Ok(&mut self.seconds[i])
    }

    /// One line per second: answers per second, p50 and p99 in ms.
    pub fn timeline(&self) -> String {
        self.seconds
            .iter()
            .enumerate()
            .map(|(i, h)| {
                format!(
                    "{}s {}/s p50 {:.1} p99 {:.1}",
                    i + 1,
                    h.len(),
                    h.value_at_quantile(0.5) as f64 / 1000.0,
                    h.value_at_quantile(0.99) as f64 / 1000.0
                )
            })
            .collect::<Vec<_>>()
            .join(" | ")
    }

    pub fn ms(&self, q: f64) -> f64 {
        self.latency_us.value_at_quantile(q) as f64 / 1000.0
    }

    /// `ms` of the accepted orders alone.
    pub fn created_ms(&self, q: f64) -> f64 {
        self.created_us.value_at_quantile(q) as f64 / 1000.0
    }
}

/// Writes a traced phase as text, one answer per line in order of sending:
/// `sent_us latency_us answer` (created, sold_out, cap, an HTTP status, or
/// failed).
pub fn write_trace(path: &std::path::Path, tally: &Tally) -> anyhow::Result<()> {
    use std::io::Write as _;
    let mut rows: Vec<&Traced> = tally.trace.iter().flatten().collect();
    rows.sort_unstable_by_key(|r| r.sent_us);
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(out, "# sent_us latency_us answer")?;
    for r in rows {
        write!(out, "{} {} ", r.sent_us, r.latency_us)?;
        match r.answer {
            Answer::Created => writeln!(out, "created")?,
            Answer::SoldOut => writeln!(out, "sold_out")?,
            Answer::CapExceeded => writeln!(out, "cap")?,
            Answer::Other(status) => writeln!(out, "{status}")?,
            Answer::Failed => writeln!(out, "failed")?,
        }
    }
    out.flush()?;
    Ok(())
}

/// What an answer means to the bench: by status and problem code.
pub fn classify(reply: Option<Reply<'_>>) -> Answer {
    let Some(Reply { status, body }) = reply else {
        return Answer::Failed;
    };
    match status {
        201 => Answer::Created,
        409 if contains(body, b"\"code\":\"sold_out\"") => Answer::SoldOut,
        409 if contains(body, b"\"code\":\"cap_exceeded\"") => Answer::CapExceeded,
        other => Answer::Other(other),
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Records one answer into a tally.
pub fn record(t: &mut Tally, answer: Answer, started: Instant, buyer: usize) -> anyhow::Result<()> {
    let us = u64::try_from(started.elapsed().as_micros())
        .unwrap_or(u64::MAX)
        .max(1);
    t.latency_us.record(us.min(120_000_000))?;
    let sent = started.saturating_duration_since(t.start);
    if let Some(trace) = t.trace.as_mut().filter(|v| v.len() < TRACE_PER_CONNECTION) {
        trace.push(Traced {
            sent_us: u32::try_from(sent.as_micros()).unwrap_or(u32::MAX),
            latency_us: u32::try_from(us).unwrap_or(u32::MAX),
            answer,
        });
    }
    let second = sent.as_secs();
    t.second(usize::try_from(second).unwrap_or(usize::MAX))?
        .record(us.min(120_000_000))?;
    match answer {
        Answer::Created => {
            t.created_us.record(us.min(120_000_000))?;
            t.created += 1;
            t.last_created = Some(Instant::now());
            t.per_buyer.push((buyer, 1));
        }
        Answer::SoldOut => t.sold_out += 1,
        Answer::CapExceeded => t.cap_refused += 1,
        Answer::Other(_) | Answer::Failed => t.errors += 1,
    }
    Ok(())
}

/// Seconds between `start` and the end of the window in which stock
/// remained (the last acceptance), or the whole run if it never sold out.
pub fn stock_window(start: Instant, tally: &Tally, run: Duration) -> f64 {
    let end = if tally.sold_out > 0 {
        tally.last_created.unwrap_or(start + run)
    } else {
        start + run
    };
    end.saturating_duration_since(start)
        .as_secs_f64()
        .max(0.001)
}
