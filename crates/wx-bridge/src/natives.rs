//! Filling a natives object, held to its declaration.

use rquickjs::{Ctx, Exception, IntoJs, Object, Value};

use crate::{Native, Shape};

/// An object of natives being filled for one layer. Every [`Native`] set must be in the
/// table it was made for and have the declared shape, each is set once, and [`Natives::finish`]
/// refuses an object with a declared native missing. A mistake here is wxrun's own, so it ends
/// the install with an internal error naming the native; every test run installs the layers,
/// so none can ship.
pub struct Natives<'js> {
    object: Object<'js>,
    table: &'static [Native],
    set: Vec<bool>,
}

impl<'js> Natives<'js> {
    pub fn new(ctx: &Ctx<'js>, table: &'static [Native]) -> rquickjs::Result<Self> {
        Ok(Natives {
            object: Object::new(ctx.clone())?,
            table,
            set: vec![false; table.len()],
        })
    }

    pub fn ctx(&self) -> &Ctx<'js> {
        self.object.ctx()
    }

    fn refuse(&self, message: String) -> rquickjs::Error {
        Exception::throw_internal(self.ctx(), &format!("wx-bridge: {message}"))
    }

    /// Sets `native` to `value`.
    pub fn set(&mut self, native: &Native, value: impl IntoJs<'js>) -> rquickjs::Result<()> {
        let Some(index) = self.table.iter().position(|n| n.name == native.name) else {
            return Err(self.refuse(format!("{} is not declared for this layer", native.name)));
        };
        if self.set[index] {
            return Err(self.refuse(format!("{} is set twice", native.name)));
        }
        let value: Value<'js> = value.into_js(self.ctx())?;
        let fits = match self.table[index].shape {
            Shape::Function { .. } => value.is_function(),
            Shape::Value { .. } => !value.is_function(),
            Shape::Group { .. } => value.is_object() && !value.is_function(),
        };
        if !fits {
            return Err(self.refuse(format!(
                "{} is declared as {}, and was given a {}",
                native.name,
                describe(&self.table[index].shape),
                value.type_name()
            )));
        }
        self.set[index] = true;
        self.object.set(native.name, value)
    }

    /// A natives object for the group `native` declares, to be filled and then set with
    /// [`Natives::set`].
    pub fn group(&self, native: &Native) -> rquickjs::Result<Natives<'js>> {
        match native.shape {
            Shape::Group { members } => Natives::new(self.ctx(), members),
            _ => Err(self.refuse(format!("{} is not a group", native.name))),
        }
    }

    /// The filled object, once every declared native is in it.
    pub fn finish(self) -> rquickjs::Result<Object<'js>> {
        let missing: Vec<&str> = self
            .table
            .iter()
            .zip(&self.set)
            .filter(|(_, set)| !**set)
            .map(|(native, _)| native.name)
            .collect();
        if !missing.is_empty() {
            return Err(self.refuse(format!(
                "declared but not installed: {}",
                missing.join(", ")
            )));
        }
        Ok(self.object)
    }
}

fn describe(shape: &Shape) -> &'static str {
    match shape {
        Shape::Function { .. } => "a function",
        Shape::Value { .. } => "a value",
        Shape::Group { .. } => "a group of natives",
    }
}
