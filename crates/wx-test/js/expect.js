// `expect` with the common Jest matchers. Failures carry expected, received, a diff for objects
// and long strings, and the file:line:col of the failing `expect` call.
(function (internals, state) {
  'use strict';
  const { inspect } = internals;

  class AssertionError extends Error {
    constructor(message, details) {
      super(message);
      this.name = 'AssertionError';
      Object.defineProperty(this, 'details', { value: details, enumerable: false });
    }
  }

  function typeTag(value) {
    return Object.prototype.toString.call(value);
  }

  // Deep equality. `strict` also compares undefined properties, sparseness and classes, as
  // toStrictEqual does.
  function equals(a, b, strict, seen = []) {
    if (Object.is(a, b)) return true;
    if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
      return false;
    }
    if (typeTag(a) !== typeTag(b)) return false;
    if (strict && Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
    for (const [x, y] of seen) if (x === a && y === b) return true;
    seen = seen.concat([[a, b]]);
    if (a instanceof Date) return a.getTime() === b.getTime();
    if (a instanceof RegExp) return String(a) === String(b);
    if (a instanceof Error) {
      if (a.message !== b.message || a.name !== b.name) return false;
    }
    if (a instanceof ArrayBuffer) {
      return equals(new Uint8Array(a), new Uint8Array(b), strict, seen);
    }
    if (ArrayBuffer.isView(a)) {
      if (a.length !== b.length) return false;
      for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
      return true;
    }
    if (a instanceof Map) {
      if (a.size !== b.size) return false;
      for (const [k, v] of a) if (!b.has(k) || !equals(v, b.get(k), strict, seen)) return false;
      return true;
    }
    if (a instanceof Set) {
      if (a.size !== b.size) return false;
      for (const v of a) {
        if (b.has(v)) continue;
        let found = false;
        for (const w of b) if (equals(v, w, strict, seen)) found = true;
        if (!found) return false;
      }
      return true;
    }
    if (Array.isArray(a)) {
      if (a.length !== b.length) return false;
      for (let i = 0; i < a.length; i++) {
        if (strict && (i in a) !== (i in b)) return false;
        if (!equals(a[i], b[i], strict, seen)) return false;
      }
    }
    const keys = (o) =>
      Object.keys(o).filter((k) => strict || o[k] !== undefined);
    const ka = keys(a);
    const kb = keys(b);
    if (ka.length !== kb.length) return false;
    for (const k of ka) {
      if (!Object.prototype.hasOwnProperty.call(b, k) && !(strict === false && b[k] === undefined && a[k] === undefined)) return false;
      if (!equals(a[k], b[k], strict, seen)) return false;
    }
    return true;
  }

  // A line diff of two multi-line texts (longest common subsequence).
  function lineDiff(expectedText, receivedText) {
    const a = expectedText.split('\n');
    const b = receivedText.split('\n');
    if (a.length * b.length > 250000) return null;
    const table = Array.from({ length: a.length + 1 }, () => new Array(b.length + 1).fill(0));
    for (let i = a.length - 1; i >= 0; i--) {
      for (let j = b.length - 1; j >= 0; j--) {
        table[i][j] = a[i] === b[j] ? table[i + 1][j + 1] + 1 : Math.max(table[i + 1][j], table[i][j + 1]);
      }
    }
    const out = ['- Expected', '+ Received', ''];
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) {
      if (i < a.length && j < b.length && a[i] === b[j]) {
        out.push('  ' + a[i]);
        i++;
        j++;
      } else if (i < a.length && (j === b.length || table[i + 1][j] >= table[i][j + 1])) {
        out.push('- ' + a[i++]);
      } else {
        out.push('+ ' + b[j++]);
      }
    }
    return out.join('\n');
  }

  function show(value) {
    return typeof value === 'string' ? JSON.stringify(value) : inspect(value, { depth: 6 });
  }

  // Objects and long strings are compared line by line.
  function diffOf(expected, received) {
    let a;
    let b;
    if (typeof expected === 'string' && typeof received === 'string') {
      if (expected.length < 40 && received.length < 40 && !expected.includes('\n') && !received.includes('\n')) return null;
      a = expected;
      b = received;
    } else if (expected && received && typeof expected === 'object' && typeof received === 'object') {
      a = prettyLines(expected);
      b = prettyLines(received);
    } else {
      return null;
    }
    return a === b ? null : lineDiff(a, b);
  }

  // One entry per line, so that a diff shows which fields differ.
  function prettyLines(value, indent = '', seen = []) {
    if (value === null || typeof value !== 'object' || value instanceof Date || value instanceof RegExp || value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return show(value);
    if (seen.includes(value)) return '[Circular]';
    seen = seen.concat([value]);
    const pad = indent + '  ';
    if (Array.isArray(value)) {
      if (value.length === 0) return '[]';
      return '[\n' + value.map((v) => pad + prettyLines(v, pad, seen) + ',').join('\n') + '\n' + indent + ']';
    }
    const name = value.constructor && value.constructor !== Object ? value.constructor.name + ' ' : '';
    const keys = Object.keys(value).sort();
    if (keys.length === 0) return name + '{}';
    return name + '{\n' + keys.map((k) => pad + JSON.stringify(k) + ': ' + prettyLines(value[k], pad, seen) + ',').join('\n') + '\n' + indent + '}';
  }

  function fail(matcher, negated, message, expected, received, options = {}) {
    const details = {
      matcher: 'expect(received)' + (negated ? '.not' : '') + '.' + matcher,
      location: state.expectSite,
    };
    if (options.showExpected !== false) details.expected = show(expected);
    if (options.showReceived !== false) details.received = show(received);
    const diff = options.diff === false ? null : diffOf(expected, received);
    if (diff && !negated) details.diff = diff;
    throw new AssertionError(message, details);
  }

  function lengthOf(value) {
    return value !== null && value !== undefined && typeof value.length === 'number' ? value.length : undefined;
  }

  function getPath(object, path) {
    const parts = Array.isArray(path) ? path : String(path).replace(/\[(\d+)\]/g, '.$1').split('.').filter((p) => p !== '');
    let current = object;
    for (const part of parts) {
      if (current === null || current === undefined || !(Object(current) && part in Object(current))) return { found: false };
      current = current[part];
    }
    return { found: true, value: current };
  }

  function errorMatches(error, expected) {
    if (expected === undefined) return true;
    const message = error && typeof error === 'object' ? error.message : String(error);
    if (typeof expected === 'string') return String(message).includes(expected);
    if (expected instanceof RegExp) return expected.test(String(message));
    if (typeof expected === 'function') return error instanceof expected;
    if (expected instanceof Error) return message === expected.message;
    return equals(error, expected, false);
  }

  // Each matcher returns [pass, message, expected, received, options].
  const matchers = {
    toBe: (r, e) => [Object.is(r, e), 'values are not identical (Object.is)' + (equals(r, e, true) && !Object.is(r, e) ? '; they are equal in structure: use toEqual' : ''), e, r],
    toEqual: (r, e) => [equals(r, e, false), 'values are not equal', e, r],
    toStrictEqual: (r, e) => [equals(r, e, true), 'values are not strictly equal', e, r],
    toMatch: (r, e) => [typeof r === 'string' && (e instanceof RegExp ? e.test(r) : r.includes(e)), 'string does not match', e, r, { diff: false }],
    toContain: (r, e) => [r !== null && r !== undefined && typeof r.includes === 'function' ? r.includes(e) : Array.from(r || []).includes(e), 'value does not contain the item', e, r, { diff: false }],
    toContainEqual: (r, e) => [Array.from(r || []).some((item) => equals(item, e, false)), 'no equal item found', e, r, { diff: false }],
    toHaveProperty: (r, path, ...value) => {
      const got = getPath(r, path);
      const pass = got.found && (value.length === 0 || equals(got.value, value[0], false));
      return [pass, value.length ? 'property ' + show(path) + ' does not have the value' : 'property ' + show(path) + ' is missing', value.length ? value[0] : path, got.found ? got.value : r, { diff: value.length > 0 }];
    },
    toHaveLength: (r, n) => [lengthOf(r) === n, 'length is ' + lengthOf(r) + ', expected ' + n, n, r, { diff: false }],
    toBeTruthy: (r) => [!!r, 'value is not truthy', undefined, r, { showExpected: false }],
    toBeFalsy: (r) => [!r, 'value is not falsy', undefined, r, { showExpected: false }],
    toBeNull: (r) => [r === null, 'value is not null', null, r],
    toBeUndefined: (r) => [r === undefined, 'value is not undefined', undefined, r],
    toBeDefined: (r) => [r !== undefined, 'value is undefined', undefined, r, { showExpected: false }],
    toBeNaN: (r) => [Number.isNaN(r), 'value is not NaN', NaN, r],
    toBeGreaterThan: (r, e) => [r > e, 'expected a value > ' + show(e), e, r, { diff: false }],
    toBeGreaterThanOrEqual: (r, e) => [r >= e, 'expected a value >= ' + show(e), e, r, { diff: false }],
    toBeLessThan: (r, e) => [r < e, 'expected a value < ' + show(e), e, r, { diff: false }],
    toBeLessThanOrEqual: (r, e) => [r <= e, 'expected a value <= ' + show(e), e, r, { diff: false }],
    toBeCloseTo: (r, e, digits = 2) => [Math.abs(e - r) < Math.pow(10, -digits) / 2, 'value is not close to ' + show(e) + ' (' + digits + ' digits)', e, r, { diff: false }],
    toBeInstanceOf: (r, C) => [r instanceof C, 'value is not an instance of ' + (C && C.name), C, r, { diff: false }],
    toBeTypeOf: (r, t) => [typeof r === t, 'typeof value is ' + typeof r, t, r, { diff: false }],
    toThrow: (r, e) => {
      if (typeof r !== 'function') return [false, 'expect(received).toThrow needs a function', e, r, { diff: false }];
      try {
        r();
      } catch (error) {
        return [errorMatches(error, e), 'the thrown error does not match', e, error, { diff: false }];
      }
      return [false, 'the function did not throw', e, undefined, { diff: false, showReceived: false }];
    },
  };
  matchers.toThrowError = matchers.toThrow;

  function makeMatchers(received, negated, mode) {
    const api = {};
    for (const name of Object.keys(matchers)) {
      api[name] = (...args) => {
        // After .resolves/.rejects, toThrow checks the settled value itself.
        const settledThrow = mode && (name === 'toThrow' || name === 'toThrowError');
        const check = (value) => {
          const [pass, message, expected, got, options] = settledThrow
            ? [errorMatches(value, args[0]), 'the error does not match', args[0], value, { diff: false }]
            : matchers[name](value, ...args);
          if (pass === negated) fail(name, negated, negated ? 'the value passes .' + name + ', but .not expects it to fail' : message, expected, got, options);
        };
        if (!mode) return check(received);
        const site = state.expectSite;
        return Promise.resolve(received).then(
          (value) => {
            state.expectSite = site;
            if (mode === 'rejects') fail(name, negated, 'the promise resolved instead of rejecting', undefined, value, { showExpected: false, diff: false });
            check(value);
          },
          (error) => {
            state.expectSite = site;
            if (mode === 'resolves') fail(name, negated, 'the promise rejected instead of resolving', undefined, error, { showExpected: false, diff: false });
            check(error);
          },
        );
      };
    }
    return api;
  }

  function expect(received) {
    state.expectSite = internals.callSite();
    state.assertionCalls++;
    const api = makeMatchers(received, false, null);
    api.not = makeMatchers(received, true, null);
    api.resolves = makeMatchers(received, false, 'resolves');
    api.resolves.not = makeMatchers(received, true, 'resolves');
    api.rejects = makeMatchers(received, false, 'rejects');
    api.rejects.not = makeMatchers(received, true, 'rejects');
    return api;
  }
  expect.assertions = (n) => {
    state.expectedAssertions = n;
  };
  expect.hasAssertions = () => {
    state.expectedAssertions = -1;
  };
  expect.extend = (extra) => {
    for (const [name, fn] of Object.entries(extra)) {
      matchers[name] = (received, ...args) => {
        const result = fn(received, ...args);
        const message = typeof result.message === 'function' ? result.message() : String(result.message || name + ' failed');
        return [!!result.pass, message, args[0], received, { diff: false }];
      };
    }
  };

  return { expect, AssertionError, equals, fail };
})
