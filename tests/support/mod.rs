//! Helpers for the tests that check the workbook in a real spreadsheet
//! application: run LibreOffice headless, edit an .xlsx's XML in place.
#![allow(dead_code)]

pub mod libreoffice;
pub mod xlsx;
