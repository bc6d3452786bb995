//! Texts many customers share — a segment, a status, a churn reason —
//! stored once per dataset and referred to by number.
//!
//! Why: an inline text costs 24 bytes in every customer even when it is one
//! of five segment names; at a million customers three such columns were
//! 72 MB. A [`Label`] is 4 bytes (and `Option<Label>` too). Texts that are
//! all different cost 4 bytes more per customer than inline ones, and the
//! lookup index is dropped once the inputs are read.

use std::collections::HashMap;
use std::num::NonZeroU32;

use compact_str::CompactString;

/// One text in a dataset's [`Labels`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Label(NonZeroU32);

/// The shared texts of a dataset, each stored once.
#[derive(Debug, Clone, Default)]
pub struct Labels {
    texts: Vec<CompactString>,
    /// Text → label while the inputs are read; empty afterwards.
    index: HashMap<CompactString, Label>,
}

impl Labels {
    /// The label of `text`, added on first sight (while the index is kept;
    /// after [`Labels::seal`] a text is added again, never mislabelled).
    pub fn intern(&mut self, text: &str) -> Label {
        if let Some(l) = self.index.get(text) {
            return *l;
        }
        // At most one text per input cell, far fewer than u32::MAX.
        let l = Label(NonZeroU32::new(self.texts.len() as u32 + 1).expect("fewer than 2^32 texts"));
        self.texts.push(text.into());
        self.index.insert(text.into(), l);
        l
    }

    /// The text of `label`.
    pub fn text(&self, label: Label) -> &str {
        &self.texts[label.0.get() as usize - 1]
    }

    /// The text of an optional label.
    pub fn get(&self, label: Option<Label>) -> Option<&str> {
        label.map(|l| self.text(l))
    }

    /// Drops the lookup index once no more texts are coming.
    pub fn seal(&mut self) {
        self.index = HashMap::new();
    }

    /// The labels, sealed ([`Labels::seal`]).
    pub fn sealed(mut self) -> Labels {
        self.seal();
        self
    }

    /// Every stored text with its label, to edit in place (cutting a text to
    /// what a cell holds).
    pub fn texts_mut(&mut self) -> impl Iterator<Item = (Label, &mut CompactString)> {
        self.texts
            .iter_mut()
            .enumerate()
            .map(|(i, t)| (Label(NonZeroU32::new(i as u32 + 1).expect("non-zero")), t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_share_a_label() {
        let mut l = Labels::default();
        let a = l.intern("B2B");
        let b = l.intern("B2C");
        assert_eq!(l.intern("B2B"), a);
        assert_ne!(a, b);
        assert_eq!(l.text(b), "B2C");
        l.seal();
        let c = l.intern("B2B");
        assert_eq!(l.get(Some(c)), Some("B2B"));
        assert_eq!(std::mem::size_of::<Option<Label>>(), 4);
    }
}
