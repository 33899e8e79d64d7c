//! Reading a Threat Dragon file, version 1 or 2, into one shape: its title and its diagrams
//! with their cells.
//!
//! Version 2 (Threat Dragon 2.x) keeps each diagram's cells in `cells`, names a cell's kind
//! in `shape` and `data.type` and its properties in `data`. Version 1 keeps them in
//! `diagramJson.cells`, names the kind in `type` (`tm.Process`...), keeps properties on the
//! cell itself and the element's name in `attrs.text.text`.

use crate::import::ImportError;
use crate::import::json::Field;

use super::geometry::{Box2, Pt};

/// Largest coordinate or size accepted, in drawing units; larger values are clamped.
const MAX_COORDINATE: f64 = 1.0e7;

/// A Threat Dragon model.
pub(super) struct Model {
    pub title: String,
    pub description: String,
    pub diagrams: Vec<Diagram>,
}

/// One diagram of a model.
pub(super) struct Diagram {
    pub title: String,
    pub cells: Vec<Cell>,
}

/// What a cell draws.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum CellKind {
    Actor,
    Process,
    Store,
    Flow,
    BoundaryBox,
    BoundaryCurve,
    Text,
    Other(String),
}

impl CellKind {
    fn from_type(name: &str) -> Self {
        match name {
            "tm.Actor" | "actor" => Self::Actor,
            "tm.Process" | "process" => Self::Process,
            "tm.Store" | "store" => Self::Store,
            "tm.Flow" | "flow" => Self::Flow,
            "tm.BoundaryBox" | "trust-boundary-box" => Self::BoundaryBox,
            "tm.Boundary" | "trust-boundary-curve" => Self::BoundaryCurve,
            "tm.Text" | "td-text-block" => Self::Text,
            other => Self::Other(other.to_owned()),
        }
    }
}

/// Where a flow or a curve starts or ends.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum End {
    /// At the cell with this id.
    Cell(String),
    /// At a free point of the drawing.
    Point(Pt),
    /// Nowhere stated.
    Missing,
}

/// The properties Threat Dragon records on cells, each `None` when the cell leaves it out.
#[derive(Clone, Debug, Default)]
pub(super) struct Properties {
    pub protocol: Option<String>,
    pub encrypted: Option<bool>,
    pub public_network: Option<bool>,
    pub bidirectional: Option<bool>,
    pub out_of_scope: bool,
    pub stores_credentials: bool,
    pub is_log: bool,
    pub handles_card_payment: bool,
    pub signed: bool,
    pub provides_authentication: bool,
    pub privilege_level: Option<String>,
    pub threats: usize,
}

/// One cell of a diagram.
pub(super) struct Cell {
    pub id: String,
    pub kind: CellKind,
    pub name: String,
    pub description: String,
    /// The cell's box, for elements and boundary boxes.
    pub area: Option<Box2>,
    pub source: End,
    pub target: End,
    pub vertices: Vec<Pt>,
    pub properties: Properties,
}

/// Reads the model, or returns the first field that does not fit the format.
pub(super) fn read(root: &Field<'_>) -> Result<Model, ImportError> {
    root.object()?;
    let summary = root.field("summary")?;
    let title = summary.field("title")?.str()?.to_owned();
    let description = summary
        .opt_str("description")?
        .unwrap_or_default()
        .to_owned();

    let detail = root.field("detail")?;
    let mut diagrams = Vec::new();
    for diagram in detail.field("diagrams")?.array()? {
        diagrams.push(read_diagram(&diagram)?);
    }
    Ok(Model {
        title,
        description,
        diagrams,
    })
}

fn read_diagram(diagram: &Field<'_>) -> Result<Diagram, ImportError> {
    diagram.object()?;
    let title = diagram.opt_str("title")?.unwrap_or_default().to_owned();
    let cells = if let Some(cells) = diagram.get("cells") {
        cells.array()?
    } else if let Some(json) = diagram.get("diagramJson") {
        json.opt_array("cells")?
    } else {
        Vec::new()
    };
    let cells = cells.iter().map(read_cell).collect::<Result<Vec<_>, _>>()?;
    Ok(Diagram { title, cells })
}

fn read_cell(cell: &Field<'_>) -> Result<Cell, ImportError> {
    cell.object()?;
    let id = cell.field("id")?.str()?.to_owned();
    // Version 2 keeps the properties in `data`; version 1 on the cell itself.
    let data = cell.get("data");
    let props = data.clone().unwrap_or_else(|| cell.clone());
    props.object()?;

    let type_name = match props.opt_str("type")? {
        Some(name) => name,
        None => cell.field("shape")?.str()?,
    };
    let kind = CellKind::from_type(type_name);

    let name = match props.opt_str("name")? {
        Some(name) => name.to_owned(),
        None => label_text(cell)?,
    };
    let area = match (cell.get("position"), cell.get("size")) {
        (Some(position), Some(size)) => Some(Box2 {
            x: coordinate(&position.field("x")?)?,
            y: coordinate(&position.field("y")?)?,
            width: coordinate(&size.field("width")?)?.max(0.0),
            height: coordinate(&size.field("height")?)?.max(0.0),
        }),
        _ => None,
    };
    let vertices = cell
        .opt_array("vertices")?
        .iter()
        .map(point)
        .collect::<Result<Vec<_>, _>>()?;

    Ok(Cell {
        id,
        kind,
        name,
        description: props.opt_str("description")?.unwrap_or_default().to_owned(),
        area,
        source: end(cell.get("source"))?,
        target: end(cell.get("target"))?,
        vertices,
        properties: properties(&props)?,
    })
}

/// Returns the text drawn on a cell: `attrs.text.text` for a version 1 element, the first
/// label's text for a version 1 flow, or nothing.
fn label_text(cell: &Field<'_>) -> Result<String, ImportError> {
    if let Some(text) = cell.get("attrs").and_then(|attrs| attrs.get("text"))
        && let Some(text) = text.opt_str("text")?
    {
        return Ok(text.to_owned());
    }
    if let Some(label) = cell.opt_array("labels")?.first() {
        let attrs = label.get("attrs");
        let text = attrs
            .as_ref()
            .and_then(|attrs| attrs.get("text").or_else(|| attrs.get("labelText")));
        if let Some(text) = text {
            return Ok(text.opt_str("text")?.unwrap_or_default().to_owned());
        }
    }
    Ok(String::new())
}

fn properties(props: &Field<'_>) -> Result<Properties, ImportError> {
    Ok(Properties {
        protocol: props.opt_str("protocol")?.map(str::to_owned),
        encrypted: props.opt_bool("isEncrypted")?,
        public_network: props.opt_bool("isPublicNetwork")?,
        bidirectional: props.opt_bool("isBidirectional")?,
        out_of_scope: props.opt_bool("outOfScope")?.unwrap_or(false),
        stores_credentials: props.opt_bool("storesCredentials")?.unwrap_or(false),
        is_log: props.opt_bool("isALog")?.unwrap_or(false),
        handles_card_payment: props.opt_bool("handlesCardPayment")?.unwrap_or(false),
        signed: props.opt_bool("isSigned")?.unwrap_or(false),
        provides_authentication: props.opt_bool("providesAuthentication")?.unwrap_or(false),
        privilege_level: props
            .opt_str("privilegeLevel")?
            .filter(|level| !level.trim().is_empty())
            .map(str::to_owned),
        threats: props.opt_array("threats")?.len(),
    })
}

/// Reads a flow's or curve's end: `{cell}` (version 2), `{id}` (version 1) or `{x, y}`.
fn end(field: Option<Field<'_>>) -> Result<End, ImportError> {
    let Some(field) = field else {
        return Ok(End::Missing);
    };
    field.object()?;
    if let Some(id) = field.opt_str("cell")?.or(field.opt_str("id")?) {
        return Ok(End::Cell(id.to_owned()));
    }
    if field.get("x").is_some() || field.get("y").is_some() {
        return Ok(End::Point(point(&field)?));
    }
    Ok(End::Missing)
}

fn point(field: &Field<'_>) -> Result<Pt, ImportError> {
    Ok(Pt::new(
        coordinate(&field.field("x")?)?,
        coordinate(&field.field("y")?)?,
    ))
}

fn coordinate(field: &Field<'_>) -> Result<f64, ImportError> {
    Ok(field.f64()?.clamp(-MAX_COORDINATE, MAX_COORDINATE))
}
