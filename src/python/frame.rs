//! `FrameCore`: the Rust handle behind `ferrox.dataframe.DataFrame`,
//! `Series` and `Scalar`. Every method builds a new expression (validated
//! now); a series is a one-column frame, a scalar a one-row one.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use polars_core::prelude::*;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyFloat, PyInt, PyString};

use super::task::TaskCore;
use crate::frame::colexpr::{
    BinOp, ColExpr, DataTypeLit, DtOp, Lit, SeriesLit, SplitSpec, StrOp, ToDatetime, UnOp,
};
use crate::frame::expr::FrameExpr;
use crate::frame::groupby::{AggOp, AggSpec};
use crate::frame::lower;
use crate::frame::source::{FromTasks, InMemory};

/// A lazily defined partitioned frame.
#[pyclass(frozen, module = "ferrox._core", name = "FrameCore")]
pub struct FrameCore {
    /// The expression this handle owns.
    pub expr: Arc<FrameExpr>,
}

fn wrap(expr: Arc<FrameExpr>) -> FrameCore {
    FrameCore { expr }
}

/// pandas' name for a column dtype (what `DataFrame.dtypes` shows).
fn pandas_dtype(dtype: &DataType) -> String {
    match dtype {
        DataType::Boolean => "bool".into(),
        DataType::UInt8 => "uint8".into(),
        DataType::UInt16 => "uint16".into(),
        DataType::UInt32 => "uint32".into(),
        DataType::UInt64 => "uint64".into(),
        DataType::Int8 => "int8".into(),
        DataType::Int16 => "int16".into(),
        DataType::Int32 => "int32".into(),
        DataType::Int64 => "int64".into(),
        DataType::Float32 => "float32".into(),
        DataType::Float64 => "float64".into(),
        DataType::String => "str".into(),
        DataType::Date => "object".into(),
        DataType::Datetime(tu, _) => format!("datetime64[{}]", unit_name(*tu)),
        DataType::Duration(tu) => format!("timedelta64[{}]", unit_name(*tu)),
        DataType::Categorical(..) | DataType::Enum(..) => "category".into(),
        DataType::Null => "float64".into(),
        _ => "object".into(),
    }
}

fn unit_name(tu: TimeUnit) -> &'static str {
    match tu {
        TimeUnit::Nanoseconds => "ns",
        TimeUnit::Microseconds => "us",
        TimeUnit::Milliseconds => "ms",
    }
}

/// A dtype from a NumPy / pandas dtype name (`"int64"`, `"str"`, …).
pub(crate) fn parse_dtype(name: &str) -> PyResult<DataType> {
    Ok(match name {
        "bool" | "boolean" => DataType::Boolean,
        "uint8" => DataType::UInt8,
        "uint16" => DataType::UInt16,
        "uint32" => DataType::UInt32,
        "uint64" => DataType::UInt64,
        "int8" => DataType::Int8,
        "int16" => DataType::Int16,
        "int32" => DataType::Int32,
        "int64" | "int" => DataType::Int64,
        "float32" => DataType::Float32,
        "float64" | "float" => DataType::Float64,
        "str" | "string" | "object" => DataType::String,
        "datetime64[ns]" => DataType::Datetime(TimeUnit::Nanoseconds, None),
        "datetime64[us]" | "datetime64" => DataType::Datetime(TimeUnit::Microseconds, None),
        "datetime64[ms]" => DataType::Datetime(TimeUnit::Milliseconds, None),
        other => {
            return Err(PyTypeError::new_err(format!(
                "data type '{other}' not understood"
            )))
        }
    })
}

/// A Python scalar as a literal.
pub(crate) fn py_to_scalar(obj: &Bound<'_, PyAny>) -> PyResult<Scalar> {
    if obj.is_none() {
        return Ok(Scalar::null(DataType::Null));
    }
    if obj.is_instance_of::<PyBool>() {
        return Ok(Scalar::from(obj.extract::<bool>()?));
    }
    if obj.is_instance_of::<PyInt>() {
        return Ok(Scalar::from(obj.extract::<i64>()?));
    }
    if obj.is_instance_of::<PyFloat>() {
        let v = obj.extract::<f64>()?;
        return Ok(if v.is_nan() {
            Scalar::null(DataType::Float64)
        } else {
            Scalar::from(v)
        });
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Scalar::from(PlSmallStr::from(s.to_str()?)));
    }
    // NumPy scalars, pandas Timestamps and the like.
    let np_kind: Option<String> = obj
        .getattr("dtype")
        .and_then(|d| d.getattr("kind"))
        .and_then(|k| k.extract())
        .ok();
    match np_kind.as_deref() {
        Some("b") => return Ok(Scalar::from(obj.extract::<bool>()?)),
        Some("i") | Some("u") => {
            return Ok(Scalar::from(obj.call_method0("__int__")?.extract::<i64>()?))
        }
        Some("f") => return py_to_scalar(&obj.call_method0("__float__")?),
        _ => {}
    }
    if obj.hasattr("isoformat")? && obj.hasattr("timestamp")? {
        // A datetime: microseconds since the epoch (naive, as pandas).
        let pd = obj.py().import("pandas")?;
        let ts = pd.call_method1("Timestamp", (obj,))?;
        let us: i64 = ts
            .call_method1("as_unit", ("us",))?
            .getattr("_value")?
            .extract()?;
        return Ok(Scalar::new(
            DataType::Datetime(TimeUnit::Microseconds, None),
            AnyValue::Datetime(us, TimeUnit::Microseconds, None),
        ));
    }
    Err(PyTypeError::new_err(format!(
        "unsupported operand type: '{}'",
        obj.get_type().name()?
    )))
}

/// An operand: another series (a frame core), or a Python scalar.
enum Operand {
    Frame(Arc<FrameExpr>),
    Lit(Scalar),
}

fn operand(obj: &Bound<'_, PyAny>) -> PyResult<Operand> {
    if let Ok(core) = obj.cast::<FrameCore>() {
        return Ok(Operand::Frame(core.get().expr.clone()));
    }
    Ok(Operand::Lit(py_to_scalar(obj)?))
}

/// The only data column of a series frame, and its expression.
fn only_column(e: &Arc<FrameExpr>) -> PyResult<(PlSmallStr, ColExpr)> {
    let cols = e.columns();
    match cols.as_slice() {
        [c] => Ok(((*c).into(), ColExpr::col(c))),
        _ => Err(PyValueError::new_err(format!(
            "expected one column, got {}",
            cols.len()
        ))),
    }
}

impl FrameCore {
    /// `f(this column)` as a new one-column frame.
    fn map_column(&self, f: impl FnOnce(ColExpr) -> ColExpr) -> PyResult<FrameCore> {
        let (name, col) = only_column(&self.expr)?;
        Ok(wrap(self.expr.select(vec![(name, f(col))], Vec::new())?))
    }

    /// `f(this column, other)` where `other` is a series over the same
    /// rows, a scalar frame (a reduction) or a Python scalar.
    fn with_operand(
        &self,
        other: &Bound<'_, PyAny>,
        f: impl FnOnce(ColExpr, ColExpr) -> ColExpr,
    ) -> PyResult<FrameCore> {
        let (name, col) = only_column(&self.expr)?;
        match operand(other)? {
            Operand::Lit(s) => Ok(wrap(
                self.expr
                    .select(vec![(name, f(col, ColExpr::Lit(Lit(s))))], Vec::new())?,
            )),
            Operand::Frame(o)
                if o.npartitions == 1 && is_scalar_frame(&o) && !self.expr.same_rows(&o) =>
            {
                let dtype = o.dtypes()[0].clone();
                let param = ColExpr::Param(0, DataTypeLit(dtype));
                Ok(wrap(
                    self.expr.select(vec![(name, f(col, param))], vec![o])?,
                ))
            }
            Operand::Frame(o) => {
                let (oname, ocol) = only_column(&o)?;
                // Name the other column apart so both can be referenced.
                let tmp: PlSmallStr = format!("{oname}__rhs").into();
                let both = FrameExpr::combine(&[
                    (self.expr.clone(), name.clone(), col),
                    (o.clone(), tmp.clone(), ocol),
                ])?;
                let e = f(ColExpr::Col(name.clone()), ColExpr::Col(tmp));
                Ok(wrap(both.select(vec![(name, e)], Vec::new())?))
            }
        }
    }
}

/// Whether `e` computes one row (a reduction without keys).
fn is_scalar_frame(e: &FrameExpr) -> bool {
    use crate::frame::expr::Kind;
    match &e.kind {
        Kind::GroupBy { keys, .. } => keys.is_empty(),
        Kind::Op(op) => op.one_row(),
        Kind::Select { input, .. } => is_scalar_frame(input),
        _ => false,
    }
}

fn token_of(parts: impl Hash) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    parts.hash(&mut h);
    h.finish()
}

#[pymethods]
impl FrameCore {
    /// Partitions already in memory, as pyarrow tables with the index
    /// columns first; `token` identifies the data.
    #[staticmethod]
    fn from_arrow(
        tables: Vec<pyo3_arrow::PyTable>,
        nindex: usize,
        index_names: Vec<Option<String>>,
        token: String,
    ) -> PyResult<FrameCore> {
        let parts = tables
            .into_iter()
            .map(|t| {
                let (batches, schema) = t.into_inner();
                Ok(Arc::new(crate::frame::export::from_arrow(
                    &batches, &schema,
                )?))
            })
            .collect::<PyResult<Vec<_>>>()?;
        let schema = parts
            .first()
            .map(|p| p.schema().clone())
            .ok_or_else(|| PyValueError::new_err("no partitions"))?;
        let source = InMemory {
            parts,
            schema,
            nindex,
            index_names,
            token: token_of(&token),
        };
        Ok(wrap(FrameExpr::source(Arc::new(source))))
    }

    /// Partitions computed by `tasks` (each a frame shaped like `meta`, an
    /// empty pyarrow table with the index columns first).
    #[staticmethod]
    fn from_tasks(
        tasks: Vec<PyRef<'_, TaskCore>>,
        meta: pyo3_arrow::PyTable,
        nindex: usize,
        index_names: Vec<Option<String>>,
    ) -> PyResult<FrameCore> {
        let (batches, schema) = meta.into_inner();
        let meta = crate::frame::export::from_arrow(&batches, &schema)?;
        let nodes: Vec<_> = tasks.iter().map(|t| t.node.clone()).collect();
        let keys: Vec<String> = nodes.iter().map(|n| n.key.to_string()).collect();
        let source = FromTasks {
            nodes,
            schema: meta.schema().clone(),
            nindex,
            index_names,
            token: token_of(&keys),
        };
        Ok(wrap(FrameExpr::source(Arc::new(source))))
    }

    /// Data column names, in order.
    fn columns(&self) -> Vec<String> {
        self.expr.columns().iter().map(|c| c.to_string()).collect()
    }

    /// pandas dtype names of the data columns, in order.
    fn dtypes(&self) -> Vec<String> {
        self.expr.dtypes().into_iter().map(pandas_dtype).collect()
    }

    /// pandas dtype names of the index columns.
    fn index_dtypes(&self) -> Vec<String> {
        self.expr
            .schema
            .iter_values()
            .take(self.expr.nindex)
            .map(pandas_dtype)
            .collect()
    }

    /// pandas names of the index levels (empty: the default index).
    #[getter]
    fn index_names(&self) -> Vec<Option<String>> {
        self.expr.index_names.clone()
    }

    /// The same partitions with the index levels named `names`.
    fn with_index_names(&self, names: Vec<Option<String>>) -> PyResult<FrameCore> {
        Ok(wrap(self.expr.with_index_names(names)?))
    }

    /// Number of index columns.
    #[getter]
    fn nindex(&self) -> usize {
        self.expr.nindex
    }

    /// Number of partitions.
    #[getter]
    fn npartitions(&self) -> usize {
        self.expr.npartitions
    }

    /// Name of the partition tasks.
    #[getter]
    fn name(&self) -> String {
        self.expr.name.to_string()
    }

    /// Whether `other` has the same rows (its columns combine with ours).
    fn same_rows(&self, other: &FrameCore) -> bool {
        self.expr.same_rows(&other.expr)
    }

    /// The data columns `columns`, in that order.
    fn project(&self, columns: Vec<String>) -> PyResult<FrameCore> {
        Ok(wrap(self.expr.project(&columns)?))
    }

    /// Columns renamed by `(old, new)` pairs (others kept).
    fn rename(&self, mapping: Vec<(String, String)>) -> PyResult<FrameCore> {
        let exprs = self
            .expr
            .columns()
            .iter()
            .map(|c| {
                let new = mapping
                    .iter()
                    .find(|(old, _)| old == c)
                    .map_or(*c, |(_, new)| new.as_str());
                (PlSmallStr::from(new), ColExpr::col(c))
            })
            .collect();
        Ok(wrap(self.expr.select(exprs, Vec::new())?))
    }

    /// Columns from several one-column frames over the same rows:
    /// `(name, frame)` pairs, in order.
    #[staticmethod]
    fn combine(parts: Vec<(String, PyRef<'_, FrameCore>)>) -> PyResult<FrameCore> {
        let parts = parts
            .iter()
            .map(|(name, core)| {
                let (_, col) = only_column(&core.expr)?;
                Ok((core.expr.clone(), PlSmallStr::from(name.as_str()), col))
            })
            .collect::<PyResult<Vec<_>>>()?;
        Ok(wrap(FrameExpr::combine(&parts)?))
    }

    /// The rows where the boolean series `mask` is true.
    fn filter(&self, mask: &FrameCore) -> PyResult<FrameCore> {
        Ok(wrap(self.expr.filter(&mask.expr)?))
    }

    /// `self <op> other` (`reflected`: `other <op> self`).
    #[pyo3(signature = (op, other, reflected=false))]
    fn binary(&self, op: &str, other: &Bound<'_, PyAny>, reflected: bool) -> PyResult<FrameCore> {
        let op = BinOp::from_name(op)?;
        self.with_operand(other, |a, b| {
            let (l, r) = if reflected { (b, a) } else { (a, b) };
            ColExpr::Binary(op, Box::new(l), Box::new(r))
        })
    }

    /// A unary method by pandas' name: `isna`, `notna`, `neg`, `invert`,
    /// `abs`.
    fn unary(&self, op: &str) -> PyResult<FrameCore> {
        let op = match op {
            "isna" | "isnull" => UnOp::IsNa,
            "notna" | "notnull" => UnOp::NotNa,
            "neg" => UnOp::Neg,
            "invert" => UnOp::Invert,
            "abs" => UnOp::Abs,
            other => return Err(PyValueError::new_err(format!("unknown method '{other}'"))),
        };
        self.map_column(|c| ColExpr::Unary(op, Box::new(c)))
    }

    /// A column holding `value` on every row of this frame.
    fn literal(&self, value: &Bound<'_, PyAny>) -> PyResult<FrameCore> {
        let lit = ColExpr::Lit(Lit(py_to_scalar(value)?));
        Ok(wrap(
            self.expr
                .select(vec![("__literal__".into(), lit)], Vec::new())?,
        ))
    }

    /// `round(decimals)`.
    fn round(&self, decimals: i32) -> PyResult<FrameCore> {
        self.map_column(|c| ColExpr::Unary(UnOp::Round(decimals), Box::new(c)))
    }

    /// `astype(dtype)`.
    fn astype(&self, dtype: &str) -> PyResult<FrameCore> {
        let dtype = parse_dtype(dtype)?;
        self.map_column(|c| ColExpr::Unary(UnOp::Cast(DataTypeLit(dtype)), Box::new(c)))
    }

    /// `dd.to_datetime(s, format=, errors="coerce", unit=)`: `unit_ns` is
    /// the unit's length in nanoseconds.
    #[pyo3(signature = (format=None, coerce=false, unit_ns=None))]
    fn to_datetime(
        &self,
        format: Option<String>,
        coerce: bool,
        unit_ns: Option<i64>,
    ) -> PyResult<FrameCore> {
        let spec = ToDatetime {
            format,
            coerce,
            unit_ns,
        };
        self.map_column(|c| ColExpr::Unary(UnOp::ToDatetime(spec), Box::new(c)))
    }

    /// `isin(values)`: `values` a pyarrow array.
    fn isin(&self, values: pyo3_arrow::PyArray) -> PyResult<FrameCore> {
        let (array, field) = values.into_inner();
        let schema = arrow::datatypes::Schema::new(vec![field.as_ref().clone().with_name("v")]);
        let batch =
            arrow::record_batch::RecordBatch::try_new(Arc::new(schema.clone()), vec![array])
                .map_err(|e| PyValueError::new_err(e.to_string()))?;
        let df = crate::frame::export::from_arrow(&[batch], &Arc::new(schema))?;
        let s = df.columns()[0].as_materialized_series().clone();
        self.map_column(|c| ColExpr::Unary(UnOp::IsIn(SeriesLit(Arc::new(s))), Box::new(c)))
    }

    /// `clip(lower, upper)` with scalar bounds (`None`: unbounded).
    fn clip(&self, lower: &Bound<'_, PyAny>, upper: &Bound<'_, PyAny>) -> PyResult<FrameCore> {
        let bound = |b: &Bound<'_, PyAny>| -> PyResult<Option<Lit>> {
            Ok(if b.is_none() {
                None
            } else {
                Some(Lit(py_to_scalar(b)?))
            })
        };
        let (lo, hi) = (bound(lower)?, bound(upper)?);
        self.map_column(|c| ColExpr::Unary(UnOp::Clip(lo, hi), Box::new(c)))
    }

    /// `between(left, right, inclusive)`.
    fn between(
        &self,
        left: &Bound<'_, PyAny>,
        right: &Bound<'_, PyAny>,
        inclusive: String,
    ) -> PyResult<FrameCore> {
        let (lo, hi) = (Lit(py_to_scalar(left)?), Lit(py_to_scalar(right)?));
        self.map_column(|c| ColExpr::Unary(UnOp::Between(lo, hi, inclusive), Box::new(c)))
    }

    /// `fillna(value)`: a scalar or a series over the same rows.
    fn fillna(&self, value: &Bound<'_, PyAny>) -> PyResult<FrameCore> {
        self.with_operand(value, |a, b| ColExpr::FillNa(Box::new(a), Box::new(b)))
    }

    /// `where(cond, other)`: this column where `cond` holds, else `other`.
    fn where_(&self, cond: &FrameCore, other: &Bound<'_, PyAny>) -> PyResult<FrameCore> {
        let (name, col) = only_column(&self.expr)?;
        let (_, ccol) = only_column(&cond.expr)?;
        let tmp: PlSmallStr = "__cond__".into();
        let both = FrameExpr::combine(&[
            (self.expr.clone(), name.clone(), col),
            (cond.expr.clone(), tmp.clone(), ccol),
        ])?;
        let both = FrameCore { expr: both };
        let other_op = operand(other)?;
        let value = match other_op {
            Operand::Lit(s) => ColExpr::Lit(Lit(s)),
            Operand::Frame(o) => {
                let (oname, ocol) = only_column(&o)?;
                let tmp2: PlSmallStr = format!("{oname}__other").into();
                let all = FrameExpr::combine(&[
                    (both.expr.clone(), name.clone(), ColExpr::Col(name.clone())),
                    (both.expr.clone(), tmp.clone(), ColExpr::Col(tmp.clone())),
                    (o.clone(), tmp2.clone(), ocol),
                ])?;
                let e = ColExpr::Where(
                    Box::new(ColExpr::Col(tmp)),
                    Box::new(ColExpr::Col(name.clone())),
                    Box::new(ColExpr::Col(tmp2)),
                );
                return Ok(wrap(all.select(vec![(name, e)], Vec::new())?));
            }
        };
        let e = ColExpr::Where(
            Box::new(ColExpr::Col(tmp)),
            Box::new(ColExpr::Col(name.clone())),
            Box::new(value),
        );
        Ok(wrap(both.expr.select(vec![(name, e)], Vec::new())?))
    }

    /// A `.str` method by name with its arguments.
    #[pyo3(signature = (method, pat=None, repl=None, flag=false, start=0, stop=None, n=-1))]
    #[allow(clippy::too_many_arguments)]
    fn str_method(
        &self,
        method: &str,
        pat: Option<String>,
        repl: Option<String>,
        flag: bool,
        start: i64,
        stop: Option<i64>,
        n: i64,
    ) -> PyResult<FrameCore> {
        let pat_ = || pat.clone().unwrap_or_default();
        let op = match method {
            "contains" => StrOp::Contains(pat_(), flag),
            "startswith" => StrOp::StartsWith(pat_()),
            "endswith" => StrOp::EndsWith(pat_()),
            "lower" => StrOp::Lower,
            "upper" => StrOp::Upper,
            "len" => StrOp::Len,
            "strip" => StrOp::Strip(pat.clone(), true, true),
            "lstrip" => StrOp::Strip(pat.clone(), true, false),
            "rstrip" => StrOp::Strip(pat.clone(), false, true),
            "replace" => StrOp::Replace(pat_(), repl.unwrap_or_default(), flag),
            "slice" => StrOp::Slice(start, stop),
            "split" | "split_get" => {
                let spec = SplitSpec {
                    pat: pat.clone(),
                    regex: flag,
                    n,
                };
                match method {
                    "split" => StrOp::Split(spec),
                    _ => StrOp::SplitGet(spec, start),
                }
            }
            other => {
                return Err(PyValueError::new_err(format!(
                    "unknown string method '{other}'"
                )))
            }
        };
        self.map_column(|c| ColExpr::Unary(UnOp::Str(op), Box::new(c)))
    }

    /// A `.dt` field or method by name (`floor` takes nanoseconds).
    #[pyo3(signature = (name, nanos=0))]
    fn dt_method(&self, name: &str, nanos: i64) -> PyResult<FrameCore> {
        let op = match name {
            "date" => DtOp::Date,
            "normalize" => DtOp::Normalize,
            "floor" => DtOp::Floor(nanos),
            field => DtOp::Field(field.to_string()),
        };
        self.map_column(|c| ColExpr::Unary(UnOp::Dt(op), Box::new(c)))
    }

    /// Group-by aggregations: `aggs` holds `(column, op, output name,
    /// ddof)`; no keys is a whole-frame reduction (one row). `dropna=False`
    /// keeps rows with a missing key as a group; `split_out` partitions by
    /// the hash of the keys.
    #[pyo3(signature = (keys, aggs, split_every=8, sort=true, dropna=true, split_out=1))]
    #[allow(clippy::too_many_arguments)]
    fn groupby(
        &self,
        keys: Vec<String>,
        aggs: Vec<(String, String, String, u8)>,
        split_every: usize,
        sort: bool,
        dropna: bool,
        split_out: usize,
    ) -> PyResult<FrameCore> {
        let aggs = aggs
            .into_iter()
            .map(|(column, op, output, ddof)| {
                // `quantile:0.25` carries its quantile.
                let (name, q) = match op.split_once(':') {
                    Some((name, q)) => (
                        name,
                        q.parse::<f64>().map_err(|_| {
                            PyValueError::new_err(format!("bad quantile in '{op}'"))
                        })?,
                    ),
                    None => (op.as_str(), 0.5),
                };
                Ok(AggSpec {
                    column,
                    op: AggOp::from_name(name)?,
                    output,
                    ddof,
                    q,
                })
            })
            .collect::<PyResult<Vec<_>>>()?;
        Ok(wrap(self.expr.groupby(
            keys,
            aggs,
            split_every,
            sort,
            dropna,
            split_out,
        )?))
    }

    /// A cumulative reduction (`cumsum`, `cumprod`, `cummax`, `cummin`) of
    /// every data column.
    fn cumulative(&self, op: &str) -> PyResult<FrameCore> {
        let op = crate::frame::scan::CumOp::from_name(op)?;
        Ok(wrap(crate::frame::scan::CumAgg::build(&self.expr, op)?))
    }

    /// `groups`' data columns (a group-by result indexed by `keys`)
    /// broadcast to every row of this frame (`groupby().transform`).
    fn transform(&self, groups: &FrameCore, keys: Vec<String>) -> PyResult<FrameCore> {
        Ok(wrap(crate::frame::group_ops::Transform::build(
            &self.expr,
            &groups.expr,
            keys,
        )?))
    }

    /// A per-group cumulative operation (`cumsum`, …, `cumcount`) of
    /// `values` within the groups of `keys`.
    #[pyo3(signature = (keys, values, op, name, dropna=true))]
    fn group_cumulative(
        &self,
        keys: Vec<String>,
        values: Vec<String>,
        op: &str,
        name: &str,
        dropna: bool,
    ) -> PyResult<FrameCore> {
        let op = crate::frame::group_ops::GroupCum::from_name(op)?;
        Ok(wrap(crate::frame::group_ops::GroupCumulative::build(
            &self.expr, keys, values, op, name, dropna,
        )?))
    }

    /// `shift` / `diff` / `ffill` / `bfill` of `values`, within the groups
    /// of `keys` (none: down the whole frame), over this frame's rows and
    /// index.
    #[pyo3(signature = (keys, values, op, periods=1, fill_value=None, dropna=true))]
    fn neighbour(
        &self,
        keys: Vec<String>,
        values: Vec<String>,
        op: &str,
        periods: i64,
        fill_value: Option<&Bound<'_, PyAny>>,
        dropna: bool,
    ) -> PyResult<FrameCore> {
        use crate::frame::neighbour::{Neighbour, NeighbourKind};
        let kind = NeighbourKind::from_name(op)?;
        let fill = fill_value.map(py_to_scalar).transpose()?;
        Ok(wrap(Neighbour::build(
            &self.expr, keys, values, kind, periods, fill, dropna,
        )?))
    }

    /// The optimized plan, as text.
    fn explain(&self) -> String {
        lower::explain(&self.expr)
    }

    /// The first `n` rows of the first partition.
    fn head(&self, n: usize) -> FrameCore {
        wrap(self.expr.head(n))
    }

    /// The frame with its default index materialized (row positions).
    fn row_index(&self) -> FrameCore {
        wrap(self.expr.row_index())
    }

    /// A task computing the number of rows.
    fn len_task(&self) -> TaskCore {
        TaskCore {
            node: lower::len_node(&self.expr),
        }
    }

    /// One task per partition, in order; each computes a pyarrow table.
    fn partition_tasks(&self) -> Vec<TaskCore> {
        (0..self.expr.npartitions)
            .map(|i| TaskCore {
                node: lower::node(&self.expr, i),
            })
            .collect()
    }
}
