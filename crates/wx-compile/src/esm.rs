//! ES-module syntax → CommonJS, with the interop of Babel's module transform (what WeChat
//! DevTools emits): `exports.__esModule`, a default import of a CommonJS module is its
//! `module.exports`, named imports read the other module's exports at each use (so they stay
//! live and cycles see late values), exported locals are written to `exports` whenever they
//! change, and re-exports are getters.
//!
//! The conversion is a set of text edits on the parsed file (see [`crate::edits`]); the
//! helpers it needs are function declarations appended at the end, so nothing moves a line.

use std::collections::{BTreeMap, HashMap, HashSet};

use oxc::{
    ast::ast::{
        ArrowFunctionExpression, AssignmentExpression, AwaitExpression, CallExpression, Class,
        Declaration, ExportDefaultDeclarationKind, Expression, ForOfStatement, Function,
        IdentifierReference, ImportDeclarationSpecifier, ImportExpression, ImportMeta,
        ImportOrExportKind, ModuleExportName, ObjectProperty, Program, Statement,
        TaggedTemplateExpression, ThisExpression, UpdateExpression,
    },
    ast_visit::{Visit, walk},
    semantic::{Scoping, SymbolId},
    span::{GetSpan, Span},
    syntax::scope::ScopeFlags,
};

use crate::edits::{Edits, Order};

/// Something the conversion cannot express, at a byte offset of the source.
#[derive(Debug)]
pub(crate) struct Unsupported {
    pub offset: u32,
    pub message: String,
    /// It is `await` at the top level, which only an ES module can run.
    pub top_level_await: bool,
}

/// How a module's `require` result is wrapped, weakest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Interop {
    Plain,
    Default,
    Wildcard,
}

/// One imported module: the variable holding it and how it is wrapped.
#[derive(Debug)]
struct Source {
    var: String,
    interop: Interop,
}

/// What an imported binding reads.
#[derive(Clone, Debug)]
enum Imported {
    /// `import * as ns`: the module object itself.
    Namespace(usize),
    /// `import x` (`default`) and `import { y as x }`: a property of it.
    Member(usize, String),
}

/// The helpers the converted file calls, appended at its end when used.
#[derive(Default)]
struct HelperUse {
    interop_default: bool,
    interop_wildcard: bool,
    export_star: bool,
    dynamic_import: bool,
    temp: bool,
}

const HELPER_DEFAULT: &str = "__wxrun$interopDefault";
const HELPER_WILDCARD: &str = "__wxrun$interopWildcard";
const HELPER_EXPORT_STAR: &str = "__wxrun$exportStar";
const HELPER_IMPORT: &str = "__wxrun$import";
/// Holds the value of an assignment to an exported binding while `exports` is updated.
const TEMP: &str = "__wxrun$value";

/// `obj.name`, or `obj["name"]` when `name` is not an identifier.
fn member(object: &str, name: &str) -> String {
    if is_identifier(name) {
        format!("{object}.{name}")
    } else {
        format!("{object}[{}]", string_literal(name))
    }
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

/// `text` as a double-quoted JavaScript string literal.
pub fn string_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn export_name(name: &ModuleExportName<'_>) -> String {
    name.name().to_string()
}

/// A variable name for the module `specifier`, as Babel would pick (`./utils/api.js` →
/// `_api`), made unique against every name in the file.
fn module_var(specifier: &str, taken: &mut HashSet<String>) -> String {
    let base = specifier
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(specifier);
    let base = base.split('.').next().unwrap_or(base);
    let mut name = String::from("_");
    let mut upper = false;
    for c in base.chars() {
        if c.is_ascii_alphanumeric() || c == '_' || c == '$' {
            if upper {
                name.extend(c.to_uppercase());
                upper = false;
            } else {
                name.push(c);
            }
        } else {
            upper = name.len() > 1;
        }
    }
    if name == "_" {
        name.push_str("module");
    }
    unique(name, taken)
}

fn unique(base: String, taken: &mut HashSet<String>) -> String {
    let mut name = base.clone();
    let mut n = 2;
    while taken.contains(&name) {
        name = format!("{base}{n}");
        n += 1;
    }
    taken.insert(name.clone());
    name
}

/// The plan of one file's conversion, built from its top-level statements.
struct Plan {
    sources: Vec<Source>,
    by_specifier: HashMap<String, usize>,
    imported: HashMap<SymbolId, Imported>,
    /// Locals exported under these names; written to `exports` when they change.
    exported: HashMap<SymbolId, Vec<String>>,
    taken: HashSet<String>,
    helpers: HelperUse,
}

impl Plan {
    fn source(&mut self, specifier: &str, interop: Interop) -> usize {
        if let Some(&index) = self.by_specifier.get(specifier) {
            let source = &mut self.sources[index];
            source.interop = source.interop.max(interop);
            return index;
        }
        let var = module_var(specifier, &mut self.taken);
        self.sources.push(Source { var, interop });
        self.by_specifier
            .insert(specifier.to_string(), self.sources.len() - 1);
        self.sources.len() - 1
    }

    /// `var _m = <interop>(require("m"));`
    fn require_statement(&mut self, index: usize, specifier: &str) -> String {
        let source = &self.sources[index];
        let call = format!("require({})", string_literal(specifier));
        let value = match source.interop {
            Interop::Plain => call,
            Interop::Default => {
                self.helpers.interop_default = true;
                format!("{HELPER_DEFAULT}({call})")
            }
            Interop::Wildcard => {
                self.helpers.interop_wildcard = true;
                format!("{HELPER_WILDCARD}({call})")
            }
        };
        format!("var {} = {value};", source.var)
    }

    /// What a reference to an imported binding becomes.
    fn read(&self, imported: &Imported) -> String {
        match imported {
            Imported::Namespace(index) => self.sources[*index].var.clone(),
            Imported::Member(index, name) => member(&self.sources[*index].var, name),
        }
    }
}

/// Converts `program` (parsed from `source` as a module) into edits, or `Ok(None)` when it
/// holds no module syntax and no `import()`.
pub(crate) fn to_common_js(
    source: &str,
    program: &Program<'_>,
    scoping: &Scoping,
    hoisting: bool,
) -> Result<Option<Edits>, Unsupported> {
    let is_module = program.source_type.is_module();
    let mut taken: HashSet<String> = scoping.symbol_names().map(str::to_string).collect();
    taken.extend(
        scoping
            .root_unresolved_references()
            .keys()
            .map(|name| name.to_string()),
    );
    let mut plan = Plan {
        sources: Vec::new(),
        by_specifier: HashMap::new(),
        imported: HashMap::new(),
        exported: HashMap::new(),
        taken,
        helpers: HelperUse::default(),
    };
    let mut edits = Edits::default();

    if is_module {
        for name in ["exports", "require", "module"] {
            if let Some(symbol) = scoping.get_root_binding(name.into()) {
                return Err(Unsupported {
                    offset: scoping.symbol_span(symbol).start,
                    message: format!(
                        "this ES module declares `{name}` at its top level; the CommonJS form it \
                         runs as needs that name, so rename the declaration"
                    ),
                    top_level_await: false,
                });
            }
        }
        plan_statements(source, program, scoping, hoisting, &mut plan, &mut edits)?;
    }

    let mut rewriter = Rewriter {
        plan: &mut plan,
        scoping,
        edits: &mut edits,
        is_module,
        this_depth: 0,
        function_depth: 0,
        wrappers: 0,
        writes: Vec::new(),
        error: None,
    };
    rewriter.visit_program(program);
    if let Some(error) = rewriter.error {
        return Err(error);
    }
    if !is_module && edits.is_empty() {
        return Ok(None);
    }
    append_helpers(&plan.helpers, source, &mut edits);
    Ok(Some(edits))
}

/// The statement-level edits: imports become `require`s, export declarations lose `export`
/// and gain `exports.x = x`, the prologue declares the module's shape. With `hoisting`,
/// `jest.mock` calls at the top of the file (where [`crate::hoist`] put them) run before every
/// `require`.
fn plan_statements(
    source: &str,
    program: &Program<'_>,
    scoping: &Scoping,
    hoisting: bool,
    plan: &mut Plan,
    edits: &mut Edits,
) -> Result<(), Unsupported> {
    let root = scoping.root_scope_id();
    let root_symbol = |name: &str| scoping.get_binding(root, name.into());
    // Symbols declared at the top level, with the statement that declares each.
    let declared_in = |symbol: SymbolId| -> Option<&Statement<'_>> {
        let span = scoping.symbol_span(symbol);
        program.body.iter().find(|statement| {
            statement.span().start <= span.start && span.end <= statement.span().end
        })
    };

    // First pass: every imported module and how it is wrapped, so that the `require` placed
    // at the first import of a module already knows what later ones need.
    for statement in &program.body {
        match statement {
            Statement::ImportDeclaration(import)
                if import.import_kind != ImportOrExportKind::Type =>
            {
                let specifier = import.source.value.as_str();
                let Some(specifiers) = &import.specifiers else {
                    plan.source(specifier, Interop::Plain);
                    continue;
                };
                let has_default = specifiers
                    .iter()
                    .any(|s| matches!(s, ImportDeclarationSpecifier::ImportDefaultSpecifier(_)));
                let has_namespace = specifiers
                    .iter()
                    .any(|s| matches!(s, ImportDeclarationSpecifier::ImportNamespaceSpecifier(_)));
                let has_named = specifiers.iter().any(|s| {
                    matches!(s, ImportDeclarationSpecifier::ImportSpecifier(named) if named.import_kind != ImportOrExportKind::Type)
                });
                let interop = if has_namespace || (has_default && has_named) {
                    Interop::Wildcard
                } else if has_default {
                    Interop::Default
                } else {
                    Interop::Plain
                };
                let index = plan.source(specifier, interop);
                for item in specifiers {
                    let (local, imported) = match item {
                        ImportDeclarationSpecifier::ImportDefaultSpecifier(s) => {
                            (&s.local, Imported::Member(index, "default".into()))
                        }
                        ImportDeclarationSpecifier::ImportNamespaceSpecifier(s) => {
                            (&s.local, Imported::Namespace(index))
                        }
                        ImportDeclarationSpecifier::ImportSpecifier(s) => {
                            if s.import_kind == ImportOrExportKind::Type {
                                continue;
                            }
                            (&s.local, Imported::Member(index, export_name(&s.imported)))
                        }
                    };
                    plan.imported.insert(local.symbol_id(), imported);
                }
            }
            Statement::ExportFromDeclaration(export)
                if export.export_kind != ImportOrExportKind::Type =>
            {
                let names_default = export
                    .specifiers
                    .iter()
                    .any(|s| export_name(&s.local) == "default");
                let names_other = export
                    .specifiers
                    .iter()
                    .any(|s| export_name(&s.local) != "default");
                let interop = match (names_default, names_other) {
                    (true, true) => Interop::Wildcard,
                    (true, false) => Interop::Default,
                    _ => Interop::Plain,
                };
                plan.source(export.source.value.as_str(), interop);
            }
            Statement::ExportAllDeclaration(export)
                if export.export_kind != ImportOrExportKind::Type =>
            {
                let interop = if export.exported.is_some() {
                    Interop::Wildcard
                } else {
                    Interop::Plain
                };
                plan.source(export.source.value.as_str(), interop);
            }
            _ => {}
        }
    }

    let mut prologue_defaults: Vec<String> = Vec::new(); // `exports.x = void 0`
    let mut prologue_hoisted: Vec<String> = Vec::new(); // `exports.f = f` for functions
    let mut prologue_getters: Vec<String> = Vec::new(); // re-exports
    let mut prologue_requires: Vec<String> = Vec::new(); // imports after other code
    let mut after_statement: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    let mut explicit_names: Vec<String> = Vec::new();
    let mut star_sources: Vec<(u32, usize)> = Vec::new();
    let mut required: HashSet<usize> = HashSet::new();
    let mut code_seen = false;
    // The end of the last `jest.mock` call before any other code.
    let mut hoisted_end: Option<u32> = None;

    let getter = |name: &str, value: &str| {
        format!(
            "Object.defineProperty(exports, {}, {{ enumerable: true, get: function () {{ return {value}; }} }});",
            string_literal(name)
        )
    };

    // Marks `symbol` (declared at the top level) as exported as `name`.
    let export_local = |plan: &mut Plan,
                        symbol: SymbolId,
                        name: String,
                        hoisted: &mut Vec<String>,
                        defaults: &mut Vec<String>,
                        after: &mut BTreeMap<u32, Vec<String>>|
     -> Result<(), Unsupported> {
        let local = scoping.symbol_name(symbol).to_string();
        let is_function = scoping.symbol_flags(symbol).is_function();
        if is_function {
            hoisted.push(format!("{} = {local};", member("exports", &name)));
        } else {
            defaults.push(format!("{} = void 0;", member("exports", &name)));
            let Some(statement) = declared_in(symbol) else {
                return Err(Unsupported {
                    offset: scoping.symbol_span(symbol).start,
                    message: format!("cannot find where `{local}` is declared"),
                    top_level_await: false,
                });
            };
            after
                .entry(statement.span().end)
                .or_default()
                .push(format!("{} = {local};", member("exports", &name)));
        }
        plan.exported.entry(symbol).or_default().push(name);
        Ok(())
    };

    for statement in &program.body {
        let span = statement.span();
        match statement {
            Statement::ImportDeclaration(import) => {
                if import.import_kind == ImportOrExportKind::Type {
                    edits.replace(span.start, span.end, "");
                    continue;
                }
                let specifier = import.source.value.as_str();
                let index = plan.by_specifier[specifier];
                let text = if required.insert(index) {
                    let uses_bindings = import.specifiers.as_ref().is_some_and(|s| !s.is_empty());
                    if uses_bindings || plan.sources[index].interop != Interop::Plain {
                        plan.require_statement(index, specifier)
                    } else {
                        format!("require({});", string_literal(specifier))
                    }
                } else {
                    String::new()
                };
                if code_seen && !text.is_empty() {
                    prologue_requires.push(text);
                    edits.replace(span.start, span.end, "");
                } else {
                    edits.replace(span.start, span.end, text);
                }
            }
            Statement::ExportFromDeclaration(export) => {
                if export.export_kind == ImportOrExportKind::Type {
                    edits.replace(span.start, span.end, "");
                    continue;
                }
                let specifier = export.source.value.as_str();
                let index = plan.by_specifier[specifier];
                for item in &export.specifiers {
                    if item.export_kind == ImportOrExportKind::Type {
                        continue;
                    }
                    let exported = export_name(&item.exported);
                    let value = member(&plan.sources[index].var, &export_name(&item.local));
                    prologue_getters.push(getter(&exported, &value));
                    explicit_names.push(exported);
                }
                let text = if required.insert(index) {
                    plan.require_statement(index, specifier)
                } else {
                    String::new()
                };
                if code_seen && !text.is_empty() {
                    prologue_requires.push(text);
                    edits.replace(span.start, span.end, "");
                } else {
                    edits.replace(span.start, span.end, text);
                }
            }
            Statement::ExportAllDeclaration(export) => {
                if export.export_kind == ImportOrExportKind::Type {
                    edits.replace(span.start, span.end, "");
                    continue;
                }
                let specifier = export.source.value.as_str();
                let index = plan.by_specifier[specifier];
                let mut text = if required.insert(index) {
                    plan.require_statement(index, specifier)
                } else {
                    String::new()
                };
                match &export.exported {
                    Some(name) => {
                        let name = export_name(name);
                        // `export * as ns`: a namespace object under one name.
                        let var = plan.sources[index].var.clone();
                        text.push_str(&format!(" {} = {var};", member("exports", &name)));
                        prologue_defaults.push(format!("{} = void 0;", member("exports", &name)));
                        explicit_names.push(name);
                    }
                    None => star_sources.push((span.end, index)),
                }
                if code_seen {
                    prologue_requires.push(text);
                    edits.replace(span.start, span.end, "");
                } else {
                    edits.replace(span.start, span.end, text);
                }
            }
            Statement::ExportNamedDeclaration(export) => {
                edits.replace(span.start, span.end, "");
                if export.export_kind == ImportOrExportKind::Type {
                    continue;
                }
                for item in &export.specifiers {
                    if item.export_kind == ImportOrExportKind::Type {
                        continue;
                    }
                    let exported = export_name(&item.exported);
                    explicit_names.push(exported.clone());
                    let local = export_name(&item.local);
                    let symbol = match &item.local {
                        ModuleExportName::IdentifierReference(reference) => {
                            scoping.get_reference(reference.reference_id()).symbol_id()
                        }
                        _ => root_symbol(&local),
                    };
                    let Some(symbol) = symbol else {
                        return Err(Unsupported {
                            offset: item.span.start,
                            message: format!(
                                "`{local}` is exported but not declared in this module"
                            ),
                            top_level_await: false,
                        });
                    };
                    if let Some(imported) = plan.imported.get(&symbol).cloned() {
                        prologue_getters.push(getter(&exported, &plan.read(&imported)));
                    } else {
                        export_local(
                            plan,
                            symbol,
                            exported,
                            &mut prologue_hoisted,
                            &mut prologue_defaults,
                            &mut after_statement,
                        )?;
                    }
                }
                code_seen = true;
            }
            Statement::ExportDeclaration(export) => {
                let declaration = &export.declaration;
                edits.replace(span.start, declaration.span().start, "");
                let decl_span = declaration.span();
                let symbols: Vec<SymbolId> = match declaration {
                    Declaration::FunctionDeclaration(function) => {
                        function.id.iter().map(|id| id.symbol_id()).collect()
                    }
                    Declaration::ClassDeclaration(class) => {
                        class.id.iter().map(|id| id.symbol_id()).collect()
                    }
                    _ => {
                        let mut symbols: Vec<SymbolId> = scoping
                            .get_bindings(root)
                            .values()
                            .copied()
                            .filter(|symbol| {
                                let at = scoping.symbol_span(*symbol);
                                decl_span.start <= at.start && at.end <= decl_span.end
                            })
                            .collect();
                        symbols.sort_by_key(|symbol| scoping.symbol_span(*symbol).start);
                        symbols
                    }
                };
                for symbol in symbols {
                    let name = scoping.symbol_name(symbol).to_string();
                    explicit_names.push(name.clone());
                    export_local(
                        plan,
                        symbol,
                        name,
                        &mut prologue_hoisted,
                        &mut prologue_defaults,
                        &mut after_statement,
                    )?;
                }
                code_seen = true;
            }
            Statement::ExportDefaultDeclaration(export) => {
                explicit_names.push("default".into());
                code_seen = true;
                let head_end = export.declaration.span().start;
                match &export.declaration {
                    ExportDefaultDeclarationKind::FunctionDeclaration(function) => {
                        edits.replace(span.start, head_end, "");
                        let local = match &function.id {
                            Some(id) => {
                                plan.exported
                                    .entry(id.symbol_id())
                                    .or_default()
                                    .push("default".into());
                                id.name.to_string()
                            }
                            None => {
                                let name = unique("_default".into(), &mut plan.taken);
                                edits.insert(
                                    function.params.span.start,
                                    Order::FIRST,
                                    name.clone(),
                                );
                                name
                            }
                        };
                        prologue_hoisted.push(format!("exports.default = {local};"));
                    }
                    ExportDefaultDeclarationKind::ClassDeclaration(class) => {
                        edits.replace(span.start, head_end, "");
                        let local = match &class.id {
                            Some(id) => {
                                plan.exported
                                    .entry(id.symbol_id())
                                    .or_default()
                                    .push("default".into());
                                id.name.to_string()
                            }
                            None => {
                                let name = unique("_default".into(), &mut plan.taken);
                                // After the `class` keyword.
                                let keyword = source[class.span.start as usize..]
                                    .find("class")
                                    .map_or(class.span.start, |at| {
                                        class.span.start + at as u32 + 5
                                    });
                                edits.insert(keyword, Order::FIRST, format!(" {name}"));
                                name
                            }
                        };
                        prologue_defaults.push("exports.default = void 0;".into());
                        after_statement
                            .entry(span.end)
                            .or_default()
                            .push(format!("exports.default = {local};"));
                    }
                    ExportDefaultDeclarationKind::TSInterfaceDeclaration(_) => {
                        edits.replace(span.start, span.end, "");
                    }
                    _ => {
                        let name = unique("_default".into(), &mut plan.taken);
                        prologue_defaults.push("exports.default = void 0;".into());
                        edits.replace(
                            span.start,
                            head_end,
                            format!("var {name} = exports.default = "),
                        );
                    }
                }
            }
            Statement::TSExportAssignment(_) | Statement::TSNamespaceExportDeclaration(_) => {
                return Err(Unsupported {
                    offset: span.start,
                    message: "`export =` and `export as namespace` belong to TypeScript files"
                        .into(),
                    top_level_await: false,
                });
            }
            _ if hoisting
                && !code_seen
                && crate::hoist::hoisted_call(statement, scoping, program).is_some() =>
            {
                hoisted_end = Some(span.end);
            }
            _ => code_seen = true,
        }
    }
    if let Some(end) = hoisted_end.filter(|_| !prologue_requires.is_empty()) {
        let requires = std::mem::take(&mut prologue_requires);
        edits.insert(
            end,
            Order::AFTER_STATEMENT,
            format!(" {}", requires.join(" ")),
        );
    }

    for (end, index) in star_sources {
        plan.helpers.export_star = true;
        let names: Vec<String> = explicit_names.iter().map(|n| string_literal(n)).collect();
        edits.insert(
            end,
            Order::AFTER_STATEMENT,
            format!(
                " {HELPER_EXPORT_STAR}({}, [{}]);",
                plan.sources[index].var,
                names.join(", ")
            ),
        );
    }
    for (end, texts) in after_statement {
        edits.insert(end, Order::AFTER_STATEMENT, format!(" {}", texts.join(" ")));
    }

    let mut prologue = String::new();
    let has_strict = program
        .directives
        .iter()
        .any(|directive| directive.directive.as_str() == "use strict");
    if !has_strict {
        prologue.push_str("\"use strict\";");
    }
    prologue.push_str("Object.defineProperty(exports, \"__esModule\", { value: true });");
    for text in prologue_defaults
        .iter()
        .chain(&prologue_hoisted)
        .chain(&prologue_getters)
        .chain(&prologue_requires)
    {
        prologue.push(' ');
        prologue.push_str(text);
    }
    prologue.push(' ');
    // After the directives, which stay first so that they still apply ("use strict").
    let at = program
        .directives
        .last()
        .map_or(0, |directive| directive.span.end);
    if at > 0 {
        prologue.insert(0, ' ');
    }
    edits.insert(at, Order::FIRST, prologue);
    Ok(())
}

/// Walks the whole file: references to imported bindings, writes to exported ones, `this` at
/// the top level, `import()` and `import.meta`.
struct Rewriter<'p> {
    plan: &'p mut Plan,
    scoping: &'p Scoping,
    edits: &'p mut Edits,
    is_module: bool,
    /// How many functions (other than arrows), class bodies and static blocks enclose the
    /// current node: `this` at depth 0 is the module's.
    this_depth: u32,
    /// How many functions of any kind enclose the current node: `await` at depth 0 is a
    /// top-level await.
    function_depth: u32,
    /// Wrappers opened so far, to order nested ones.
    wrappers: u32,
    /// Exported symbols written by the assignment target being visited.
    writes: Vec<SymbolId>,
    error: Option<Unsupported>,
}

impl Rewriter<'_> {
    fn top_level_await(&mut self, span: Span) {
        if self.error.is_none() {
            self.error = Some(Unsupported {
                offset: span.start,
                message: "`await` at the top level needs an ES module: mini-program modules run \
                          as CommonJS (an entry script may use it; rename a module to .mjs)"
                    .into(),
                top_level_await: true,
            });
        }
    }

    fn imported(&self, reference: &IdentifierReference<'_>) -> Option<Imported> {
        let id = reference.reference_id.get()?;
        let symbol = self.scoping.get_reference(id).symbol_id()?;
        self.plan.imported.get(&symbol).cloned()
    }

    fn exported_write(&self, reference: &IdentifierReference<'_>) -> Option<SymbolId> {
        let id = reference.reference_id.get()?;
        let reference = self.scoping.get_reference(id);
        let symbol = reference.symbol_id()?;
        (reference.is_write() && self.plan.exported.contains_key(&symbol)).then_some(symbol)
    }

    /// Wraps `span` (an assignment or update) so that every exported binding it wrote is copied
    /// to `exports` afterwards, and the expression keeps its value.
    fn wrap_writes(&mut self, span: Span, seq: u32, written: &[SymbolId]) {
        let mut updates = String::new();
        for symbol in written {
            let local = self.scoping.symbol_name(*symbol);
            for name in &self.plan.exported[symbol] {
                updates.push_str(&format!(", {} = {local}", member("exports", name)));
            }
        }
        self.plan.helpers.temp = true;
        self.edits
            .insert(span.start, Order::opening(seq), format!("({TEMP} = "));
        self.edits
            .insert(span.end, Order::closing(seq), format!("{updates}, {TEMP})"));
    }

    fn next_wrapper(&mut self) -> u32 {
        self.wrappers += 1;
        self.wrappers
    }

    /// A callee or tag that reads an import is called with `this` undefined, as in a module.
    fn callee(&mut self, callee: &Expression<'_>) -> bool {
        if let Expression::Identifier(reference) = callee
            && let Some(imported) = self.imported(reference)
        {
            let text = match imported {
                Imported::Namespace(_) => self.plan.read(&imported),
                Imported::Member(..) => format!("(0, {})", self.plan.read(&imported)),
            };
            self.edits
                .replace(reference.span.start, reference.span.end, text);
            return true;
        }
        false
    }
}

impl<'a> Visit<'a> for Rewriter<'_> {
    fn visit_identifier_reference(&mut self, it: &IdentifierReference<'a>) {
        if let Some(imported) = self.imported(it) {
            let text = self.plan.read(&imported);
            self.edits.replace(it.span.start, it.span.end, text);
        } else if let Some(symbol) = self.exported_write(it) {
            self.writes.push(symbol);
        }
    }

    fn visit_call_expression(&mut self, it: &CallExpression<'a>) {
        if !self.callee(&it.callee) {
            self.visit_expression(&it.callee);
        }
        self.visit_arguments(&it.arguments);
    }

    fn visit_tagged_template_expression(&mut self, it: &TaggedTemplateExpression<'a>) {
        if !self.callee(&it.tag) {
            self.visit_expression(&it.tag);
        }
        self.visit_template_literal(&it.quasi);
    }

    fn visit_object_property(&mut self, it: &ObjectProperty<'a>) {
        if it.shorthand
            && let Expression::Identifier(reference) = &it.value
            && let Some(imported) = self.imported(reference)
        {
            let text = format!("{}: {}", reference.name, self.plan.read(&imported));
            self.edits.replace(it.span.start, it.span.end, text);
            return;
        }
        walk::walk_object_property(self, it);
    }

    fn visit_assignment_expression(&mut self, it: &AssignmentExpression<'a>) {
        let seq = self.next_wrapper();
        let mark = self.writes.len();
        self.visit_assignment_target(&it.left);
        let written: Vec<SymbolId> = self.writes.drain(mark..).collect();
        self.visit_expression(&it.right);
        if !written.is_empty() {
            self.wrap_writes(it.span, seq, &written);
        }
    }

    fn visit_update_expression(&mut self, it: &UpdateExpression<'a>) {
        let seq = self.next_wrapper();
        let mark = self.writes.len();
        self.visit_simple_assignment_target(&it.argument);
        let written: Vec<SymbolId> = self.writes.drain(mark..).collect();
        if !written.is_empty() {
            self.wrap_writes(it.span, seq, &written);
        }
    }

    fn visit_this_expression(&mut self, it: &ThisExpression) {
        if self.is_module && self.this_depth == 0 {
            self.edits.replace(it.span.start, it.span.end, "void 0");
        }
    }

    fn visit_function(&mut self, it: &Function<'a>, flags: ScopeFlags) {
        self.this_depth += 1;
        self.function_depth += 1;
        walk::walk_function(self, it, flags);
        self.function_depth -= 1;
        self.this_depth -= 1;
    }

    fn visit_arrow_function_expression(&mut self, it: &ArrowFunctionExpression<'a>) {
        self.function_depth += 1;
        walk::walk_arrow_function_expression(self, it);
        self.function_depth -= 1;
    }

    fn visit_await_expression(&mut self, it: &AwaitExpression<'a>) {
        if self.function_depth == 0 {
            self.top_level_await(it.span);
        }
        walk::walk_await_expression(self, it);
    }

    fn visit_for_of_statement(&mut self, it: &ForOfStatement<'a>) {
        if it.r#await && self.function_depth == 0 {
            self.top_level_await(it.span);
        }
        walk::walk_for_of_statement(self, it);
    }

    fn visit_class(&mut self, it: &Class<'a>) {
        // `extends` sees the outer `this`; the body (methods, fields, static blocks) does not.
        if let Some(heritage) = &it.heritage {
            self.visit_class_heritage(heritage);
        }
        self.this_depth += 1;
        self.visit_class_body(&it.body);
        self.this_depth -= 1;
    }

    fn visit_import_expression(&mut self, it: &ImportExpression<'a>) {
        self.plan.helpers.dynamic_import = true;
        self.plan.helpers.interop_wildcard = true;
        // `import(` → `__wxrun$import(`; a second argument (import attributes) is ignored.
        self.edits.replace(
            it.span.start,
            it.span.start + "import".len() as u32,
            HELPER_IMPORT,
        );
        self.visit_expression(&it.source);
        if let Some(options) = &it.options {
            self.visit_expression(options);
        }
    }

    fn visit_import_meta(&mut self, it: &ImportMeta) {
        if self.error.is_none() {
            self.error = Some(Unsupported {
                offset: it.span.start,
                message: "`import.meta` is not available: mini-program modules run as CommonJS \
                          (use __filename and __dirname)"
                    .into(),
                top_level_await: false,
            });
        }
    }

    // Module declarations: their names are handled by the plan; only the expressions and
    // declarations inside them are visited.
    fn visit_import_declaration(&mut self, _it: &oxc::ast::ast::ImportDeclaration<'a>) {}

    fn visit_export_named_declaration(&mut self, _it: &oxc::ast::ast::ExportNamedDeclaration<'a>) {}

    fn visit_export_from_declaration(&mut self, _it: &oxc::ast::ast::ExportFromDeclaration<'a>) {}

    fn visit_export_all_declaration(&mut self, _it: &oxc::ast::ast::ExportAllDeclaration<'a>) {}
}

/// Appends the helpers the file uses, as function declarations (hoisted, so their place at the
/// end does not matter and no line above moves).
fn append_helpers(helpers: &HelperUse, source: &str, edits: &mut Edits) {
    let mut text = String::new();
    if helpers.temp {
        text.push_str(&format!(" var {TEMP};"));
    }
    if helpers.interop_default {
        text.push_str(&format!(
            " function {HELPER_DEFAULT}(m) {{ return m && m.__esModule ? m : {{ default: m }}; }}"
        ));
    }
    if helpers.interop_wildcard {
        // A namespace object of a CommonJS module: its own keys, and `default` the module
        // itself; made once per module object so that two imports see the same namespace.
        text.push_str(&format!(
            " function {HELPER_WILDCARD}(m) {{ if (m && m.__esModule) return m; \
             if (m === null || (typeof m !== 'object' && typeof m !== 'function')) return {{ default: m }}; \
             var cache = {HELPER_WILDCARD}.cache || ({HELPER_WILDCARD}.cache = new WeakMap()); \
             if (cache.has(m)) return cache.get(m); \
             var ns = {{ __proto__: null }}; \
             for (var k in m) if (k !== 'default' && Object.prototype.hasOwnProperty.call(m, k)) {{ \
             var d = Object.getOwnPropertyDescriptor(m, k); \
             if (d && (d.get || d.set)) Object.defineProperty(ns, k, d); else ns[k] = m[k]; }} \
             ns.default = m; cache.set(m, ns); return ns; }}"
        ));
    }
    if helpers.export_star {
        text.push_str(&format!(
            " function {HELPER_EXPORT_STAR}(m, own) {{ Object.keys(m).forEach(function (k) {{ \
             if (k === 'default' || k === '__esModule' || own.indexOf(k) >= 0) return; \
             if (k in exports && exports[k] === m[k]) return; \
             Object.defineProperty(exports, k, {{ enumerable: true, get: function () {{ return m[k]; }} }}); }}); }}"
        ));
    }
    if helpers.dynamic_import {
        text.push_str(&format!(
            " function {HELPER_IMPORT}(s) {{ return Promise.resolve(s).then(function (s) {{ return {HELPER_WILDCARD}(require(s)); }}); }}"
        ));
    }
    if !text.is_empty() {
        // On a line of their own after the last line, so no line of the file changes.
        let lead = if source.ends_with('\n') { "" } else { "\n" };
        edits.insert(
            source.len() as u32,
            Order::LAST,
            format!("{lead}{}\n", text.trim_start()),
        );
    }
}
