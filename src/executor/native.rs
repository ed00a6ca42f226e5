//! Native scalar operations: the smallest kernels, used by graphs built by
//! hand (`ferrox.ops`) and by the scheduler benchmarks.
//!
//! Each runs on worker threads without the GIL. Arguments are dependency
//! values or literals; numbers are `i64` unless a float is involved, as in
//! Python.

use crate::error::{FxError, FxResult};
use crate::graph::Kernel;
use crate::value::Value;

/// Which native operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NativeOp {
    /// Ignore the arguments, return `None`.
    Noop,
    /// Return the single argument.
    Identity,
    /// `x + 1`.
    Inc,
    /// `x + y`.
    Add,
    /// The sum of all arguments (a list argument is flattened).
    Sum,
}

impl NativeOp {
    /// Every operation, for registration.
    pub const ALL: [NativeOp; 5] = [
        NativeOp::Noop,
        NativeOp::Identity,
        NativeOp::Inc,
        NativeOp::Add,
        NativeOp::Sum,
    ];

    /// The operation's Python name.
    pub fn name(self) -> &'static str {
        match self {
            NativeOp::Noop => "noop",
            NativeOp::Identity => "identity",
            NativeOp::Inc => "inc",
            NativeOp::Add => "add",
            NativeOp::Sum => "sum",
        }
    }

    /// How many arguments the operation takes (`None`: any number).
    pub fn arity(self) -> Option<usize> {
        match self {
            NativeOp::Noop | NativeOp::Sum => None,
            NativeOp::Identity | NativeOp::Inc => Some(1),
            NativeOp::Add => Some(2),
        }
    }

    /// Apply the operation to values.
    pub fn apply(self, args: &[&Value]) -> FxResult<Value> {
        if let Some(n) = self.arity() {
            if args.len() != n {
                return Err(FxError::InvalidArgument(format!(
                    "`{}` takes {n} argument{}, got {}",
                    self.name(),
                    if n == 1 { "" } else { "s" },
                    args.len()
                )));
            }
        }
        if matches!(self, NativeOp::Inc | NativeOp::Add | NativeOp::Sum) {
            let bad = args
                .iter()
                .position(|v| !matches!(v, Value::Int(_) | Value::Float(_)));
            if let Some(i) = bad {
                return Err(FxError::DType(format!(
                    "native `{}` takes int64 or float numbers, got {} as argument {}",
                    self.name(),
                    kind(args[i]),
                    i + 1
                )));
            }
        }
        match self {
            NativeOp::Noop => Ok(Value::Unit),
            NativeOp::Identity => Ok(args[0].clone()),
            NativeOp::Inc => add(self, args[0], &Value::Int(1)),
            NativeOp::Add => add(self, args[0], args[1]),
            NativeOp::Sum => args
                .iter()
                .try_fold(Value::Int(0), |acc, v| add(self, &acc, v)),
        }
    }
}

fn add(op: NativeOp, a: &Value, b: &Value) -> FxResult<Value> {
    Ok(match (a, b) {
        (Value::Int(x), Value::Int(y)) => match x.checked_add(*y) {
            Some(z) => Value::Int(z),
            None => {
                return Err(FxError::Overflow(format!(
                    "native `{}` overflowed int64: {x} + {y}",
                    op.name()
                )))
            }
        },
        (Value::Int(x), Value::Float(y)) => Value::Float(*x as f64 + y),
        (Value::Float(x), Value::Int(y)) => Value::Float(x + *y as f64),
        (Value::Float(x), Value::Float(y)) => Value::Float(x + y),
        _ => unreachable!("arguments are checked to be numbers first"),
    })
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Unit => "None",
        Value::Int(_) => "int",
        Value::Float(_) => "float",
        Value::Py(_) => "a Python object",
        Value::Array(_) | Value::Partial(_) => "an array block",
        Value::Frame(_) => "a frame partition",
        Value::Frames(_) => "pieces of a frame partition",
    }
}

/// One argument of a native call.
#[derive(Clone, Debug)]
pub enum NativeArg {
    /// The value of the task's `n`-th dependency.
    Dep(u32),
    /// A literal.
    Lit(Value),
}

/// A native operation applied to arguments: the [`Kernel`] of such a task.
pub struct NativeCall {
    /// The operation.
    pub op: NativeOp,
    /// Its arguments, in order.
    pub args: Vec<NativeArg>,
}

impl Kernel for NativeCall {
    fn name(&self) -> &str {
        self.op.name()
    }

    fn run(&self, inputs: &[Value]) -> FxResult<Value> {
        let args: Vec<&Value> = self
            .args
            .iter()
            .map(|a| match a {
                NativeArg::Dep(i) => &inputs[*i as usize],
                NativeArg::Lit(v) => v,
            })
            .collect();
        self.op.apply(&args)
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int(v: &Value) -> i64 {
        match v {
            Value::Int(i) => *i,
            other => panic!("expected int, got {other:?}"),
        }
    }

    #[test]
    fn arithmetic_follows_python() {
        let one = Value::Int(1);
        let half = Value::Float(0.5);
        assert_eq!(int(&NativeOp::Inc.apply(&[&one]).unwrap()), 2);
        assert!(
            matches!(NativeOp::Add.apply(&[&one, &half]).unwrap(), Value::Float(f) if f == 1.5)
        );
        assert_eq!(int(&NativeOp::Sum.apply(&[]).unwrap()), 0);
        assert!(matches!(
            NativeOp::Noop.apply(&[&one, &one]).unwrap(),
            Value::Unit
        ));
    }

    #[test]
    fn wrong_arity_and_types_are_errors() {
        let one = Value::Int(1);
        let err = NativeOp::Add.apply(&[&one]).unwrap_err().to_string();
        assert_eq!(err, "`add` takes 2 arguments, got 1");
        let err = NativeOp::Inc
            .apply(&[&Value::Unit])
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "native `inc` takes int64 or float numbers, got None as argument 1"
        );
        let big = Value::Int(i64::MAX);
        let err = NativeOp::Inc.apply(&[&big]).unwrap_err();
        assert!(matches!(err, FxError::Overflow(_)), "{err}");
    }
}
