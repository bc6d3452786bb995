//! The optional Orders and Interactions sheets' fields, in
//! [`OrderField`](crate::model::OrderField) and
//! [`InteractionField`](crate::model::InteractionField) order, and their sheet names.

use super::Kind::*;
use super::Need::*;
use super::f;
use super::{CUSTOMER_ID_NAMES, Field};

/// The optional Orders sheet.
pub const ORDER_FIELDS: &[Field] = &[
    f(
        "customer_id",
        Text,
        Required,
        CUSTOMER_ID_NAMES,
        "Id of the customer who ordered.",
    )
    .also(&["customer", "account", "kunde"]),
    f(
        "date",
        Date,
        Required,
        &[
            "order date",
            "invoice date",
            "purchase date",
            "transaction date",
            "dato",
            "ordredato",
            "købsdato",
            "datum",
            "bestelldatum",
            "rechnungsdatum",
        ],
        "Order date.",
    ),
    f(
        "amount",
        Money,
        Optional,
        &[
            "revenue",
            "value",
            "total",
            "order value",
            "sales",
            "price",
            "beløb",
            "ordrebeløb",
            "værdi",
            "betrag",
            "umsatz",
            "wert",
        ],
        "Order amount.",
    ),
];

/// The optional Interactions sheet.
pub const INTERACTION_FIELDS: &[Field] = &[
    f(
        "customer_id",
        Text,
        Required,
        CUSTOMER_ID_NAMES,
        "Id of the customer reached.",
    )
    .also(&["customer", "kunde"]),
    f(
        "touchpoint",
        Text,
        Required,
        &[
            "touch point",
            "activity",
            "campaign",
            "kontaktflade",
            "aktivitet",
            "kampagne",
            "kontaktpunkt",
        ],
        "Touchpoint that reached the customer.",
    ),
];

/// Sheet names for the orders table.
pub const ORDER_SHEETS: &[&str] = &[
    "orders",
    "order",
    "ordrer",
    "ordre",
    "transactions",
    "purchases",
    "bestellungen",
    "aufträge",
    "auftraege",
    "køb",
    "salg",
    "invoices",
    "fakturaer",
];

/// Sheet names for the interactions table.
pub const INTERACTION_SHEETS: &[&str] = &[
    "interactions",
    "contacts",
    "touches",
    "interaktioner",
    "kontakter",
    "interaktionen",
    "kontakte",
    "engagement",
];
