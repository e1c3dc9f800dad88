//! Every `native.x` the JavaScript layers use is declared, with a call's arguments within the
//! declared parameters, and every declared native is used by its layer.

use std::{
    collections::{BTreeSet, HashMap},
    path::{Path, PathBuf},
};

use oxc::{
    allocator::Allocator,
    ast::ast::{
        Argument, BindingPattern, CallExpression, Expression, StaticMemberExpression,
        VariableDeclarator,
    },
    ast_visit::{Visit, walk},
    parser::Parser,
    span::SourceType,
};
use wx_bridge::{Native, Shape, declared};

fn js_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|err| panic!("{}: {err}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            js_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "js") {
            out.push(path);
        }
    }
}

/// Names used, by table, and every mistake found.
struct Checker<'t> {
    table: &'static [Native],
    file: String,
    source: &'t str,
    /// Local names bound to a group: `const fs = native.fs`.
    aliases: HashMap<String, &'static [Native]>,
    used: &'t mut BTreeSet<&'static str>,
    problems: &'t mut Vec<String>,
}

impl Checker<'_> {
    fn line(&self, offset: u32) -> usize {
        self.source[..offset as usize].lines().count().max(1)
    }

    /// The table a member expression's object names: `native`, `native.group` or an alias.
    fn table_of(&self, object: &Expression) -> Option<&'static [Native]> {
        match object {
            Expression::Identifier(id) if id.name == "native" => Some(self.table),
            Expression::Identifier(id) => self.aliases.get(id.name.as_str()).copied(),
            Expression::StaticMemberExpression(member) => {
                let outer = self.table_of(&member.object)?;
                match outer.iter().find(|n| n.name == member.property.name)?.shape {
                    Shape::Group { members } => Some(members),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    fn lookup(&mut self, member: &StaticMemberExpression) -> Option<&'static Native> {
        let table = self.table_of(&member.object)?;
        let name = member.property.name.as_str();
        match table.iter().find(|n| n.name == name) {
            Some(native) => {
                self.used.insert(native.name);
                Some(native)
            }
            None => {
                let line = self.line(member.span.start);
                self.problems.push(format!(
                    "{}:{line}: native.{name} is not declared",
                    self.file
                ));
                None
            }
        }
    }
}

impl<'a> Visit<'a> for Checker<'_> {
    fn visit_variable_declarator(&mut self, it: &VariableDeclarator<'a>) {
        if let (
            BindingPattern::BindingIdentifier(id),
            Some(Expression::StaticMemberExpression(init)),
        ) = (&it.id, &it.init)
            && let Some(table) = self.table_of(&init.object)
            && let Some(Native {
                shape: Shape::Group { members },
                ..
            }) = table.iter().find(|n| n.name == init.property.name)
        {
            self.aliases.insert(id.name.to_string(), members);
        }
        walk::walk_variable_declarator(self, it);
    }

    fn visit_call_expression(&mut self, it: &CallExpression<'a>) {
        if let Expression::StaticMemberExpression(member) = &it.callee
            && self.table_of(&member.object).is_some()
        {
            if let Some(native) = self.lookup(member) {
                let line = self.line(it.span.start);
                match native.arity() {
                    None => self.problems.push(format!(
                        "{}:{line}: native.{} is a value, and is called",
                        self.file, native.name
                    )),
                    Some((least, most)) => {
                        let spread = it
                            .arguments
                            .iter()
                            .any(|a| matches!(a, Argument::SpreadElement(_)));
                        let count = it.arguments.len();
                        if !spread && (count < least || count > most) {
                            self.problems.push(format!(
                                "{}:{line}: native.{} takes {least} to {most} arguments, and is given {count}",
                                self.file, native.name
                            ));
                        }
                    }
                }
            }
            self.visit_expression(&member.object);
            self.visit_arguments(&it.arguments);
            return;
        }
        walk::walk_call_expression(self, it);
    }

    fn visit_static_member_expression(&mut self, it: &StaticMemberExpression<'a>) {
        if self.table_of(&it.object).is_some() {
            self.lookup(it);
        }
        walk::walk_static_member_expression(self, it);
    }
}

/// Checks the JavaScript under `dir` against `table`, leaving out the subfolders in `apart`
/// (layers of another table).
fn check_layer(dir: &str, table: &'static [Native], apart: &[&str], problems: &mut Vec<String>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(dir);
    let mut files = Vec::new();
    js_files(&root, &mut files);
    files.retain(|file| !apart.iter().any(|sub| file.starts_with(root.join(sub))));
    assert!(!files.is_empty(), "no JavaScript in {}", root.display());
    let mut used = BTreeSet::new();
    for file in &files {
        let source = std::fs::read_to_string(file).unwrap();
        let allocator = Allocator::default();
        let parsed = Parser::new(&allocator, &source, SourceType::cjs()).parse();
        assert!(
            parsed.diagnostics.errors().next().is_none(),
            "{} does not parse",
            file.display()
        );
        let mut checker = Checker {
            table,
            file: format!("{dir}/{}", file.strip_prefix(&root).unwrap().display()),
            source: &source,
            aliases: HashMap::new(),
            used: &mut used,
            problems,
        };
        checker.visit_program(&parsed.program);
    }
    unused(dir, table, &used, problems);
}

fn unused(
    dir: &str,
    table: &'static [Native],
    used: &BTreeSet<&'static str>,
    problems: &mut Vec<String>,
) {
    for native in table {
        if !used.contains(native.name) {
            problems.push(format!(
                "{dir}: native.{} is declared and never used",
                native.name
            ));
        }
        if let Shape::Group { members } = native.shape {
            unused(dir, members, used, problems);
        }
    }
}

#[test]
fn javascript_uses_only_declared_natives_as_declared() {
    let mut problems = Vec::new();
    check_layer("wx-host/js", declared::host::TABLE, &[], &mut problems);
    check_layer("wx-api/js", declared::wx::TABLE, &["worker"], &mut problems);
    check_layer(
        "wx-api/js/worker",
        declared::worker_global::TABLE,
        &[],
        &mut problems,
    );
    check_layer("wx-test/js", declared::test::TABLE, &[], &mut problems);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn names_are_unique_in_each_table() {
    fn check(table: &'static [Native]) {
        let mut seen = BTreeSet::new();
        for native in table {
            assert!(
                seen.insert(native.name),
                "{} is declared twice",
                native.name
            );
            if let Shape::Group { members } = native.shape {
                check(members);
            }
        }
    }
    for table in [
        declared::host::TABLE,
        declared::wx::TABLE,
        declared::worker_global::TABLE,
        declared::test::TABLE,
    ] {
        check(table);
    }
}
