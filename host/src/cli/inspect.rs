//! `mailbot inspect FILE.eml [--json]`: what mailbot sees in one message.

use std::path::Path;

use anyhow::Context;

use crate::mail::inspect::inspect;
use crate::mail::parse::ParseLimits;

/// Prints the inspection of `file`, as text or one JSON object.
pub fn run(file: &Path, json: bool) -> anyhow::Result<()> {
    let raw = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let inspection = inspect(&raw, &ParseLimits::default())
        .with_context(|| format!("{} is not a readable email", file.display()))?;
    if json {
        outln!("{}", serde_json::to_string(&inspection)?)?;
    } else {
        super::write_out(&inspection.to_string())?;
    }
    Ok(())
}
