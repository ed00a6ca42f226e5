//! Task keys.
//!
//! Keys follow Dask's convention: a string (`"inc-3f2a…"`) or a tuple of a
//! name and integer indices (`("x", 0, 1)`). The name is an `Arc<str>` so the
//! thousands of keys of one collection share a single allocation.

use std::fmt;
use std::sync::Arc;

/// A task key: `"name"` or `("name", i, j, …)`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub enum Key {
    /// A plain string key.
    Str(Arc<str>),
    /// A tuple key: a name and one or more integer indices.
    Tuple(Arc<str>, Box<[i64]>),
}

impl Key {
    /// The name part of the key (the whole key for a string key).
    pub fn name(&self) -> &str {
        match self {
            Key::Str(s) | Key::Tuple(s, _) => s,
        }
    }
}

impl From<&str> for Key {
    fn from(s: &str) -> Self {
        Key::Str(Arc::from(s))
    }
}

/// Formats the key as Python's `repr` would: `'name'` or `('name', 0, 1)`.
impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Key::Str(s) => write!(f, "'{s}'"),
            Key::Tuple(s, idx) => {
                write!(f, "('{s}'")?;
                for i in idx.iter() {
                    write!(f, ", {i}")?;
                }
                if idx.is_empty() {
                    f.write_str(",")?;
                }
                f.write_str(")")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_matches_python_repr() {
        assert_eq!(Key::from("a").to_string(), "'a'");
        let k = Key::Tuple(Arc::from("x"), vec![0, 12].into_boxed_slice());
        assert_eq!(k.to_string(), "('x', 0, 12)");
        assert_eq!(
            Key::Tuple(Arc::from("x"), Box::new([])).to_string(),
            "('x',)"
        );
    }

    #[test]
    fn equal_keys_hash_equal() {
        use std::collections::HashSet;
        let a = Key::Tuple(Arc::from("x"), vec![1].into_boxed_slice());
        let b = Key::Tuple(
            Arc::from(String::from("x").as_str()),
            vec![1].into_boxed_slice(),
        );
        let set: HashSet<Key> = [a].into_iter().collect();
        assert!(set.contains(&b));
    }
}
