//! The identities of the canonical columns of each input table (SPEC §2.2,
//! §2.3): one enum per table, so code that reads or tests a column names it
//! as a variant and a misspelling is a compile error. The header names users
//! write for each field live in `input::fields`, one table per enum, in the
//! same order (a test checks it).

use std::marker::PhantomData;

/// A canonical field of one input table.
pub trait FieldId: Copy + Eq + 'static {
    /// Every field of the table, in table order.
    const ALL: &'static [Self];
    /// The field's position in its table.
    fn index(self) -> usize;
    /// The canonical name (also what checklist expressions and audit.yaml use).
    fn name(self) -> &'static str;
    /// The field with this canonical name.
    fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|f| f.name() == name)
    }
}

macro_rules! field_ids {
    ($(#[$doc:meta])* $enum:ident { $($variant:ident = $text:literal),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $enum {
            $( #[doc = concat!("`", $text, "`")] $variant, )*
        }

        impl FieldId for $enum {
            const ALL: &'static [Self] = &[$($enum::$variant),*];
            fn index(self) -> usize {
                self as usize
            }
            fn name(self) -> &'static str {
                match self { $($enum::$variant => $text),* }
            }
        }
    };
}

field_ids! {
    /// A column of the Customers sheet.
    CustomerField {
        CustomerId = "customer_id",
        Name = "name",
        Segment = "segment",
        FirstPurchase = "first_purchase",
        LastPurchase = "last_purchase",
        Orders = "orders",
        Revenue = "revenue",
        LastContact = "last_contact",
        OpenComplaints = "open_complaints",
        Satisfaction = "satisfaction",
        Referrals = "referrals",
        Status = "status",
        ChurnReason = "churn_reason",
        Touchpoints = "touchpoints",
    }
}

field_ids! {
    /// A column of the Spend sheet.
    SpendField {
        Touchpoint = "touchpoint",
        P = "p",
        Spend = "spend",
        Objective = "objective",
        Stage = "stage",
        Channel = "channel",
        Owner = "owner",
        CadenceDays = "cadence_days",
        Personalized = "personalized",
        FeedbackLoop = "feedback_loop",
        Reach = "reach",
        Responses = "responses",
        Period = "period",
    }
}

field_ids! {
    /// A column of the Orders sheet.
    OrderField {
        CustomerId = "customer_id",
        Date = "date",
        Amount = "amount",
    }
}

field_ids! {
    /// A column of the Interactions sheet.
    InteractionField {
        CustomerId = "customer_id",
        Touchpoint = "touchpoint",
    }
}

/// The canonical columns a sheet actually had.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSet<F> {
    bits: u64,
    field: PhantomData<F>,
}

impl<F> Default for FieldSet<F> {
    fn default() -> Self {
        FieldSet {
            bits: 0,
            field: PhantomData,
        }
    }
}

impl<F: FieldId> FieldSet<F> {
    /// Adds a field.
    pub fn insert(&mut self, f: F) {
        self.bits |= 1 << f.index();
    }

    /// Whether the field was found.
    pub fn has(&self, f: F) -> bool {
        self.bits & (1 << f.index()) != 0
    }
}

impl<F: FieldId> FromIterator<F> for FieldSet<F> {
    fn from_iter<I: IntoIterator<Item = F>>(iter: I) -> Self {
        let mut s = FieldSet::default();
        for f in iter {
            s.insert(f);
        }
        s
    }
}
