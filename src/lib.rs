//! mixaudit: audits a business's marketing mix (the 7 Ps) for customer retention.
//!
//! The data flow is the module layout: [`input`] reads the client's files into
//! the typed [`model`]; [`analytics`] computes the retention figures;
//! [`checklist`] loads and compiles the 7-P retention checklist; [`score`]
//! evaluates it into one result model; [`report`] renders that result as an
//! Excel workbook, Markdown and JSON; [`batch`] runs many clients; [`cli`]
//! wires it to the command line.

// Problems carry their full location (file, sheet, cell, line, item) by value;
// they are built only on the error path, so their size costs nothing that matters.
#![allow(clippy::result_large_err)]
#![warn(missing_docs)]

pub mod analytics;
pub mod audit;
mod batch;
mod checklist;
pub mod cli;

pub mod error;
mod init;
pub mod input;
pub mod model;
pub mod report;
mod score;
