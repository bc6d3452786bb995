//! The table of diagnostic codes: every problem and warning mixaudit reports
//! carries one, so a consultant can look it up (`mixaudit explain MX101`),
//! a script can match on it, and the wording can change without breaking
//! either. Codes are grouped by area (hundreds digit) and never reused.
//!
//! The enum and the table are generated from one list, so a code cannot
//! exist without its severity, slug and explanation.

use std::fmt;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Stops the audit: nothing is written until the input is fixed.
    Error,
    /// The audit ran, but a figure or a reading may not be what the user meant.
    Warning,
    /// Worth knowing; nothing is wrong.
    Info,
}

impl Severity {
    /// The lowercase word used on the terminal and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// One row of the code table.
#[derive(Debug, Clone, Copy)]
pub struct CodeInfo {
    /// The code as an enum value.
    pub code: Code,
    /// The stable identifier, e.g. `MX101`.
    pub id: &'static str,
    /// A short kebab-case name, e.g. `missing-column`.
    pub slug: &'static str,
    /// Severity of every diagnostic with this code.
    pub severity: Severity,
    /// What it means and how to fix the input, in a sentence or two.
    pub help: &'static str,
}

macro_rules! codes {
    ($( $variant:ident = $id:literal, $slug:literal, $sev:ident, $help:literal; )*) => {
        /// Every diagnostic code (see [`ALL`] for the table).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code {
            $( #[doc = $help] $variant, )*
        }

        /// The table of all codes, in code order.
        pub const ALL: &[CodeInfo] = &[
            $( CodeInfo { code: Code::$variant, id: $id, slug: $slug, severity: Severity::$sev, help: $help }, )*
        ];
    };
}

codes! {
    // MX0xx — the run itself
    Usage = "MX001", "usage", Error,
        "The command line asks for something that cannot be done (a missing folder, a parameter the checklist does not declare, an output folder that would overwrite an input). Correct the command as the message says.";
    Io = "MX002", "io-error", Error,
        "The operating system refused to read or write a file. Check that the path exists and that you may read (or write) it.";
    OutputFailed = "MX003", "output-failed", Error,
        "An output file could not be written. Check the free disk space and that the output folder is writable and not open in another program.";
    RunFailed = "MX004", "run-failed", Error,
        "The run could not be done for a reason outside the files' contents (no client folders found, a merge input that is not an audit, another run writing to the same folder). The message says which.";
    NotListed = "MX005", "problems-not-listed", Info,
        "A file has more problems than are listed; only the first ones are shown. Fix those and run again to see the rest.";
    AlreadyExists = "MX006", "file-exists", Error,
        "`mixaudit init` would overwrite a file that is already there. Use an empty folder, or `--force` to overwrite.";

    // MX1xx — tables and columns
    MissingColumn = "MX101", "missing-column", Error,
        "A sheet has no column for a field the audit needs. Add the column, rename its header to one mixaudit knows, or map your header with `columns:` in audit.yaml.";
    NoHeaderRow = "MX102", "no-header-row", Error,
        "No row near the top of the sheet names any known column. Put a header row (customer_id, revenue, …) above the data, within the first rows.";
    EmptySheet = "MX103", "empty-sheet", Error,
        "The sheet holds nothing. Fill it with a header row and one row per record, or point audit.yaml at the right sheet.";
    NoRows = "MX104", "no-rows", Error,
        "The sheet has a header row but no records below it. Add one row per customer (or per touchpoint) under the header.";
    MissingSheet = "MX105", "missing-sheet", Error,
        "The workbook has no sheet with the expected name. Rename the sheet, or name it with `sheets:` in audit.yaml.";

    // MX2xx — files
    FileMissing = "MX201", "file-missing", Error,
        "An input file is not where it should be. Put customers.* and spend.* in the client folder, or name them with --customers/--spend or in audit.yaml.";
    SeveralFiles = "MX202", "several-files", Error,
        "The folder holds more than one candidate file for the same input. Keep one, or say which one to use in audit.yaml.";
    NotRegularFile = "MX203", "not-regular-file", Error,
        "The path is a folder, device, pipe or similar rather than a file, so it was not read. Point to a regular file.";
    Unreadable = "MX204", "unreadable-file", Error,
        "The file could not be read (permissions, a broken disk, a file locked by another program). Check it opens, then run again.";
    EmptyFile = "MX205", "empty-file", Error,
        "The file is empty (0 bytes). Export or save it again.";
    UnknownFileType = "MX206", "unknown-file-type", Error,
        "The file's extension is not a spreadsheet or CSV type mixaudit reads. Save it as .xlsx, .xls, .ods or .csv.";
    NotSpreadsheet = "MX207", "not-a-spreadsheet", Error,
        "The file's content does not match its extension (a PDF or text file renamed .xlsx, binary data in a .csv). Export the real spreadsheet again.";
    NotUtf8 = "MX208", "not-utf8", Error,
        "A YAML file (audit.yaml, a checklist or a template) is not UTF-8 text. Save it as UTF-8 in your editor.";
    PasswordProtected = "MX209", "password-protected", Error,
        "The workbook is encrypted with a password, so it cannot be read. Save a copy without the password.";
    MalformedWorkbook = "MX210", "malformed-workbook", Error,
        "The workbook is damaged or not what its type promises, and the spreadsheet reader gave up. Open it in Excel or LibreOffice and save it again.";
    InvalidCsv = "MX211", "invalid-csv", Error,
        "A CSV file is not well-formed at the row given (unbalanced quotes, a broken line). Export it again from the spreadsheet program.";

    // MX3xx — cell values
    InvalidValue = "MX301", "invalid-value", Error,
        "A cell does not hold what its column needs (text where a date or number belongs). Correct the cell, or clear it if the value is unknown.";
    OutOfRange = "MX302", "out-of-range", Error,
        "A value is outside what the field allows (a negative count, a score above 10, a date before 1900). Correct the cell.";
    MixedConventions = "MX303", "mixed-conventions", Error,
        "One column mixes conventions (decimal comma and decimal point, or day-first and month-first dates). Use one convention throughout the column.";
    AmbiguousNumber = "MX304", "ambiguous-number", Error,
        "An amount such as 1.200 could be a thousand two hundred or one point two, and nothing in the column settles it. Set `decimal:` in audit.yaml or write the amounts unambiguously.";
    AmbiguousDate = "MX305", "ambiguous-date", Error,
        "A date such as 03/04/2026 could be day-first or month-first, and no date in the column settles it. Set `dates: day-first` (or month-first) in audit.yaml, or use ISO dates (2026-04-03).";
    MissingValue = "MX306", "missing-value", Error,
        "A cell that every row needs is empty (a customer id, a touchpoint name, its P or spend, an order's customer or date). Fill it in.";
    UnknownP = "MX307", "unknown-p", Error,
        "A touchpoint's P is not one of the 7 Ps. Use product, price, place, promotion, people, process or physical evidence.";
    UnknownObjective = "MX308", "unknown-objective", Error,
        "A touchpoint's objective is not one mixaudit knows. Use acquisition, retention or both.";
    UnknownStage = "MX309", "unknown-stage", Error,
        "A touchpoint's stage is not a loyalty-ladder stage. Use prospect, customer, client, supporter or advocate (several separated by ;).";
    NegativeSpend = "MX310", "negative-spend", Error,
        "A touchpoint's spend is below zero. Record refunds or credits as lower spend instead.";
    TotalOverflow = "MX311", "total-overflow", Error,
        "Every amount of a money column is a number, but together they add up beyond what a computer can hold (values such as 1e308). Look for runaway values in the column and correct them.";
    BlankTemplate = "MX312", "blank-template", Error,
        "The file holds only the example row that `mixaudit init` writes: the templates are still blank. Replace the example with the client's own rows.";

    // MX4xx — duplicates
    DuplicateCustomer = "MX401", "duplicate-customer", Error,
        "Two rows have the same customer id. Merge them into one row per customer, or give each its own id.";
    DuplicateTouchpoint = "MX402", "duplicate-touchpoint", Error,
        "Two spend rows have the same touchpoint name but another P or objective. Rows of one touchpoint (one per month, say) are summed only when they agree; correct the P or objective, or name the touchpoints apart.";
    DuplicateHeader = "MX403", "duplicate-header", Error,
        "Two columns of a header row have the same name, so it is not clear which one to read. Rename one of them, or delete the copy.";

    // MX5xx — audit.yaml and waivers
    ConfigInvalid = "MX501", "config-invalid", Error,
        "audit.yaml is not valid YAML or has a key mixaudit does not know (misspelt keys are refused so they are not silently ignored). Fix the line given.";
    ConfigValue = "MX502", "config-value", Error,
        "A setting in audit.yaml has a value that is not allowed (decimal, dates, as_of). Use one of the values the message lists.";
    UnknownField = "MX503", "unknown-field", Error,
        "`columns:` in audit.yaml maps a field mixaudit does not know. Use one of the field names listed in the README.";
    WaiverInvalid = "MX504", "waiver-invalid", Error,
        "A waiver in audit.yaml lacks its reason or has an expiry that is not a date. Every waiver says why the item does not apply, and `expires:` is an ISO date.";
    WaiverUnknownItem = "MX505", "waiver-unknown-item", Error,
        "A waiver names a checklist item that does not exist. Use an item id from `mixaudit checklist`.";
    WaiverTouchpoint = "MX506", "waiver-touchpoint", Error,
        "A waiver names a touchpoint that is not on the spend sheet, or names one for an item that is judged once per client. Correct or remove `touchpoint:`.";

    // MX6xx — checklist
    ChecklistInvalid = "MX601", "checklist-invalid", Error,
        "The checklist file is not valid YAML or has a key mixaudit does not know. Fix the line given.";
    ChecklistValue = "MX602", "checklist-value", Error,
        "A checklist setting is not allowed (a weight of 0, an unknown scope or P, ratings out of order, a bad RFM or defection table). Correct the value at the line given.";
    DuplicateItem = "MX603", "duplicate-item", Error,
        "Two checklist items share an id. Give every item its own id.";
    RuleInvalid = "MX604", "rule-invalid", Error,
        "A rule of a checklist item is not a valid expression or reads a variable that does not exist. Correct the rule at the line given.";
    UnknownTouchpointField = "MX605", "unknown-touchpoint-field", Error,
        "A rule reads a touchpoint field that is neither a standard field nor a column of the spend sheet. Correct the name in the rule, or add the column.";

    // MX7xx — resource limits
    InputLimit = "MX701", "input-limit", Error,
        "The file is larger or deeper than mixaudit's input budgets allow (it may be corrupt, or built to exhaust memory). Check the file; real client files are far below these limits.";
    ExcelLimit = "MX702", "excel-limit", Error,
        "The file has cells beyond Excel's own size limits (rows or columns), so it is damaged or was not made by a spreadsheet program. Save it again from Excel or LibreOffice.";
    TooManyTouchpoints = "MX703", "too-many-touchpoints", Error,
        "The spend sheet has more rows than an audit can score. Use one row per marketing activity, not one per contact.";

    // MX8xx — warnings about the inputs
    OrdersOnlyCustomers = "MX801", "orders-only-customers", Warning,
        "Some customer ids appear in the Orders sheet but not in the customer list; they were added as customers. Add them to the customer list if they are real customers.";
    NoOrders = "MX802", "no-orders", Warning,
        "The Orders sheet exists but holds no orders. Fill it or remove it.";
    UnknownInteractionCustomers = "MX803", "unknown-interaction-customers", Warning,
        "Some rows of the Interactions sheet name customers not in the customer list; they were skipped. Check the ids match the customer list.";
    UnknownTouchpoints = "MX804", "unknown-touchpoints", Warning,
        "The customers' touchpoints (or the Interactions sheet) name touchpoints the spend sheet does not list, so that reach is not counted. Use the same names on both sheets.";
    TextCut = "MX805", "text-cut", Warning,
        "Some texts are longer than an Excel cell holds and were cut to fit. Shorten them in the input if the end matters.";
    TotalsRows = "MX806", "totals-rows", Info,
        "Rows labelled as totals (\"Total\", \"I alt\", \"Summe\") were skipped, not read as customers. Nothing to do unless a real customer has that name.";
    FormulaErrors = "MX807", "formula-errors", Warning,
        "Cells hold a formula error (#N/A, #DIV/0!) or a formula with no saved result and were read as empty. Recalculate and save the workbook in Excel, or fix the formulas.";
    ThousandsGuess = "MX808", "thousands-guess", Warning,
        "Amounts such as 1.200 were read as whole amounts with a thousands separator. Set `decimal: \",\"` in audit.yaml if they are decimals.";
    NoPurchaseDate = "MX809", "no-purchase-date", Warning,
        "Customers with orders have no last purchase date, so they count as inactive. Fill in last_purchase, or add an Orders sheet.";
    CustomersSplit = "MX810", "customers-split", Info,
        "There are more customers than an Excel sheet has rows; the Customers sheet continues on further sheets.";
    // MX811 (no-excel-table) is retired: the Customers sheet is a table at every size.
    SpendRowsSummed = "MX812", "spend-rows-summed", Info,
        "Several spend rows name the same touchpoint with the same P and objective (one row per month, say); they were summed into one touchpoint. Nothing to do if that is how the export is laid out.";
    SpendPeriodLonger = "MX813", "spend-period-longer", Warning,
        "The spend sheet's period column covers more days than the audited period (`period_days`), so the spend of all of it was summed. Keep only the audited months, or set `period_days` to match.";
    WideRows = "MX814", "wide-rows", Warning,
        "Some CSV rows have more cells than the header; the cells beyond the header were ignored. Check the rows named for a stray separator (a comma inside an unquoted name, say).";
    ShadowedColumn = "MX815", "shadowed-column", Warning,
        "Two columns name the same field (`Revenue (DKK)` and `Revenue (EUR)`); the first is read and the other kept as an extra column. Map the one you mean with `columns:` in audit.yaml, or rename the other.";
    ExampleRow = "MX816", "example-row", Warning,
        "A row still holds the example `mixaudit init` writes into its templates; it is left out of the audit. Delete the row from the sheet.";
    TemplateClient = "MX817", "template-client", Warning,
        "audit.yaml still names the client as the template does (\"Client name\"); the folder name is used instead. Write the client's name in audit.yaml.";

    CurrencyUnsettled = "MX818", "currency-unsettled", Warning,
        "The currency marks in the inputs fit several currencies (`kr.`: Danish, Norwegian or Swedish kroner) or disagree (`DKK` beside `€`), so amounts show without a currency. Put `currency:` with its ISO code (DKK, EUR…) in audit.yaml.";
    CurrencyContradicted = "MX819", "currency-contradicted", Warning,
        "audit.yaml names a currency that a header or cell of the inputs contradicts; amounts show in the audit.yaml currency. Check which is right.";
    PreviousNotEarlier = "MX820", "previous-not-earlier", Warning,
        "The previous audit compared with is not dated before this one, so the change since the previous audit may run backwards. Check the --previous file and the audit dates.";

    // MX85x — warnings from the analytics
    RetentionNeedsOrders = "MX851", "retention-needs-orders", Warning,
        "The retention rate needs one row per order (an Orders sheet); without it the figure is left empty. Add an Orders sheet with customer_id, date and amount.";
    RetentionNoBase = "MX852", "retention-no-base", Warning,
        "No customer ordered in the previous period, so there is no retention rate to compute. Check the audit date and the period length.";
    ValueNotEstimated = "MX853", "value-not-estimated", Warning,
        "Customer lifetime value could not be estimated (too few buyers with purchase dates, or no pattern the model can learn). The value figures are left empty; more purchase history helps.";
    ValueBuyersSkipped = "MX854", "value-buyers-skipped", Warning,
        "Some buyers have no usable first purchase date, so they have no lifetime value. Fill in first_purchase, or add an Orders sheet.";
    SpendModelUnused = "MX855", "spend-model-unused", Info,
        "The model of order values could not be fitted, so every customer's expected order value is the observed mean. Nothing to fix; more repeat buyers make the model usable.";
    DatesAfterAudit = "MX856", "dates-after-audit", Warning,
        "Some dates lie after the audit date; their \"days since\" count as 0. Check the audit date (--as-of or `as_of:`) or the dates in the cells named.";
    AuditDateFar = "MX857", "audit-date-far", Warning,
        "The audit date is further after the latest purchase than a customer stays active, so customers count as lost. Check --as-of or `as_of:` in audit.yaml.";
    PeriodMismatch = "MX858", "period-mismatch", Warning,
        "The period label names a span whose length differs by more than 10 % from the period_days set; figures in the period use period_days. Make the two agree.";
    ValuePenalised = "MX859", "value-penalised", Info,
        "The purchase model was fitted with a penalty (clv_penalizer), as the lifetimes package's penalizer_coef: its figures lean toward moderate parameters. Set clv_penalizer to 0 for plain maximum likelihood.";

    // MX9xx — scoring
    RuleError = "MX901", "rule-error", Warning,
        "A checklist rule failed while it was evaluated (for example a text compared with a number); the item counts as not applicable. Correct the rule in the checklist.";
    WaiverExpired = "MX902", "waiver-expired", Warning,
        "A waiver expired before the audit date and was ignored. Renew it (a later `expires:`) or remove it.";
}

impl Code {
    /// This code's row of the table.
    pub fn info(self) -> &'static CodeInfo {
        &ALL[self as usize]
    }

    /// The stable identifier, e.g. `MX101`.
    pub fn id(self) -> &'static str {
        self.info().id
    }

    /// The severity of diagnostics with this code.
    pub fn severity(self) -> Severity {
        self.info().severity
    }

    /// The code with this identifier or slug (case-insensitive), for `explain`.
    pub fn lookup(name: &str) -> Option<Code> {
        ALL.iter()
            .find(|c| c.id.eq_ignore_ascii_case(name) || c.slug.eq_ignore_ascii_case(name))
            .map(|c| c.code)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn table_is_in_enum_order() {
        for (i, c) in ALL.iter().enumerate() {
            assert_eq!(c.code as usize, i, "{}", c.id);
        }
    }

    #[test]
    fn ids_and_slugs_are_unique_and_well_formed() {
        let (mut ids, mut slugs) = (HashSet::new(), HashSet::new());
        for c in ALL {
            assert!(ids.insert(c.id), "duplicate id {}", c.id);
            assert!(slugs.insert(c.slug), "duplicate slug {}", c.slug);
            assert!(
                c.id.len() == 5
                    && c.id.starts_with("MX")
                    && c.id[2..].chars().all(|d| d.is_ascii_digit()),
                "{}",
                c.id
            );
            assert!(
                c.slug
                    .chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-'),
                "{}",
                c.slug
            );
        }
    }

    #[test]
    fn every_code_is_documented() {
        for c in ALL {
            assert!(
                c.help.len() > 40 && c.help.ends_with('.'),
                "{} needs a sentence saying what it means and how to fix it",
                c.id
            );
        }
    }

    #[test]
    fn lookup_by_id_or_slug() {
        assert_eq!(Code::lookup("mx101"), Some(Code::MissingColumn));
        assert_eq!(Code::lookup("missing-column"), Some(Code::MissingColumn));
        assert_eq!(Code::lookup("MX999"), None);
    }
}
