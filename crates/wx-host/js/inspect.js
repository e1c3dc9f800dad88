// Readable formatting of any value for console output and test reports, in the style
// developers know from Node's util.inspect: quoted nested strings, depth limits, circular
// markers, class names, ArrayBuffer contents, and line breaks for long values. It reads one
// host native: the name of the accessor of fields built when first read.
(function (native) {
  'use strict';
  const lazyGetterName = native.lazyGetterName;
  const MAX_ITEMS = 100;
  const BREAK_LENGTH = 80;
  const typedArrayProto = Object.getPrototypeOf(Uint8Array.prototype);
  const getTypedArrayTag = Object.getOwnPropertyDescriptor(typedArrayProto, Symbol.toStringTag).get;

  function quote(text) {
    const escaped = text
      .replace(/\\/g, '\\\\')
      .replace(/\n/g, '\\n')
      .replace(/\r/g, '\\r')
      .replace(/\t/g, '\\t');
    if (!escaped.includes("'")) return "'" + escaped + "'";
    if (!escaped.includes('"')) return '"' + escaped + '"';
    return "'" + escaped.replace(/'/g, "\\'") + "'";
  }

  function formatKey(key) {
    if (typeof key === 'symbol') return '[' + key.toString() + ']';
    return /^[A-Za-z_$][\w$]*$/.test(key) ? key : quote(key);
  }

  function constructorName(value) {
    let proto = Object.getPrototypeOf(value);
    if (proto === null) return null;
    const ctor = proto.constructor;
    return typeof ctor === 'function' && typeof ctor.name === 'string' ? ctor.name : '';
  }

  function formatPrimitive(value, nested) {
    switch (typeof value) {
      case 'string':
        return nested ? quote(value) : value;
      case 'number':
        return Object.is(value, -0) ? '-0' : String(value);
      case 'bigint':
        return value + 'n';
      case 'symbol':
        return value.toString();
      case 'undefined':
        return 'undefined';
      case 'boolean':
        return String(value);
    }
    return null;
  }

  function formatFunction(fn) {
    const source = Function.prototype.toString.call(fn);
    const name = fn.name ? ': ' + fn.name : ' (anonymous)';
    if (/^class\b/.test(source)) return '[class' + (fn.name ? ' ' + fn.name : ' (anonymous)') + ']';
    const kind = fn.constructor && fn.constructor.name === 'AsyncFunction' ? 'AsyncFunction' : 'Function';
    return '[' + kind + name + ']';
  }

  function hexBytes(bytes) {
    const shown = Math.min(bytes.length, 50);
    const parts = [];
    for (let i = 0; i < shown; i++) parts.push(bytes[i].toString(16).padStart(2, '0'));
    if (bytes.length > shown) parts.push('... ' + (bytes.length - shown) + ' more bytes');
    return '<' + parts.join(' ') + '>';
  }

  function join(open, items, close, indent) {
    if (items.length === 0) return open.trim() === '{' ? open.replace(/ $/, '') + '}' : open + close;
    const single = open + ' ' + items.join(', ') + ' ' + close;
    if (single.length <= BREAK_LENGTH && !single.includes('\n')) return single;
    const pad = '  '.repeat(indent + 1);
    return open + '\n' + pad + items.join(',\n' + pad) + '\n' + '  '.repeat(indent) + close;
  }

  function ownEntries(value, skipIndices, ctx, depth, indent) {
    const items = [];
    const keys = Reflect.ownKeys(value);
    for (const key of keys) {
      if (skipIndices && typeof key === 'string' && /^(0|[1-9]\d*)$/.test(key)) continue;
      const desc = Object.getOwnPropertyDescriptor(value, key);
      if (!desc || (!desc.enumerable && typeof key !== 'symbol')) continue;
      let shown;
      // A field built when first read (a request's profile) shows as the plain field it stands for.
      if (desc.get && desc.get.name === lazyGetterName) shown = format(value[key], ctx, depth + 1, indent + 1);
      else if (desc.get || desc.set) shown = desc.get && desc.set ? '[Getter/Setter]' : desc.get ? '[Getter]' : '[Setter]';
      else shown = format(desc.value, ctx, depth + 1, indent + 1);
      items.push(formatKey(key) + ': ' + shown);
    }
    return items;
  }

  // Frames of the embedded layers (and of native functions) say nothing to users.
  function isInternalFrame(line) {
    return line.includes('wxrun:internal/') || line.includes('(native)');
  }

  // Set by the host: rewrites a frame's location (the CommonJS wrapper shifts columns of
  // line 1).
  let locationFixer = (line) => line;

  function userStack(stack) {
    return String(stack || '')
      .split('\n')
      .filter((line) => line.trim() !== '' && !isInternalFrame(line))
      .map((line) => locationFixer(line))
      .join('\n');
  }

  function setLocationFixer(fix) {
    locationFixer = fix;
  }

  function formatError(err) {
    try {
      const message = err.message !== undefined && err.message !== '' ? ': ' + err.message : '';
      let text = String(err.name || 'Error') + message;
      const own = Object.keys(err).filter((k) => k !== 'stack' && k !== 'message');
      if (own.length) {
        const fields = {};
        for (const k of own) fields[k] = err[k];
        text += ' ' + format(fields, { seen: [err], depth: 1 }, 1, 0);
      }
      const stack = userStack(err.stack);
      return stack ? text + '\n' + stack : text;
    } catch (e) {
      return '[Error]';
    }
  }

  function format(value, ctx, depth, indent) {
    const primitive = formatPrimitive(value, depth > 0);
    if (primitive !== null) return primitive;
    if (value === null) return 'null';
    if (typeof value === 'function') {
      const extra = ownEntries(value, false, ctx, depth, indent).filter((e) => !/^(length|name|prototype):/.test(e));
      const base = formatFunction(value);
      return extra.length ? join(base + ' {', extra, '}', indent) : base;
    }
    if (ctx.seen.includes(value)) return '[Circular *1]';
    if (value instanceof Error) return depth > 0 ? '[' + formatError(value).split('\n')[0] + ']' : formatError(value);
    if (value instanceof Date) return isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
    if (value instanceof RegExp) return String(value);
    if (value instanceof Promise) return 'Promise {}';
    if (value instanceof WeakMap) return 'WeakMap { <items unknown> }';
    if (value instanceof WeakSet) return 'WeakSet { <items unknown> }';
    if (value instanceof ArrayBuffer) {
      const bytes = new Uint8Array(value);
      return join('ArrayBuffer {', ['[Uint8Contents]: ' + hexBytes(bytes), 'byteLength: ' + value.byteLength], '}', indent);
    }
    if (value instanceof DataView) {
      return join('DataView {', ['byteLength: ' + value.byteLength, 'byteOffset: ' + value.byteOffset], '}', indent);
    }
    const typedTag = ArrayBuffer.isView(value) ? getTypedArrayTag.call(value) : undefined;
    const name = constructorName(value);
    if (depth > ctx.depth) {
      if (Array.isArray(value)) return '[Array]';
      return '[' + (name || 'Object') + ']';
    }
    ctx.seen.push(value);
    try {
      if (Array.isArray(value) || typedTag) {
        const items = [];
        const shown = Math.min(value.length, MAX_ITEMS);
        let holes = 0;
        for (let i = 0; i < shown; i++) {
          if (!typedTag && !(i in value)) {
            holes++;
            continue;
          }
          if (holes) {
            items.push('<' + holes + ' empty item' + (holes > 1 ? 's' : '') + '>');
            holes = 0;
          }
          items.push(format(value[i], ctx, depth + 1, indent + 1));
        }
        if (holes) items.push('<' + holes + ' empty item' + (holes > 1 ? 's' : '') + '>');
        if (value.length > shown) items.push('... ' + (value.length - shown) + ' more item' + (value.length - shown > 1 ? 's' : ''));
        if (!typedTag) items.push(...ownEntries(value, true, ctx, depth, indent));
        const prefix = typedTag ? typedTag + '(' + value.length + ') ' : name && name !== 'Array' ? name + '(' + value.length + ') ' : '';
        return join(prefix + '[', items, ']', indent);
      }
      if (value instanceof Map) {
        const items = [];
        for (const [k, v] of value) items.push(format(k, ctx, depth + 1, indent + 1) + ' => ' + format(v, ctx, depth + 1, indent + 1));
        return join('Map(' + value.size + ') {', items, '}', indent);
      }
      if (value instanceof Set) {
        const items = [];
        for (const v of value) items.push(format(v, ctx, depth + 1, indent + 1));
        return join('Set(' + value.size + ') {', items, '}', indent);
      }
      const items = ownEntries(value, false, ctx, depth, indent);
      let prefix = '';
      if (name === null) prefix = '[Object: null prototype] ';
      else if (name && name !== 'Object') prefix = name + ' ';
      const tag = value[Symbol.toStringTag];
      if (typeof tag === 'string' && tag !== name) prefix = (prefix || 'Object ') + '[' + tag + '] ';
      return join(prefix + '{', items, '}', indent);
    } finally {
      ctx.seen.pop();
    }
  }

  function inspect(value, options) {
    const depth = options && typeof options.depth === 'number' ? options.depth : 2;
    return format(value, { seen: [], depth }, 0, 0);
  }

  // console.log semantics: a leading format string with %s %d %i %f %j %o %O %c, then the rest
  // of the arguments inspected and joined by spaces.
  function formatArgs(args) {
    let first = 0;
    let out = '';
    if (typeof args[0] === 'string' && args.length > 1 && args[0].includes('%')) {
      let index = 1;
      const text = args[0];
      first = 1;
      for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (c !== '%' || i + 1 === text.length) {
          out += c;
          continue;
        }
        const spec = text[++i];
        if (spec === '%') {
          out += '%';
          continue;
        }
        if (index >= args.length || !'sdifjoOc'.includes(spec)) {
          out += '%' + spec;
          continue;
        }
        const arg = args[index++];
        switch (spec) {
          case 's':
            out += typeof arg === 'string' ? arg : typeof arg === 'bigint' ? arg + 'n' : typeof arg === 'object' && arg !== null ? inspect(arg, { depth: 1 }) : String(arg);
            break;
          case 'd':
          case 'i': {
            const n = typeof arg === 'bigint' ? arg : Number(arg);
            out += typeof n === 'bigint' ? n + 'n' : String(spec === 'i' ? Math.trunc(n) : n);
            break;
          }
          case 'f':
            out += String(parseFloat(arg));
            break;
          case 'j':
            try {
              out += JSON.stringify(arg);
            } catch (e) {
              out += '[Circular]';
            }
            break;
          case 'o':
          case 'O':
            out += inspect(arg, { depth: spec === 'o' ? 4 : 2 });
            break;
          case 'c':
            break;
        }
      }
      first = index;
    }
    const rest = [];
    for (let i = first; i < args.length; i++) rest.push(typeof args[i] === 'string' ? args[i] : inspect(args[i]));
    if (first > 0) return rest.length ? out + ' ' + rest.join(' ') : out;
    return rest.join(' ');
  }

  return { inspect, formatArgs, formatError, userStack, isInternalFrame, setLocationFixer };
})
