//! The declared seam between wxrun's JavaScript layers and Rust.
//!
//! Each layer of JavaScript (the bootstrap of wx-host, the `wx` layers of wx-api, the test
//! layer of wx-test) receives one object of natives. [`declared`] lists, in one place, every
//! native each of those objects holds: its name, its parameters and what it returns. The Rust
//! side fills an object through [`Natives`], which refuses a native that is not declared, one set
//! twice, a function where a value was declared (and the reverse), and an object left with a
//! declared native missing; a test of this crate parses every JavaScript file of the layers and
//! checks each `native.x` it uses against the same declaration (name, and for a call, the
//! number of arguments), and that nothing declared goes unused.
//!
//! Strings cross the seam as [`Text`]: the platform's bridge passes options as JSON, so a lone
//! surrogate arrives as U+FFFD and a `String` object as its text, and no native fails on either.

mod data;
pub mod declared;
mod natives;
mod text;

pub use data::{Data, data_of, with_buffer};
pub use natives::Natives;
pub use text::{Text, text_of};

/// One native of a layer's natives object.
#[derive(Debug)]
pub struct Native {
    /// The property name JavaScript reads, `native.<name>`.
    pub name: &'static str,
    pub shape: Shape,
    /// What it does, as the declaration's doc comment says.
    pub doc: &'static str,
}

/// What a native is.
#[derive(Debug)]
pub enum Shape {
    /// A function: its parameters in order, and what it returns (`"undefined"` for nothing).
    Function {
        params: &'static [Param],
        returns: &'static str,
    },
    /// A value fixed when the layer is installed.
    Value { ty: &'static str },
    /// An object of natives of its own, declared by the table named.
    Group { members: &'static [Native] },
}

/// A parameter of a native function.
#[derive(Debug)]
pub struct Param {
    pub name: &'static str,
    /// The JavaScript type the native takes, as TypeScript would write it; a trailing `?` marks
    /// a parameter that may be left out.
    pub ty: &'static str,
}

impl Param {
    pub fn optional(&self) -> bool {
        self.ty.ends_with('?')
    }
}

impl Native {
    /// How many arguments a call may pass: (required, at most).
    pub fn arity(&self) -> Option<(usize, usize)> {
        match self.shape {
            Shape::Function { params, .. } => {
                let required = params.iter().filter(|param| !param.optional()).count();
                Some((required, params.len()))
            }
            _ => None,
        }
    }
}

/// Declares a table of natives: each entry is a constant naming a [`Native`], and the table
/// lists them all in order.
///
/// ```text
/// natives! {
///     /// What the table is for.
///     pub TABLE {
///         /// What it does.
///         WRITE: fn write(fd: "number", text: "string");
///         READ: fn read(path: "string", offset: "number?") -> "ArrayBuffer";
///         LIMIT: value limit: "number";
///         FS: group fs = super::fs::TABLE;
///     }
/// }
/// ```
#[macro_export]
macro_rules! natives {
    ($($(#[doc = $table_doc:literal])* pub $table:ident { $($body:tt)* })*) => {
        $(
            $crate::natives!(@entries [$($table_doc)*] $table [] $($body)*);
        )*
    };
    (@entries [$($table_doc:literal)*] $table:ident [$($done:ident)*]) => {
        $(#[doc = $table_doc])*
        pub const $table: &[$crate::Native] = &[$($done),*];
    };
    (@entries $docs:tt $table:ident [$($done:ident)*]
        $(#[doc = $doc:literal])* $konst:ident : fn $name:ident ( $($param:ident : $ty:literal),* $(,)? ) $(-> $returns:literal)? ; $($rest:tt)*) => {
        $(#[doc = $doc])*
        pub const $konst: $crate::Native = $crate::Native {
            name: stringify!($name),
            shape: $crate::Shape::Function {
                params: &[$($crate::Param { name: stringify!($param), ty: $ty }),*],
                returns: $crate::natives!(@returns $($returns)?),
            },
            doc: concat!($($doc, "\n"),*),
        };
        $crate::natives!(@entries $docs $table [$($done)* $konst] $($rest)*);
    };
    (@entries $docs:tt $table:ident [$($done:ident)*]
        $(#[doc = $doc:literal])* $konst:ident : value $name:ident : $ty:literal ; $($rest:tt)*) => {
        $(#[doc = $doc])*
        pub const $konst: $crate::Native = $crate::Native {
            name: stringify!($name),
            shape: $crate::Shape::Value { ty: $ty },
            doc: concat!($($doc, "\n"),*),
        };
        $crate::natives!(@entries $docs $table [$($done)* $konst] $($rest)*);
    };
    (@entries $docs:tt $table:ident [$($done:ident)*]
        $(#[doc = $doc:literal])* $konst:ident : group $name:ident = $members:path ; $($rest:tt)*) => {
        $(#[doc = $doc])*
        pub const $konst: $crate::Native = $crate::Native {
            name: stringify!($name),
            shape: $crate::Shape::Group { members: $members },
            doc: concat!($($doc, "\n"),*),
        };
        $crate::natives!(@entries $docs $table [$($done)* $konst] $($rest)*);
    };
    (@returns) => { "undefined" };
    (@returns $returns:literal) => { $returns };
}
