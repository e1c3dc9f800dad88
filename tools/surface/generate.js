#!/usr/bin/env node
// Writes crates/wx-api/data/surface.json: the shape of every documented `wx` API and of every
// object those APIs hand back, read from the official typings with the TypeScript compiler API.
// wx-api builds the simulated answers of the APIs wxrun has no backend for from it (kind,
// Promise form, required options and their types, result fields with placeholder defaults,
// returned interfaces with every method, listener pair and property).
//
//   cd tools/surface && npm ci && node generate.js
//
// CI does not run this; the table is checked in, and a wx-api test checks that it covers the
// inventory. Only names, types and structure are written: the typings' doc comments are left
// out (the output is refused if any CJK text gets through).

'use strict';
const fs = require('fs');
const path = require('path');

const HERE = __dirname;
const ROOT = path.join(HERE, '..', '..');
const ts = require('typescript');
const PKG_DIR = path.dirname(require.resolve('miniprogram-api-typings/package.json'));
const INVENTORY = path.join(ROOT, 'crates/wx-policy/data/wx_api_inventory.json');
const OUT = path.join(ROOT, 'crates/wx-api/data/surface.json');

if (!ts.createProgram) {
  console.error(`typescript ${ts.version} has no JS compiler API (TypeScript 7 is the native port); ` +
    'run npm ci here, which installs the pinned 5.9.3');
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------
// Program
const entry = path.join(PKG_DIR, 'types/index.d.ts');
const program = ts.createProgram([entry], {
  target: ts.ScriptTarget.ES2020,
  lib: ['lib.es2020.d.ts'],
  types: [],
  noEmit: true,
  strict: true,
  skipLibCheck: true,
});
const checker = program.getTypeChecker();
const printer = ts.createPrinter({ removeComments: true, newLine: ts.NewLineKind.LineFeed });
const pkgVersion = JSON.parse(fs.readFileSync(path.join(PKG_DIR, 'package.json'), 'utf8')).version;

const typingFiles = program.getSourceFiles().filter((sf) => sf.fileName.startsWith(PKG_DIR));
// The xr-frame engine typings (only reachable through wx.getXrFrameSystem, which is not in the
// inventory) are left opaque: their types are named but not expanded.
const OPAQUE_FILES = ['lib.wx.xr-frame.d.ts'];
const isTypingsDecl = (d) => d && d.getSourceFile().fileName.startsWith(PKG_DIR) &&
  !OPAQUE_FILES.includes(path.basename(d.getSourceFile().fileName));

// ---------------------------------------------------------------------------------------------
// Small helpers

function norm(s) {
  return s.replace(/\s+/g, ' ').replace(/\( /g, '(').replace(/ \)/g, ')').replace(/;\s*}/g, ' }').trim();
}

function nodeText(node) {
  if (!node) return null;
  return norm(printer.printNode(ts.EmitHint.Unspecified, node, node.getSourceFile()));
}

function typeString(type, enclosing) {
  return norm(checker.typeToString(type, enclosing,
    ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseFullyQualifiedType));
}

// Short name of a named type: WechatMiniprogram.X -> X; DB.Database and ICloud.X stay qualified.
function symbolName(sym) {
  if (!sym) return null;
  let s = sym;
  if (s.flags & ts.SymbolFlags.Alias) s = checker.getAliasedSymbol(s);
  return checker.getFullyQualifiedName(s).replace(/^WechatMiniprogram\./, '');
}

function nonNull(type) {
  return checker.getNonNullableType(type);
}

function declOf(sym) {
  return (sym.declarations && sym.declarations[0]) || sym.valueDeclaration;
}

function isOptionalSym(sym) {
  return (sym.flags & ts.SymbolFlags.Optional) !== 0;
}

function isPrivate(sym) {
  const d = declOf(sym);
  if (!d) return false;
  const flags = ts.getCombinedModifierFlags(d);
  return (flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) !== 0 ||
    (d.name && ts.isPrivateIdentifier && ts.isPrivateIdentifier(d.name));
}

function isReadonly(sym) {
  const d = declOf(sym);
  if (!d) return false;
  return (ts.getCombinedModifierFlags(d) & ts.ModifierFlags.Readonly) !== 0;
}

// Base-library version and @deprecated from a member's JSDoc (a version number and a flag, not
// prose).
function jsdocFacts(decls) {
  let minBaseLib = null;
  let deprecated = false;
  let readonlyDoc = false;
  for (const d of decls || []) {
    const sf = d.getSourceFile();
    const ranges = ts.getLeadingCommentRanges(sf.text, d.getFullStart()) || [];
    for (const r of ranges) {
      const c = sf.text.slice(r.pos, r.end);
      const m = c.match(/需要基础库[:：]\s*`([0-9.]+)`/);
      if (m && !minBaseLib) minBaseLib = m[1];
      if (/@deprecated/.test(c)) deprecated = true;
      if (/[（(]只读[）)]|，只读/.test(c)) readonlyDoc = true;
    }
  }
  return { minBaseLib, deprecated, readonlyDoc };
}

function memberType(sym) {
  const d = declOf(sym);
  return checker.getTypeOfSymbolAtLocation(sym, d);
}

function callSignatures(type) {
  return nonNull(type).getCallSignatures();
}

// ---------------------------------------------------------------------------------------------
// Type classification

function isStringLike(t) {
  return (t.flags & (ts.TypeFlags.StringLike)) !== 0;
}
function isNumberLike(t) {
  return (t.flags & (ts.TypeFlags.NumberLike | ts.TypeFlags.BigIntLike)) !== 0;
}
function isBooleanLike(t) {
  return (t.flags & ts.TypeFlags.BooleanLike) !== 0;
}
function isArrayLike(t) {
  return checker.isArrayType(t) || checker.isTupleType(t) ||
    (t.symbol && /^(ReadonlyArray|Array)$/.test(t.symbol.name));
}

function allMembers(t, pred) {
  if (t.isUnion()) return t.types.every(pred);
  return pred(t);
}

function literalValues(t) {
  t = nonNull(t);
  if (!t.isUnion() && !t.isLiteral()) return null;
  const parts = t.isUnion() ? t.types : [t];
  if (!parts.every((p) => p.isStringLiteral() || p.isNumberLiteral())) return null;
  return parts.map((p) => p.value);
}

// Placeholder JSON default for a type. Real defaults come from research; these only give the
// right JSON shape: "" string, 0 number, false boolean, [] array, {} object, null otherwise.
function defaultFor(type) {
  const t = nonNull(type);
  if (t.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.Never | ts.TypeFlags.Void)) return null;
  if (allMembers(t, isStringLike)) return '';
  if (allMembers(t, isNumberLike)) return 0;
  if (allMembers(t, isBooleanLike)) return false;
  if (allMembers(t, isArrayLike)) return [];
  if (allMembers(t, (m) => isPlainObject(m))) return {};
  return null;
}

// The names a parameter check accepts for a type (as core.js typeName spells them), or null
// when the type cannot be checked (any, unknown, a type parameter without constraint).
function typeNames(type) {
  let t = nonNull(type);
  if (t.flags & ts.TypeFlags.TypeParameter) t = checker.getBaseConstraintOfType(t) || t;
  const parts = t.isUnion() ? t.types : [t];
  const out = new Set();
  for (const p of parts) {
    if (p.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.TypeParameter | ts.TypeFlags.Never)) return null;
    if (p.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Void)) continue;
    if (p.flags & ts.TypeFlags.Null) out.add('Null');
    else if (isStringLike(p)) out.add('String');
    else if (isNumberLike(p)) out.add('Number');
    else if (isBooleanLike(p)) out.add('Boolean');
    else if (isArrayLike(p)) out.add('Array');
    else if (p.getCallSignatures().length) out.add('Function');
    else if (p.symbol && /^(ArrayBuffer|SharedArrayBuffer)$/.test(p.symbol.name)) out.add('ArrayBuffer');
    else if (p.symbol && /Array$/.test(p.symbol.name)) return null;
    else if (p.flags & ts.TypeFlags.Object) out.add('Object');
    else return null;
  }
  return out.size ? [...out].sort() : null;
}

function isPlainObject(t) {
  if (!(t.flags & ts.TypeFlags.Object)) return false;
  if (isArrayLike(t)) return false;
  if (t.getCallSignatures().length || t.getConstructSignatures().length) return false;
  const n = t.symbol && t.symbol.name;
  if (n && /^(ArrayBuffer|SharedArrayBuffer|Promise|Date|RegExp|Function|.*Array)$/.test(n)) return false;
  return true;
}

function hasMethods(t) {
  for (const p of checker.getPropertiesOfType(t)) {
    if (isPrivate(p)) continue;
    const d = declOf(p);
    if (!d) continue;
    if (ts.isMethodSignature(d) || ts.isMethodDeclaration(d)) return true;
    // Classes count function-valued properties too (DB.RealtimeListener.close).
    if (ts.isPropertyDeclaration(d) && callSignatures(checker.getTypeOfSymbolAtLocation(p, d)).length) return true;
  }
  return false;
}

// An object type from the typings with methods: a manager, context, task, query, class...
function objectInterfaceOf(type) {
  if (!type) return null;
  let t = nonNull(type);
  if (t.isUnion()) {
    const objs = t.types.filter((m) => !(m.flags & (ts.TypeFlags.Void | ts.TypeFlags.Undefined)));
    if (objs.length !== 1) return null;
    t = objs[0];
  }
  if (!(t.flags & ts.TypeFlags.Object)) return null;
  if (isArrayLike(t)) return null;
  const sym = t.aliasSymbol || t.symbol;
  if (!sym || !sym.declarations || !sym.declarations.some(isTypingsDecl)) return null;
  if (!hasMethods(t)) return null;
  return { name: symbolName(t.symbol || sym), type: t, anonymous: ANON.test((t.symbol || sym).name) };
}
const ANON = /^__(type|object)$/;

// A named data shape from the typings (no methods): SystemInfo, UserInfo, ...
function dataTypeOf(type) {
  let t = nonNull(type);
  if (isArrayLike(t)) {
    const args = checker.getTypeArguments(t);
    if (args && args.length === 1) t = nonNull(args[0]);
  }
  if (!isPlainObject(t)) return null;
  const sym = t.aliasSymbol || t.symbol;
  if (!sym || sym.name === '__type' || sym.name === '__object') return null;
  if (!sym.declarations || !sym.declarations.some(isTypingsDecl)) return null;
  if (hasMethods(t)) return null;
  if (sym.name === 'IAnyObject' || sym.name === 'AnyObject') return null;
  return { name: symbolName(sym), type: t };
}

// ---------------------------------------------------------------------------------------------
// Fields

const dataTypes = new Map(); // name -> fields (filled lazily)
const dataQueue = [];

function noteDataType(type) {
  const dt = dataTypeOf(type);
  if (!dt) return null;
  if (!dataTypes.has(dt.name)) {
    dataTypes.set(dt.name, null);
    dataQueue.push(dt);
  }
  return dt.name;
}

function fieldsOf(type, { withDefaults = true, skip = [] } = {}) {
  const t = nonNull(type);
  const out = [];
  const props = t.isUnion() ? unionProps(t) : checker.getPropertiesOfType(t).map((p) => [p, true]);
  for (const [p, inAll] of props) {
    if (skip.includes(p.name) || isPrivate(p)) continue;
    const d = declOf(p);
    const pt = d ? checker.getTypeOfSymbolAtLocation(p, d) : checker.getTypeOfSymbol(p);
    const f = {
      name: p.name,
      type: (d && d.type && nodeText(d.type)) || typeString(pt, d),
      optional: isOptionalSym(p) || !inAll,
    };
    if (withDefaults) f.default = defaultFor(pt);
    else f.checks = typeNames(pt);
    const lits = literalValues(pt);
    if (lits) f.literals = lits;
    const ref = noteDataType(pt);
    if (ref) f.ref = ref;
    const obj = objectInterfaceOf(pt);
    if (obj && !obj.anonymous) {
      f.ref = obj.name;
      const owner = t.aliasSymbol || t.symbol;
      noteInterface(obj, owner && !ANON.test(owner.name) ? `${symbolName(owner)}.${p.name}` : null);
    }
    out.push(f);
  }
  return out;
}

// Union of object shapes (a few results are unions): every property of any member; a property
// missing from some member counts as optional.
function unionProps(t) {
  const seen = new Map();
  const members = t.types.filter((m) => m.flags & ts.TypeFlags.Object);
  for (const m of members) {
    for (const p of checker.getPropertiesOfType(m)) if (!seen.has(p.name)) seen.set(p.name, p);
  }
  return [...seen.values()].map((p) => [p, members.every((m) => checker.getPropertyOfType(m, p.name))]);
}

// ---------------------------------------------------------------------------------------------
// Callables

const CALLBACKS = ['success', 'fail', 'complete'];

// The option type of a parameter: resolves `T extends XOption = XOption` and the cloud SDK's
// OQ<X> / RQ<X> wrappers to X.
function paramOptionType(paramSym) {
  const d = declOf(paramSym);
  if (d && d.type && ts.isTypeReferenceNode(d.type)) {
    const n = d.type.typeName.getText();
    if ((n === 'OQ' || n === 'RQ') && d.type.typeArguments && d.type.typeArguments.length) {
      return checker.getTypeFromTypeNode(d.type.typeArguments[0]);
    }
  }
  // `option?: T` is `T | undefined`: drop the undefined before resolving T's constraint.
  let t = nonNull(checker.getTypeOfSymbolAtLocation(paramSym, d));
  if (t.flags & ts.TypeFlags.TypeParameter) t = checker.getBaseConstraintOfType(t) || t;
  return t;
}

function takesCallbacks(type) {
  const t = nonNull(type);
  if (!(t.flags & ts.TypeFlags.Object) && !t.isUnionOrIntersection()) return false;
  return CALLBACKS.some((n) => checker.getPropertyOfType(t, n));
}

function firstParamFields(fnType, at) {
  const sigs = callSignatures(fnType);
  if (!sigs.length || !sigs[0].parameters.length) return null;
  const p = sigs[0].parameters[0];
  const pdecl = declOf(p);
  if (pdecl && pdecl.dotDotDotToken) return { type: nodeText(pdecl.type) || 'any[]', rest: true, fields: null, default: null };
  const pt = checker.getTypeOfSymbolAtLocation(p, pdecl || at);
  const nt = nonNull(pt);
  // A primitive or array result (getRendererUserAgent resolves a string) has no fields.
  if (!(nt.flags & ts.TypeFlags.Object) && !nt.isUnionOrIntersection() || isArrayLike(nt)) {
    return { type: typeString(pt, at), fields: null, default: defaultFor(pt) };
  }
  return { type: typeString(pt, at), fields: fieldsOf(pt) };
}

function paramList(sig) {
  return sig.parameters.map((p) => {
    const d = declOf(p);
    const pt = checker.getTypeOfSymbolAtLocation(p, d);
    return {
      name: p.name,
      type: (d && d.type && nodeText(d.type)) || typeString(pt, d),
      optional: !!(d && (d.questionToken || d.initializer)),
      checks: typeNames(pt),
      ...(d && d.dotDotDotToken ? { rest: true } : {}),
    };
  });
}

function sigText(name, sig) {
  const ps = paramList(sig).map((p) => `${p.rest ? '...' : ''}${p.name}${p.optional ? '?' : ''}: ${p.type}`);
  return `${name}(${ps.join(', ')}): ${returnText(sig)}`;
}

function returnText(sig) {
  const d = sig.getDeclaration();
  if (d && d.type) return nodeText(d.type);
  return typeString(sig.getReturnType(), d);
}

function isPromiseText(s) {
  return /\bPromisifySuccessResult\b|\bPromise</.test(s);
}

function classify(name, sigs, info) {
  if (!sigs.length) return 'other';
  const first = sigs[0];
  const p0 = first.parameters[0];
  const p0fn = p0 && callSignatures(checker.getTypeOfSymbolAtLocation(p0, declOf(p0))).length > 0;
  if (/^on[A-Z]/.test(name) && p0fn) return 'on';
  if (/^off[A-Z]/.test(name)) return 'off';
  if (info.option && info.option.callbacks.length) return 'async';
  if (info.returnsInterface) return 'factory';
  if (/Sync$/.test(name)) return 'sync';
  const rt = first.getReturnType();
  if (!(rt.flags & (ts.TypeFlags.Void | ts.TypeFlags.Undefined | ts.TypeFlags.Never))) return 'sync';
  return 'other';
}

// Describes one member (wx API, manager method, or property) with everything generation needs.
function describeMember(sym, ownerName) {
  const decls = sym.declarations || [];
  const d = declOf(sym);
  const type = memberType(sym);
  const sigs = callSignatures(type);
  const facts = jsdocFacts(decls);
  const isMethodDecl = d && (ts.isMethodSignature(d) || ts.isMethodDeclaration(d));
  const out = { name: sym.name };

  if (!sigs.length) {
    out.member = 'property';
    out.kind = 'other';
    out.type = (d && d.type && nodeText(d.type)) || typeString(type, d);
    out.optional = isOptionalSym(sym);
    out.readonly = isReadonly(sym);
    if (facts.readonlyDoc) out.readonlyDoc = true;
    out.default = defaultFor(type);
    const obj = objectInterfaceOf(type);
    if (obj) { out.valueInterface = obj.anonymous ? `${ownerName}.${sym.name}` : obj.name; noteInterface(obj, `${ownerName}.${sym.name}`); }
    else {
      const dt = noteDataType(type);
      if (dt) out.ref = dt;
      else if (isPlainObject(nonNull(type))) out.fields = fieldsOf(type);
    }
    if (facts.minBaseLib) out.minBaseLibTypings = facts.minBaseLib;
    if (facts.deprecated) out.deprecatedTag = true;
    return out;
  }

  out.member = isMethodDecl ? 'method' : 'property';
  if (!isMethodDecl) out.readonly = isReadonly(sym);
  out.signatures = sigs.map((s) => ({ params: paramList(s), returns: returnText(s), text: sigText(sym.name, s) }));
  out.promise = out.signatures.some((s) => isPromiseText(s.returns));

  // Option object: the first parameter (of any overload) whose type carries success/fail/complete.
  let option = null;
  for (const s of sigs) {
    for (const [i, p] of s.parameters.entries()) {
      const ot = paramOptionType(p);
      if (takesCallbacks(ot)) {
        const pd = declOf(p);
        // Required only if every overload requires it (cloud: `get(options: OQ<X>)` and
        // `get(options?: RQ<X>)` together make it optional).
        const required = sigs.every((o) => {
          const q = o.parameters[i] && declOf(o.parameters[i]);
          return q && !(q.questionToken || q.initializer);
        });
        option = {
          index: i,
          type: typeString(ot, pd),
          required,
          callbacks: CALLBACKS.filter((n) => checker.getPropertyOfType(nonNull(ot), n)),
          fields: fieldsOf(ot, { withDefaults: false, skip: CALLBACKS }),
        };
        const succ = checker.getPropertyOfType(nonNull(ot), 'success');
        if (succ) {
          const st = checker.getTypeOfSymbolAtLocation(succ, declOf(succ) || pd);
          const r = firstParamFields(st, pd);
          if (r) out.success = r;
        }
        const fail = checker.getPropertyOfType(nonNull(ot), 'fail');
        if (fail) {
          const ft = checker.getTypeOfSymbolAtLocation(fail, declOf(fail) || pd);
          const r = firstParamFields(ft, pd);
          if (r) out.failType = r.type;
        }
        break;
      }
    }
    if (option) break;
  }
  // Options without callbacks (createInnerAudioContext(option), createWorker(path, options)...).
  if (!option) {
    for (const [i, p] of (sigs[0].parameters || []).entries()) {
      const ot = nonNull(paramOptionType(p));
      if (dataTypeOf(ot) && !/^on[A-Z]|^off[A-Z]/.test(sym.name)) {
        const pd = declOf(p);
        option = {
          index: i,
          type: typeString(ot, pd),
          required: !(pd && (pd.questionToken || pd.initializer)),
          callbacks: [],
          fields: fieldsOf(ot, { withDefaults: false }),
        };
        break;
      }
    }
  }
  out.option = option;

  // Returned object (manager/context/task) — from any overload's direct return type.
  let returnsInterface = null;
  for (const s of sigs) {
    let rt = s.getReturnType();
    if (rt.isThisType && rt.isThisType()) { returnsInterface = ownerName; break; }
    if (rt.flags & ts.TypeFlags.TypeParameter && rt.isThisType) { returnsInterface = ownerName; break; }
    const obj = objectInterfaceOf(rt);
    if (obj) {
      returnsInterface = obj.name;
      noteInterface(obj, `${ownerName}.${sym.name}`);
      break;
    }
  }
  // `this` return types (DocumentReference.field(): this)
  if (!returnsInterface && sigs.some((s) => s.getDeclaration() && s.getDeclaration().type &&
      s.getDeclaration().type.kind === ts.SyntaxKind.ThisType)) returnsInterface = ownerName;
  out.returnsInterface = returnsInterface;
  if (returnsInterface && returnsInterface === ownerName) out.chainable = true;

  out.kind = classify(sym.name, sigs, { option, returnsInterface });

  if (out.kind === 'on') {
    const p0 = sigs[0].parameters[0];
    const lt = checker.getTypeOfSymbolAtLocation(p0, declOf(p0));
    const r = firstParamFields(lt, declOf(p0));
    out.listener = { type: (declOf(p0).type && nodeText(declOf(p0).type)) || typeString(lt), result: r };
  }
  // Function-typed parameters other than listeners (nextTick, SelectorQuery.exec, NodesRef.fields,
  // IntersectionObserver.observe ...): what the callback receives.
  if (out.kind !== 'on' && out.kind !== 'off') {
    const cbs = [];
    for (const p of sigs[0].parameters) {
      const pd = declOf(p);
      const pt = nonNull(checker.getTypeOfSymbolAtLocation(p, pd));
      if (!pt.getCallSignatures().length) continue;
      const r = firstParamFields(pt, pd);
      cbs.push({ param: p.name, type: (pd.type && nodeText(pd.type)) || typeString(pt), result: r });
    }
    if (cbs.length) out.callbackParams = cbs;
  }
  if (out.kind === 'sync') {
    const rt = nonNull(sigs[0].getReturnType());
    out.returnDefault = defaultFor(rt);
    const dt = noteDataType(rt);
    if (dt) out.returnRef = dt;
    else if (isPlainObject(rt) && !(rt.symbol && rt.symbol.name === 'IAnyObject')) {
      const fs_ = fieldsOf(rt);
      if (fs_.length) out.returnFields = fs_;
    }
  }
  // Promise-only results (cloud SDK, getRendererUserAgent...) : the resolved value's shape.
  if (!out.success || !out.success.fields) {
    for (const s of sigs) {
      const rt = nonNull(s.getReturnType());
      if (rt.symbol && rt.symbol.name === 'Promise') {
        const args = checker.getTypeArguments(rt);
        if (args && args[0] && !(args[0].flags & (ts.TypeFlags.Void | ts.TypeFlags.Any))) {
          const at = nonNull(args[0]);
          const prim = !(at.flags & ts.TypeFlags.Object) && !at.isUnionOrIntersection() || isArrayLike(at);
          out.promiseResult = prim ? { type: typeString(args[0], d), fields: null, default: defaultFor(at) }
            : { type: typeString(args[0], d), fields: fieldsOf(args[0]) };
          const obj = objectInterfaceOf(args[0]);
          if (obj) { out.promiseResult.ref = obj.name; noteInterface(obj, `${ownerName}.${sym.name}`); }
        }
        break;
      }
    }
  }
  if (facts.minBaseLib) out.minBaseLibTypings = facts.minBaseLib;
  if (facts.deprecated) out.deprecatedTag = true;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Interfaces (managers, contexts, tasks, query builders, cloud classes)

const interfaces = new Map(); // name -> {section, desc|null, returnedBy:Set}
const ifaceQueue = [];
let currentSection = 'wx';

function noteInterface(obj, from) {
  // An inline object type with methods is named after the member that holds it.
  if (obj.anonymous) obj = { ...obj, name: from, anonymous: false };
  let e = interfaces.get(obj.name);
  if (!e) {
    e = { section: currentSection, type: obj.type, desc: null, returnedBy: new Set() };
    interfaces.set(obj.name, e);
    ifaceQueue.push(obj.name);
  }
  if (from) e.returnedBy.add(from);
}

function heritage(decls) {
  const out = [];
  for (const d of decls || []) {
    for (const h of d.heritageClauses || []) for (const t of h.types) out.push(nodeText(t));
  }
  return [...new Set(out)];
}

function describeInterface(name, type) {
  const sym = type.symbol;
  const decls = (sym && sym.declarations) || [];
  const d0 = decls[0];
  const members = checker.getPropertiesOfType(type)
    .filter((p) => !isPrivate(p))
    .map((p) => describeMember(p, name))
    .sort((a, b) => a.name.localeCompare(b.name));
  const methods = members.filter((m) => m.signatures);
  const properties = members.filter((m) => !m.signatures);
  const ons = methods.filter((m) => m.kind === 'on').map((m) => m.name);
  const offs = new Set(methods.filter((m) => m.kind === 'off').map((m) => m.name));
  const listenerPairs = ons.map((on) => ({ on, off: offs.has('off' + on.slice(2)) ? 'off' + on.slice(2) : null }));
  const pairedOffs = new Set(listenerPairs.map((p) => p.off).filter(Boolean));
  for (const off of offs) if (!pairedOffs.has(off)) listenerPairs.push({ on: null, off });
  return {
    name,
    declaredAs: d0 ? (ts.isClassDeclaration(d0) ? 'class' : ts.isInterfaceDeclaration(d0) ? 'interface' : 'type') : null,
    file: d0 ? path.basename(d0.getSourceFile().fileName) : null,
    extends: heritage(decls),
    methodCount: methods.length,
    propertyCount: properties.length,
    methods,
    properties,
    listenerPairs,
  };
}

function drainQueues() {
  while (ifaceQueue.length || dataQueue.length) {
    while (ifaceQueue.length) {
      const n = ifaceQueue.shift();
      const e = interfaces.get(n);
      e.desc = describeInterface(n, e.type);
    }
    while (dataQueue.length) {
      const dt = dataQueue.shift();
      dataTypes.set(dt.name, fieldsOf(dt.type));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Locate `WechatMiniprogram.Wx` and the cloud SDK's `WxCloud`

function findDecl(pred) {
  for (const sf of typingFiles) {
    let found = null;
    const visit = (n) => {
      if (found) return;
      if (pred(n)) { found = n; return; }
      if (ts.isModuleDeclaration(n) || ts.isModuleBlock(n) || ts.isSourceFile(n)) ts.forEachChild(n, visit);
    };
    visit(sf);
    if (found) return found;
  }
  return null;
}

const wxDecl = findDecl((n) => ts.isInterfaceDeclaration(n) && n.name.text === 'Wx' &&
  ts.isModuleBlock(n.parent) && n.parent.parent.name.text === 'WechatMiniprogram');
if (!wxDecl) throw new Error('interface WechatMiniprogram.Wx not found');
const wxSym = checker.getSymbolAtLocation(wxDecl.name);
const wxType = checker.getDeclaredTypeOfSymbol(wxSym);
const wxDeclFiles = [...new Set(wxSym.declarations.map((d) => path.basename(d.getSourceFile().fileName)))];

// ---------------------------------------------------------------------------------------------
// Inventory

const inventory = JSON.parse(fs.readFileSync(INVENTORY, 'utf8'));
const invApis = inventory.apis;

// ---------------------------------------------------------------------------------------------
// Extract

currentSection = 'wx';
const wx = {};
for (const p of checker.getPropertiesOfType(wxType).sort((a, b) => a.name.localeCompare(b.name))) {
  if (p.name === 'cloud') continue; // separate section
  const m = describeMember(p, 'wx');
  const inv = invApis[p.name];
  m.inInventory = !!inv;
  m.category = inv ? inv.category : null;
  m.minBaseLib = inv ? inv.minBaseLib : null;
  if (inv) m.deprecated = !!inv.deprecated;
  wx[p.name] = m;
}
drainQueues();

// off -> on pairing for wx
for (const m of Object.values(wx)) {
  if (m.kind === 'off') {
    const on = 'on' + m.name.slice(3);
    m.on = wx[on] ? on : null;
  }
  if (m.kind === 'on') {
    const off = 'off' + m.name.slice(2);
    m.off = wx[off] ? off : null;
  }
}

// Cloud
currentSection = 'cloud';
const cloudProp = checker.getPropertyOfType(wxType, 'cloud');
const cloudType = memberType(cloudProp);
const cloudMembers = {};
for (const p of checker.getPropertiesOfType(cloudType).sort((a, b) => a.name.localeCompare(b.name))) {
  cloudMembers[p.name] = describeMember(p, 'wx.cloud');
}
// The database classes reachable from wx.cloud.database() are picked up by recursion; make sure
// the ones the issue names are present even where no method returns them.
for (const n of ['Database', 'CollectionReference', 'Query', 'DocumentReference', 'DatabaseCommand',
  'DatabaseQueryCommand', 'DatabaseLogicCommand', 'Aggregate', 'RealtimeListener']) {
  const d = findDecl((x) => (ts.isInterfaceDeclaration(x) || ts.isClassDeclaration(x)) && x.name &&
    x.name.text === n && ts.isModuleBlock(x.parent) && x.parent.parent.name.text === 'DB');
  if (d) {
    const t = checker.getDeclaredTypeOfSymbol(checker.getSymbolAtLocation(d.name));
    noteInterface({ name: symbolName(t.symbol), type: t }, null);
  }
}
drainQueues();

// Objects with methods that no wx member returns but code reaches through results typed `any`
// (OffscreenCanvas.getContext('2d'), NodesRef.node's canvas): the 2D context and its parts.
currentSection = 'other';
{
  const canvasFile = typingFiles.find((sf) => path.basename(sf.fileName) === 'lib.wx.canvas.d.ts');
  const visit = (n) => {
    if (ts.isInterfaceDeclaration(n) && n.name.text === 'CanvasRenderingContext2D') {
      const t = checker.getDeclaredTypeOfSymbol(checker.getSymbolAtLocation(n.name));
      const obj = objectInterfaceOf(t);
      if (obj && !interfaces.has(obj.name)) noteInterface(obj, null);
    }
    if (ts.isModuleDeclaration(n) || ts.isModuleBlock(n) || ts.isSourceFile(n)) ts.forEachChild(n, visit);
  };
  if (canvasFile) visit(canvasFile);
  drainQueues();
}

// ---------------------------------------------------------------------------------------------
// The inventory gates availability (its minBaseLib); the typings must agree with it.

const problems = [];
for (const name of Object.keys(invApis)) {
  const member = wx[name];
  if (!member) {
    problems.push(`${name} is in the inventory but not in the typings`);
    continue;
  }
  const typed = member.minBaseLibTypings || null;
  if (typed !== (invApis[name].minBaseLib || null)) {
    problems.push(`${name}: the inventory says ${invApis[name].minBaseLib}, the typings ${typed}`);
  }
}
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}

// ---------------------------------------------------------------------------------------------
// The compact table

// A few documented defaults that differ from the JSON-shape placeholder of their type.
const PROPERTY_DEFAULTS = {
  'InnerAudioContext.volume': 1,
  'InnerAudioContext.playbackRate': 1,
  'InnerAudioContext.paused': true,
  'InnerAudioContext.obeyMuteSwitch': true,
  'BackgroundAudioManager.paused': true,
  'BackgroundAudioManager.playbackRate': 1,
  'MediaAudioPlayer.volume': 1,
  'BufferSourceNode.playbackRate': 1,
};

// Placeholder values of a field list, as an object; nested data shapes are expanded two
// levels deep, objects with methods are named with {$interface}.
function defaultsOf(fields, depth) {
  const out = {};
  for (const f of fields || []) {
    if (f.name === 'errMsg') continue;
    out[f.name] = fieldDefault(f, depth);
  }
  return out;
}

function fieldDefault(f, depth) {
  if (f.ref && interfaces.has(f.ref) && !Array.isArray(f.default)) return { $interface: f.ref };
  if (f.ref && dataTypes.get(f.ref) && f.default !== null && !Array.isArray(f.default) && depth < 2) {
    return defaultsOf(dataTypes.get(f.ref), depth + 1);
  }
  return f.default === undefined ? null : f.default;
}

function resultOf(r) {
  if (!r) return undefined;
  if (!r.fields) return r.rest ? undefined : { $value: r.default === undefined ? null : r.default };
  return defaultsOf(r.fields, 0);
}

function compactMember(m, owner, siblings) {
  const e = { kind: m.kind };
  const sig = m.signatures[0];
  if (m.promise) e.promise = true;
  if (m.kind === 'async') {
    e.options = m.option.required ? 'required' : 'optional';
    if (m.option.index) e.at = m.option.index;
    const checks = {};
    for (const f of m.option.fields) if (!f.optional && f.checks) checks[f.name] = f.checks;
    if (Object.keys(checks).length) e.checks = checks;
    const result = resultOf(m.success && m.success.fields ? m.success : m.promiseResult || m.success);
    if (result && (Object.keys(result).length || result.$value !== undefined)) e.result = result;
  } else if (m.kind !== 'on' && m.kind !== 'off' && sig.params.length) {
    e.args = sig.params.map((p) => [p.name, p.rest ? null : p.checks || null, p.optional || p.rest ? 0 : 1]);
  }
  if (m.kind === 'on') {
    const event = m.listener && m.listener.result && resultOf(m.listener.result);
    if (event && (Object.keys(event).length || event.$value !== undefined)) e.event = event;
    const off = 'off' + m.name.slice(2);
    if (siblings[off]) e.off = off;
  }
  if (m.kind === 'off') {
    const on = 'on' + m.name.slice(3);
    if (siblings[on]) e.on = on;
  }
  if (m.chainable) e.chainable = true;
  else if (m.returnsInterface) e.returns = m.returnsInterface;
  if (m.kind === 'sync') {
    if (Array.isArray(m.returnDefault)) e.value = [];
    else if (m.returnRef && dataTypes.get(m.returnRef)) e.value = defaultsOf(dataTypes.get(m.returnRef), 0);
    else if (m.returnFields) e.value = defaultsOf(m.returnFields, 0);
    else e.value = m.returnDefault === undefined ? null : m.returnDefault;
  }
  if (m.callbackParams && m.callbackParams.length && m.kind !== 'async') {
    const cb = m.callbackParams[0];
    const at = sig.params.findIndex((p) => p.name === cb.param);
    const result = resultOf(cb.result);
    e.callback = result === undefined ? { at } : { at, result };
  }
  return e;
}

function compactInterface(name, desc) {
  const byName = Object.fromEntries(desc.methods.map((m) => [m.name, m]));
  const methods = {};
  for (const m of desc.methods) methods[m.name] = compactMember(m, name, byName);
  const properties = {};
  for (const p of desc.properties) {
    const key = `${name}.${p.name}`;
    if (key in PROPERTY_DEFAULTS) properties[p.name] = PROPERTY_DEFAULTS[key];
    else if (p.valueInterface) properties[p.name] = { $interface: p.valueInterface };
    else if (p.ref && dataTypes.get(p.ref) && p.default !== null && !Array.isArray(p.default)) properties[p.name] = defaultsOf(dataTypes.get(p.ref), 1);
    else properties[p.name] = p.default === undefined ? null : p.default;
  }
  const out = { methods };
  if (Object.keys(properties).length) out.properties = properties;
  return out;
}

const apis = {};
for (const name of Object.keys(invApis).sort()) apis[name] = compactMember(wx[name], 'wx', wx);
const cloud = {};
for (const name of Object.keys(cloudMembers).sort()) {
  const m = cloudMembers[name];
  if (m.signatures) cloud[name] = compactMember(m, 'wx.cloud', cloudMembers);
}
const ifaces = {};
for (const name of [...interfaces.keys()].sort()) ifaces[name] = compactInterface(name, interfaces.get(name).desc);

// One entry per line, so that a new typings version shows as a readable diff.
const lines = (object) => Object.keys(object).map((k) => `  ${JSON.stringify(k)}: ${JSON.stringify(object[k])}`).join(',\n');
const text = '{\n' +
  `"source": ${JSON.stringify(`miniprogram-api-typings ${pkgVersion}, written by tools/surface/generate.js`)},\n` +
  `"apis": {\n${lines(apis)}\n},\n` +
  `"cloud": {\n${lines(cloud)}\n},\n` +
  `"interfaces": {\n${lines(ifaces)}\n}\n}\n`;

const cjk = /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/;
if (cjk.test(text)) {
  console.error('CJK text in the table:\n' + text.split('\n').filter((l) => cjk.test(l)).slice(0, 10).join('\n'));
  process.exit(1);
}
JSON.parse(text);
fs.mkdirSync(path.dirname(OUT), { recursive: true });
fs.writeFileSync(OUT, text);
console.log(`wrote ${path.relative(ROOT, OUT)}: ${Object.keys(apis).length} APIs, ${Object.keys(cloud).length} cloud members, ${Object.keys(ifaces).length} interfaces, ${text.length} bytes`);
