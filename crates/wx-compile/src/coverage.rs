//! Coverage instrumentation: counters for statements, functions and branches, inserted as text
//! edits into the file the user wrote (before any other pass, so every position in the
//! [`CoverageMap`] is an original one, TypeScript included).
//!
//! What counts is what istanbul (the library behind Jest's `--coverage`) counts, so that
//! covered lines agree with Jest's: a statement is an expression statement, a `return`,
//! `throw`, `break`, `continue`, `debugger`, `try`, `if`, loop, `switch`, `with` or labelled
//! statement, a variable declarator with an initialiser (located at the initialiser), a
//! class field's value, and an arrow function's expression body; functions are every function
//! with a body; branches are `if` (two paths, the missing `else` included), `?:`, each
//! operand of a chain of `&&`, `||` and `??`, each `switch` case, and default values.
//! `/* istanbul ignore next */`, `ignore if` and `ignore else` comments leave out what they
//! name, as istanbul does; `ignore file` leaves out the whole file.
//!
//! The counters live in one object per file, made by a function the host defines
//! ([`REGISTER`]) from the map, which is written into the file's first line.

use std::collections::HashMap;

use oxc::{
    allocator::Allocator,
    ast::ast::{
        ArrowFunctionExpression, AssignmentPattern, AssignmentTargetPropertyIdentifier,
        AssignmentTargetWithDefault, CommentPosition, ConditionalExpression, Declaration,
        Decorator, DoWhileStatement, Expression, ForInStatement, ForOfStatement, ForStatement,
        ForStatementInit, FormalParameter, Function, FunctionBody, IfStatement, LogicalExpression,
        Program, PropertyDefinition, Statement, SwitchStatement, TSEnumDeclaration,
        TSExternalModuleDeclaration, TSGlobalDeclaration, TSNamespaceDeclaration,
        VariableDeclaration, VariableDeclarator, WhileStatement, WithStatement,
    },
    ast_visit::{Visit, walk},
    span::{GetSpan, Span},
    syntax::scope::ScopeFlags,
};

use crate::{
    CompileError, Lang,
    edits::{Edits, Order},
    esm::string_literal,
    map::{LineIndex, SourceMapping},
};

/// The variable holding a file's counters.
pub const COUNTERS: &str = "__wxrun$cov";
/// The global function the host defines when coverage is on: `(filename, map) => counters`.
pub const REGISTER: &str = "__wxrun$coverage";

/// A place in the original file, as istanbul counts: line from 1, column from 0 in UTF-16
/// units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    pub line: u32,
    pub column: u32,
}

/// A span of the original file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Range {
    pub start: Position,
    pub end: Position,
}

/// A function: its name (or `(anonymous_N)`), where it is declared, and its body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionEntry {
    pub name: String,
    pub decl: Range,
    pub loc: Range,
}

/// The kinds of branches, named as istanbul names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BranchKind {
    If,
    CondExpr,
    BinaryExpr,
    Switch,
    DefaultArg,
}

impl BranchKind {
    pub fn name(self) -> &'static str {
        match self {
            BranchKind::If => "if",
            BranchKind::CondExpr => "cond-expr",
            BranchKind::BinaryExpr => "binary-expr",
            BranchKind::Switch => "switch",
            BranchKind::DefaultArg => "default-arg",
        }
    }
}

/// A branch point and the location of each of its paths.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BranchEntry {
    pub kind: BranchKind,
    pub loc: Range,
    pub locations: Vec<Range>,
}

/// Everything counted in one file, in counter order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CoverageMap {
    pub statements: Vec<Range>,
    pub functions: Vec<FunctionEntry>,
    pub branches: Vec<BranchEntry>,
}

fn push_range(out: &mut String, range: &Range) {
    out.push_str(&format!(
        "{},{},{},{}",
        range.start.line, range.start.column, range.end.line, range.end.column
    ));
}

impl CoverageMap {
    /// The map as the JavaScript literal [`REGISTER`] receives: `s` holds four numbers per
    /// statement (start line, column, end line, column); `f` a name and two ranges per
    /// function; `b` a kind, a range and the flat ranges of its paths per branch.
    pub fn to_js(&self) -> String {
        let mut out = String::from("{s:[");
        for (index, range) in self.statements.iter().enumerate() {
            if index > 0 {
                out.push(',');
            }
            push_range(&mut out, range);
        }
        out.push_str("],f:[");
        for (index, function) in self.functions.iter().enumerate() {
            if index > 0 {
                out.push(',');
            }
            out.push('[');
            out.push_str(&string_literal(&function.name));
            out.push(',');
            push_range(&mut out, &function.decl);
            out.push(',');
            push_range(&mut out, &function.loc);
            out.push(']');
        }
        out.push_str("],b:[");
        for (index, branch) in self.branches.iter().enumerate() {
            if index > 0 {
                out.push(',');
            }
            out.push_str(&format!("[\"{}\",", branch.kind.name()));
            push_range(&mut out, &branch.loc);
            out.push_str(",[");
            for (index, location) in branch.locations.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                push_range(&mut out, location);
            }
            out.push_str("]]");
        }
        out.push_str("]}");
        out
    }
}

/// An instrumented file: its code (still the user's language), the mapping back to the
/// original, and what its counters count.
pub(crate) struct Instrumented {
    pub code: String,
    pub mapping: SourceMapping,
    pub map: CoverageMap,
}

/// Byte offsets → istanbul positions.
struct Positions<'s> {
    source: &'s str,
    starts: Vec<u32>,
}

impl<'s> Positions<'s> {
    fn new(source: &'s str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            source
                .bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i as u32 + 1),
        );
        Positions { source, starts }
    }

    fn at(&self, offset: u32) -> Position {
        let line = self.starts.partition_point(|start| *start <= offset) - 1;
        let start = self.starts[line] as usize;
        let text = self.source.get(start..offset as usize).unwrap_or_default();
        let column = if text.is_ascii() {
            text.len()
        } else {
            text.chars().map(char::len_utf16).sum()
        };
        Position {
            line: line as u32 + 1,
            column: column as u32,
        }
    }

    fn range(&self, span: Span) -> Range {
        Range {
            start: self.at(span.start),
            end: self.at(span.end),
        }
    }
}

/// What an `istanbul ignore` comment before a node asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Hint {
    Next,
    If,
    Else,
    File,
}

fn hints(source: &str, program: &Program<'_>) -> HashMap<u32, Hint> {
    let mut out = HashMap::new();
    for comment in &program.comments {
        if comment.position != CommentPosition::Leading {
            continue;
        }
        let text = &source[comment.span.start as usize..comment.span.end as usize];
        let text = text
            .trim_start_matches("//")
            .trim_start_matches("/*")
            .trim_end_matches("*/");
        let mut words = text.split_whitespace();
        if words.next() != Some("istanbul") || words.next() != Some("ignore") {
            continue;
        }
        let hint = match words.next() {
            Some("next") => Hint::Next,
            Some("if") => Hint::If,
            Some("else") => Hint::Else,
            Some("file") => Hint::File,
            _ => continue,
        };
        out.insert(comment.attached_to, hint);
    }
    out
}

/// What ends a directive before code is put after it: nothing when it has its `;`.
fn terminator(source: &str, directive: Span) -> &'static str {
    if source[..directive.end as usize].ends_with(';') {
        ""
    } else {
        ";"
    }
}

/// Instruments `source`. `Ok(None)` when the file cannot be parsed: it is then left to run
/// uninstrumented, and the engine reports what is wrong with it.
pub(crate) fn instrument(source: &str, lang: Lang) -> Result<Option<Instrumented>, CompileError> {
    let allocator = Allocator::default();
    let Some(program) = crate::parse_for_pass(&allocator, source, lang)? else {
        return Ok(None);
    };
    let hints = hints(source, &program);
    let mut instrumenter = Instrumenter {
        positions: Positions::new(source),
        edits: Edits::default(),
        map: CoverageMap::default(),
        seq: 0,
        list_item: false,
        counter_at: None,
        declaration_at: None,
        slot_prefix: None,
        hints,
    };
    let ignored = instrumenter.hints.values().any(|hint| *hint == Hint::File);
    if !ignored {
        instrumenter.visit_program(&program);
    }
    let Instrumenter { mut edits, map, .. } = instrumenter;
    // On line 1, after the directives (which must stay first), so no line moves.
    let (at, lead) = match program.directives.last() {
        Some(directive) => (directive.span.end, terminator(source, directive.span)),
        None => (0, ""),
    };
    edits.insert(
        at,
        Order::FIRST,
        format!(
            "{lead}var {COUNTERS} = {REGISTER}(typeof __filename === 'string' ? __filename : '', {});",
            map.to_js()
        ),
    );
    let (code, segments) = edits.apply(source);
    let mapping = SourceMapping::from_segments(&segments, &code, &LineIndex::new(source));
    Ok(Some(Instrumented { code, mapping, map }))
}

struct Instrumenter<'s> {
    positions: Positions<'s>,
    hints: HashMap<u32, Hint>,
    edits: Edits,
    map: CoverageMap,
    /// Insertions numbered in visiting order (outer first): at one offset, outer text opens
    /// before inner text and closes after it.
    seq: u32,
    /// The statement about to be visited is an item of a statement list (else it fills a
    /// slot such as an `if` body, and is wrapped in a block to take its counters).
    list_item: bool,
    /// Where the next statement's counter goes when not at its start (a labelled body).
    counter_at: Option<u32>,
    /// The next variable declaration is a statement of its own, starting here: counters of
    /// declarators whose value is a function or class go before it (keeping names inferred).
    declaration_at: Option<u32>,
    /// A branch counter the next statement (a slot) takes first.
    slot_prefix: Option<String>,
}

fn is_function_like(expression: &Expression<'_>) -> bool {
    match expression {
        Expression::FunctionExpression(_)
        | Expression::ArrowFunctionExpression(_)
        | Expression::ClassExpression(_) => true,
        Expression::ParenthesizedExpression(inner) => is_function_like(&inner.expression),
        _ => false,
    }
}

/// Whether istanbul counts this statement.
fn is_counted(statement: &Statement<'_>) -> bool {
    matches!(
        statement,
        Statement::ExpressionStatement(_)
            | Statement::BreakStatement(_)
            | Statement::ContinueStatement(_)
            | Statement::DebuggerStatement(_)
            | Statement::ReturnStatement(_)
            | Statement::ThrowStatement(_)
            | Statement::TryStatement(_)
            | Statement::IfStatement(_)
            | Statement::ForStatement(_)
            | Statement::ForInStatement(_)
            | Statement::ForOfStatement(_)
            | Statement::WhileStatement(_)
            | Statement::DoWhileStatement(_)
            | Statement::SwitchStatement(_)
            | Statement::WithStatement(_)
            | Statement::LabeledStatement(_)
    )
}

impl Instrumenter<'_> {
    fn next_seq(&mut self) -> u32 {
        self.seq += 1;
        self.seq
    }

    fn hint(&self, at: u32) -> Option<Hint> {
        self.hints.get(&at).copied()
    }

    fn statement(&mut self, span: Span) -> String {
        self.map.statements.push(self.positions.range(span));
        format!("{COUNTERS}.s[{}]++", self.map.statements.len() - 1)
    }

    fn branch(&mut self, kind: BranchKind, span: Span) -> usize {
        self.map.branches.push(BranchEntry {
            kind,
            loc: self.positions.range(span),
            locations: Vec::new(),
        });
        self.map.branches.len() - 1
    }

    fn path(&mut self, branch: usize, span: Span) -> String {
        let range = self.positions.range(span);
        let locations = &mut self.map.branches[branch].locations;
        locations.push(range);
        format!("{COUNTERS}.b[{branch}][{}]++", locations.len() - 1)
    }

    /// `(counter, expression)`, keeping the expression's value.
    fn wrap(&mut self, span: Span, counter: &str) {
        let seq = self.next_seq();
        self.edits
            .insert(span.start, Order::opening(seq), format!("({counter}, "));
        self.edits.insert(span.end, Order::closing(seq), ")");
    }

    fn insert_statement(&mut self, at: u32, text: String) {
        let seq = self.next_seq();
        self.edits
            .insert(at, Order::opening(seq), format!("{text};"));
    }

    /// Visits the statement in a slot (an `if` or loop body), whose first counter is `prefix`.
    fn slot(&mut self, statement: &Statement<'_>, prefix: Option<String>) {
        self.slot_prefix = prefix;
        self.visit_statement(statement);
    }

    /// Where a counter goes first in a function body: after its directives.
    fn body_start(&self, body: &FunctionBody<'_>) -> (u32, &'static str) {
        match body.directives.last() {
            Some(directive) => (
                directive.span.end,
                terminator(self.positions.source, directive.span),
            ),
            None => (body.span.start + 1, ""),
        }
    }

    fn function(
        &mut self,
        name: Option<&str>,
        span: Span,
        decl: Option<Span>,
        body: Span,
    ) -> String {
        let index = self.map.functions.len();
        let decl = match decl {
            Some(span) => self.positions.range(span),
            None => {
                let start = self.positions.at(span.start);
                Range {
                    start,
                    end: Position {
                        line: start.line,
                        column: start.column + 1,
                    },
                }
            }
        };
        self.map.functions.push(FunctionEntry {
            name: name.map_or_else(|| format!("(anonymous_{index})"), str::to_string),
            decl,
            loc: self.positions.range(body),
        });
        format!("{COUNTERS}.f[{index}]++")
    }

    /// A default value: a branch of its own with one path.
    fn default_value(&mut self, whole: Span, value: &Expression<'_>) {
        if self.hint(value.span().start) == Some(Hint::Next) {
            return;
        }
        let branch = self.branch(BranchKind::DefaultArg, whole);
        let counter = self.path(branch, value.span());
        self.wrap(value.span(), &counter);
    }

    /// The operands of a chain of logical operators, looking through parentheses.
    fn leaves<'e, 'a>(expression: &'e Expression<'a>, out: &mut Vec<&'e Expression<'a>>) {
        match expression {
            Expression::LogicalExpression(logical) => {
                Self::leaves(&logical.left, out);
                Self::leaves(&logical.right, out);
            }
            Expression::ParenthesizedExpression(inner)
                if matches!(inner.expression, Expression::LogicalExpression(_)) =>
            {
                Self::leaves(&inner.expression, out);
            }
            _ => out.push(expression),
        }
    }
}

impl<'a> Visit<'a> for Instrumenter<'_> {
    fn visit_statements(&mut self, it: &oxc::allocator::Vec<'a, Statement<'a>>) {
        for statement in it {
            self.list_item = true;
            self.visit_statement(statement);
        }
    }

    fn visit_statement(&mut self, it: &Statement<'a>) {
        let in_list = std::mem::take(&mut self.list_item);
        let counter_at = self.counter_at.take();
        let prefix = self.slot_prefix.take();
        let span = it.span();
        if !in_list {
            match it {
                Statement::BlockStatement(block) => {
                    if let Some(prefix) = prefix {
                        self.insert_statement(block.span.start + 1, prefix);
                    }
                }
                _ => {
                    let seq = self.next_seq();
                    let open = match prefix {
                        Some(prefix) => format!("{{ {prefix}; "),
                        None => "{ ".into(),
                    };
                    self.edits.insert(span.start, Order::opening(seq), open);
                    self.edits.insert(span.end, Order::closing(seq), " }");
                }
            }
        }
        if self.hint(span.start) == Some(Hint::Next) {
            return;
        }
        let at = counter_at.unwrap_or(span.start);
        if is_counted(it) {
            let counter = self.statement(span);
            self.insert_statement(at, counter);
        }
        match it {
            Statement::VariableDeclaration(_) => {
                self.declaration_at = Some(at);
                walk::walk_statement(self, it);
            }
            Statement::ExportDeclaration(export)
                if matches!(export.declaration, Declaration::VariableDeclaration(_)) =>
            {
                self.declaration_at = Some(at);
                walk::walk_statement(self, it);
            }
            Statement::LabeledStatement(labeled) => {
                // `continue label` needs the loop right after the label: its counter goes
                // before the label instead of into a block.
                self.list_item = true;
                self.counter_at = Some(at);
                self.visit_statement(&labeled.body);
            }
            _ => walk::walk_statement(self, it),
        }
    }

    fn visit_variable_declaration(&mut self, it: &VariableDeclaration<'a>) {
        let at = self.declaration_at.take();
        for declarator in &it.declarations {
            self.declarator(declarator, at);
        }
    }

    fn visit_if_statement(&mut self, it: &IfStatement<'a>) {
        let seq = self.next_seq();
        let hint = self.hint(it.span.start);
        let branch = self.branch(BranchKind::If, it.span);
        self.visit_expression(&it.test);
        if hint != Some(Hint::If) {
            let counter = self.path(branch, it.span);
            self.slot(&it.consequent, Some(counter));
        }
        if hint != Some(Hint::Else) {
            match &it.alternate {
                Some(alternate) => {
                    let counter = self.path(branch, alternate.span());
                    self.slot(alternate, Some(counter));
                }
                None => {
                    let counter = self.path(branch, it.span);
                    self.edits.insert(
                        it.span.end,
                        Order::closing(seq),
                        format!(" else {{ {counter}; }}"),
                    );
                }
            }
        }
    }

    fn visit_for_statement(&mut self, it: &ForStatement<'a>) {
        if let Some(init) = &it.init {
            match init {
                ForStatementInit::VariableDeclaration(declaration) => {
                    self.declaration_at = None;
                    self.visit_variable_declaration(declaration);
                }
                other => {
                    if let Some(expression) = other.as_expression() {
                        self.visit_expression(expression);
                    }
                }
            }
        }
        if let Some(test) = &it.test {
            self.visit_expression(test);
        }
        if let Some(update) = &it.update {
            self.visit_expression(update);
        }
        self.slot(&it.body, None);
    }

    fn visit_for_in_statement(&mut self, it: &ForInStatement<'a>) {
        self.visit_for_statement_left(&it.left);
        self.visit_expression(&it.right);
        self.slot(&it.body, None);
    }

    fn visit_for_of_statement(&mut self, it: &ForOfStatement<'a>) {
        self.visit_for_statement_left(&it.left);
        self.visit_expression(&it.right);
        self.slot(&it.body, None);
    }

    fn visit_while_statement(&mut self, it: &WhileStatement<'a>) {
        self.visit_expression(&it.test);
        self.slot(&it.body, None);
    }

    fn visit_do_while_statement(&mut self, it: &DoWhileStatement<'a>) {
        self.slot(&it.body, None);
        self.visit_expression(&it.test);
    }

    fn visit_with_statement(&mut self, it: &WithStatement<'a>) {
        self.visit_expression(&it.object);
        self.slot(&it.body, None);
    }

    fn visit_switch_statement(&mut self, it: &SwitchStatement<'a>) {
        let branch = self.branch(BranchKind::Switch, it.span);
        self.visit_expression(&it.discriminant);
        for case in &it.cases {
            if let Some(test) = &case.test {
                self.visit_expression(test);
            }
            if self.hint(case.span.start) != Some(Hint::Next) {
                let counter = self.path(branch, case.span);
                let at = case
                    .consequent
                    .first()
                    .map_or(case.span.end, |s| s.span().start);
                self.insert_statement(at, counter);
            }
            self.visit_statements(&case.consequent);
        }
    }

    fn visit_function(&mut self, it: &Function<'a>, flags: ScopeFlags) {
        let Some(body) = &it.body else { return };
        if self.hint(it.span.start) == Some(Hint::Next) {
            return;
        }
        let name = it.id.as_ref().map(|id| id.name.as_str());
        let counter = self.function(name, it.span, it.id.as_ref().map(|id| id.span), body.span);
        let (at, lead) = self.body_start(body);
        self.insert_statement(at, format!("{lead}{counter}"));
        walk::walk_function(self, it, flags);
    }

    fn visit_arrow_function_expression(&mut self, it: &ArrowFunctionExpression<'a>) {
        if self.hint(it.span.start) == Some(Hint::Next) {
            return;
        }
        let body_span = it.body.span();
        let counter = self.function(None, it.span, None, body_span);
        match it.get_expression() {
            Some(expression) => {
                let returned = self.statement(expression.span());
                self.wrap(expression.span(), &format!("{counter}, {returned}"));
                self.visit_expression(expression);
                self.visit_formal_parameters(&it.params);
            }
            None => {
                if let Some(body) = it.get_function_body() {
                    let (at, lead) = self.body_start(body);
                    self.insert_statement(at, format!("{lead}{counter}"));
                }
                walk::walk_arrow_function_expression(self, it);
            }
        }
    }

    fn visit_conditional_expression(&mut self, it: &ConditionalExpression<'a>) {
        let branch = self.branch(BranchKind::CondExpr, it.span);
        self.visit_expression(&it.test);
        for part in [&it.consequent, &it.alternate] {
            if self.hint(part.span().start) == Some(Hint::Next) {
                continue;
            }
            let counter = self.path(branch, part.span());
            self.wrap(part.span(), &counter);
            self.visit_expression(part);
        }
    }

    fn visit_logical_expression(&mut self, it: &LogicalExpression<'a>) {
        let mut leaves = Vec::new();
        Self::leaves(&it.left, &mut leaves);
        Self::leaves(&it.right, &mut leaves);
        let branch = self.branch(BranchKind::BinaryExpr, it.span);
        for leaf in leaves {
            if self.hint(leaf.span().start) == Some(Hint::Next) {
                continue;
            }
            let counter = self.path(branch, leaf.span());
            self.wrap(leaf.span(), &counter);
            self.visit_expression(leaf);
        }
    }

    fn visit_formal_parameter(&mut self, it: &FormalParameter<'a>) {
        if let Some(value) = &it.initializer {
            self.default_value(it.span, value);
        }
        walk::walk_formal_parameter(self, it);
    }

    fn visit_assignment_pattern(&mut self, it: &AssignmentPattern<'a>) {
        self.default_value(it.span, &it.right);
        walk::walk_assignment_pattern(self, it);
    }

    fn visit_assignment_target_with_default(&mut self, it: &AssignmentTargetWithDefault<'a>) {
        self.default_value(it.span, &it.init);
        walk::walk_assignment_target_with_default(self, it);
    }

    fn visit_assignment_target_property_identifier(
        &mut self,
        it: &AssignmentTargetPropertyIdentifier<'a>,
    ) {
        if let Some(init) = &it.init {
            self.default_value(it.span, init);
        }
        walk::walk_assignment_target_property_identifier(self, it);
    }

    fn visit_property_definition(&mut self, it: &PropertyDefinition<'a>) {
        if let Some(value) = &it.value
            && self.hint(it.span.start) != Some(Hint::Next)
        {
            let counter = self.statement(value.span());
            self.wrap(value.span(), &counter);
        }
        walk::walk_property_definition(self, it);
    }

    // Not code that runs as written: enums are rewritten by the TypeScript pass, declarations
    // are types, decorators are moved.
    fn visit_ts_enum_declaration(&mut self, _it: &TSEnumDeclaration<'a>) {}

    fn visit_ts_namespace_declaration(&mut self, it: &TSNamespaceDeclaration<'a>) {
        if !it.declare {
            walk::walk_ts_namespace_declaration(self, it);
        }
    }

    fn visit_ts_external_module_declaration(&mut self, _it: &TSExternalModuleDeclaration<'a>) {}

    fn visit_ts_global_declaration(&mut self, _it: &TSGlobalDeclaration<'a>) {}

    fn visit_decorator(&mut self, _it: &Decorator<'a>) {}
}

impl Instrumenter<'_> {
    fn declarator(&mut self, it: &VariableDeclarator<'_>, statement_at: Option<u32>) {
        if let Some(init) = &it.init
            && self.hint(init.span().start) != Some(Hint::Next)
        {
            let counter = self.statement(init.span());
            match statement_at {
                // A counter in front of `const f = () => {}` keeps `f.name`.
                Some(at) if is_function_like(init) => self.insert_statement(at, counter),
                _ => self.wrap(init.span(), &counter),
            }
        }
        walk::walk_variable_declarator(self, it);
    }
}
