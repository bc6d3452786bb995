//! One kind of problem report for everything a user can get wrong.
//!
//! Input problems are collected, not thrown at the first: a loader pushes every
//! [`Problem`] it finds into [`Problems`] and the run stops only after the whole
//! file was read, so a consultant fixes a client's spreadsheet in one round.

pub mod codes;
mod diagnostic;

pub use codes::{Code, Severity};
pub use diagnostic::{Diagnostic, DiagnosticRecord};

use std::fmt;
use std::path::Path;

/// How many problems of one file are listed before the rest are only counted.
pub const MAX_PROBLEMS_PER_FILE: usize = 50;

/// Where a problem sits: a spreadsheet cell, a YAML line, or a whole file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Location {
    /// File name as the user gave it (not canonicalised, so it reads familiar).
    pub file: String,
    /// Sheet name for spreadsheets.
    pub sheet: Option<String>,
    /// Zero-based row of the cell, when the problem is about a row or cell.
    pub row: Option<u32>,
    /// Zero-based column of the cell, when the problem is about one cell.
    pub col: Option<u32>,
    /// One-based line, for YAML and CSV files where lines are what users see.
    pub line: Option<usize>,
    /// Checklist item id, for checklist problems.
    pub item: Option<String>,
}

impl Location {
    /// A problem about a whole file.
    pub fn file(path: &Path) -> Self {
        Location {
            file: display_name(path),
            sheet: None,
            row: None,
            col: None,
            line: None,
            item: None,
        }
    }

    /// A problem about a sheet of a file.
    pub fn sheet(file: &str, sheet: &str) -> Self {
        Location {
            file: file.to_string(),
            sheet: Some(sheet.to_string()),
            row: None,
            col: None,
            line: None,
            item: None,
        }
    }

    /// Narrows to a cell (zero-based row and column).
    pub fn at(mut self, row: u32, col: u32) -> Self {
        self.row = Some(row);
        self.col = Some(col);
        self
    }

    /// Narrows to a row.
    pub fn at_row(mut self, row: u32) -> Self {
        self.row = Some(row);
        self
    }

    /// Narrows to a column (zero-based), for what concerns a whole column.
    pub fn at_col(mut self, col: u32) -> Self {
        self.col = Some(col);
        self
    }

    /// Narrows to a YAML line (one-based).
    pub fn at_line(mut self, line: Option<usize>) -> Self {
        self.line = line;
        self
    }

    /// Names the checklist item concerned.
    pub fn item(mut self, id: &str) -> Self {
        self.item = Some(id.to_string());
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(sheet) = self.sheet.as_ref().filter(|s| !s.is_empty()) {
            write!(f, " › {sheet}")?;
        }
        match (self.row, self.col) {
            (Some(r), Some(c)) => write!(f, " › {}", a1(r, c))?,
            (Some(r), None) => write!(f, " › row {}", r + 1)?,
            (None, Some(c)) => write!(f, " › column {}", column_letters(c))?,
            (None, None) => {}
        }
        if let Some(item) = &self.item {
            write!(f, " › {item}")?;
        }
        Ok(())
    }
}

/// One thing wrong with the user's input, said so a person can fix it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Problem {
    /// What kind of problem it is (see [`codes`]).
    pub code: Code,
    /// Where it is.
    pub location: Location,
    /// What was found, in the user's terms (quoted values, header names).
    pub found: String,
    /// What was expected instead; empty when the finding says it all.
    pub expected: String,
}

impl Problem {
    /// A problem of kind `code` at `location`.
    pub fn new(
        code: Code,
        location: Location,
        found: impl Into<String>,
        expected: impl Into<String>,
    ) -> Self {
        Problem {
            code,
            location,
            found: found.into(),
            expected: expected.into(),
        }
    }
}

impl Problem {
    /// The problem as a diagnostic (the message holds found and expected).
    pub fn diagnostic(&self) -> Diagnostic {
        let mut message = self.found.clone();
        if !self.expected.is_empty() {
            message.push_str("; expected ");
            message.push_str(&self.expected);
        }
        Diagnostic::at(self.code, self.location.clone(), message)
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.found)?;
        if !self.expected.is_empty() {
            write!(f, "; expected {}", self.expected)?;
        }
        Ok(())
    }
}

/// The problems found so far, capped per file so a broken million-row export
/// does not print a million lines.
#[derive(Debug, Default, Clone)]
pub struct Problems {
    list: Vec<Problem>,
    omitted: Vec<(String, usize)>,
}

impl Problems {
    /// Records a problem, or only counts it when its file already has the maximum.
    pub fn push(&mut self, p: Problem) {
        let file = &p.location.file;
        let listed = self
            .list
            .iter()
            .filter(|q| &q.location.file == file)
            .count();
        if listed < MAX_PROBLEMS_PER_FILE {
            self.list.push(p);
        } else if let Some(entry) = self.omitted.iter_mut().find(|(f, _)| f == file) {
            entry.1 += 1;
        } else {
            self.omitted.push((file.clone(), 1));
        }
    }

    /// Whether nothing went wrong.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The listed problems.
    pub fn list(&self) -> &[Problem] {
        &self.list
    }

    /// All problems found, listed or only counted.
    pub fn total(&self) -> usize {
        self.list.len() + self.omitted.iter().map(|(_, n)| n).sum::<usize>()
    }

    /// Every problem as a diagnostic, then one note per file whose further
    /// problems were only counted.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let mut out: Vec<Diagnostic> = self.list.iter().map(Problem::diagnostic).collect();
        for (file, n) in &self.omitted {
            out.push(Diagnostic::at(
                Code::NotListed,
                Location::file(Path::new(file)),
                format!("… and {n} more problem(s) not listed"),
            ));
        }
        out
    }

    /// Moves every problem of `other` into `self`.
    pub fn extend(&mut self, other: Problems) {
        for p in other.list {
            self.push(p);
        }
        for (file, n) in other.omitted {
            match self.omitted.iter_mut().find(|(f, _)| *f == file) {
                Some(entry) => entry.1 += n,
                None => self.omitted.push((file, n)),
            }
        }
    }

    /// Puts the problems of each file together, files in the order they
    /// were first reported (audit.yaml, checklist, customers, spend…),
    /// each file's problems in the order found.
    pub fn group_by_file(&mut self) {
        let mut files: Vec<String> = Vec::new();
        for p in &self.list {
            if !files.contains(&p.location.file) {
                files.push(p.location.file.clone());
            }
        }
        self.list
            .sort_by_key(|p| files.iter().position(|f| *f == p.location.file));
    }

    /// Ok when empty, else the problems as an error.
    pub fn into_result(self) -> Result<(), Error> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(Error::Problems(self))
        }
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.list.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        for (file, n) in &self.omitted {
            write!(f, "\n{file}: … and {n} more problem(s) not listed")?;
        }
        Ok(())
    }
}

/// Everything that stops an audit.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The user's files have problems (all of them listed).
    #[error("{0}")]
    Problems(Problems),
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file concerned.
        path: String,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// Writing an output failed.
    #[error("writing {path}: {message}")]
    Output {
        /// The output file.
        path: String,
        /// What went wrong.
        message: String,
    },
    /// The command line asks for something impossible (exit code 2).
    #[error("{0}")]
    Usage(String),
    /// The run could not be done for a reason that is not a file's content
    /// (no clients found, a merge input that is not an audit).
    #[error("{0}")]
    Failed(String),
}

impl Error {
    /// An error made of a single problem.
    pub fn problem(p: Problem) -> Self {
        let mut all = Problems::default();
        all.push(p);
        Error::Problems(all)
    }

    /// The error as diagnostics: every problem, or one diagnostic for the rest.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let code = match self {
            Error::Problems(p) => return p.diagnostics(),
            Error::Io { .. } => Code::Io,
            Error::Output { .. } => Code::OutputFailed,
            Error::Usage(_) => Code::Usage,
            Error::Failed(_) => Code::RunFailed,
        };
        vec![Diagnostic::new(code, self.to_string())]
    }

    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Error::Io {
            path: path.display().to_string(),
            source,
        }
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Excel's A1 name of a zero-based cell.
pub fn a1(row: u32, col: u32) -> String {
    format!("{}{}", column_letters(col), row + 1)
}

/// Excel's column letters of a zero-based column (0 → A, 26 → AA).
pub fn column_letters(col: u32) -> String {
    let mut n = col + 1;
    let mut s = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        s.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// " (did you mean `x`?)" when a candidate is close to `name`, else nothing:
/// a far-fetched suggestion misleads more than none.
pub fn suggest(name: &str, candidates: &[&str]) -> String {
    let lower = name.to_lowercase();
    candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(&lower, &c.to_lowercase()), c))
        .filter(|(s, _)| *s >= 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| format!(" (did you mean `{c}`?)"))
        .unwrap_or_default()
}

/// The name users know a file by: its file name, not the whole path.
pub fn display_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a1_names() {
        assert_eq!(a1(0, 0), "A1");
        assert_eq!(a1(16, 3), "D17");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    #[test]
    fn problem_reads_like_the_spec() {
        let p = Problem::new(
            Code::InvalidValue,
            Location::sheet("customers.xlsx", "Customers").at(16, 3),
            "\"next week\" is not a date",
            "a date such as 2026-03-31",
        );
        assert_eq!(
            p.to_string(),
            "customers.xlsx › Customers › D17: \"next week\" is not a date; expected a date such as 2026-03-31"
        );
    }

    #[test]
    fn problems_group_by_file_in_first_seen_order() {
        let mut all = Problems::default();
        for (file, what) in [
            ("audit.yaml", "a"),
            ("customers.csv", "b"),
            ("audit.yaml", "c"),
        ] {
            all.push(Problem::new(
                Code::InvalidValue,
                Location::sheet(file, "S"),
                what,
                "",
            ));
        }
        all.group_by_file();
        let order: Vec<&str> = all.list().iter().map(|p| p.found.as_str()).collect();
        assert_eq!(order, ["a", "c", "b"]);
    }

    #[test]
    fn problems_are_capped_per_file() {
        let mut all = Problems::default();
        for i in 0..(MAX_PROBLEMS_PER_FILE as u32 + 5) {
            all.push(Problem::new(
                Code::InvalidValue,
                Location::sheet("a.xlsx", "S").at(i, 0),
                "bad",
                "",
            ));
        }
        assert_eq!(all.list().len(), MAX_PROBLEMS_PER_FILE);
        assert!(
            all.to_string()
                .ends_with("a.xlsx: … and 5 more problem(s) not listed")
        );
    }
}
