// `expect` with Jest's matchers, asymmetric matchers and failure messages in Jest's shape
// (a matcher hint, then Expected/Received or a diff). Values in messages and snapshots are
// printed by the `pretty` layer, loaded on the first failure.
(function (internals, state, load) {
  'use strict';

  const pretty = () => load('pretty');
  const AsymmetricTag = Symbol.for('wxrun.asymmetric');

  class AssertionError extends Error {
    constructor(message, details) {
      super(message);
      this.name = 'AssertionError';
      Object.defineProperty(this, 'details', { value: details, enumerable: false });
    }
  }

  // ---------------------------------------------------------------- equality

  function typeTag(value) {
    return Object.prototype.toString.call(value);
  }

  function isAsymmetric(value) {
    return !!value && typeof value === 'object' && value[AsymmetricTag] === true;
  }

  function hasKey(object, key) {
    return Object.prototype.hasOwnProperty.call(object, key);
  }

  // Deep equality as Jest's: asymmetric matchers match anywhere; `strict` (toStrictEqual) also
  // compares undefined properties, sparseness and classes; `subset` (toMatchObject) lets the
  // received object have more properties.
  function equals(a, b, strict, seen, subset) {
    if (isAsymmetric(b) && !isAsymmetric(a)) return b.asymmetricMatch(a);
    if (isAsymmetric(a) && !isAsymmetric(b)) return a.asymmetricMatch(b);
    if (Object.is(a, b)) return true;
    if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
      return false;
    }
    if (typeTag(a) !== typeTag(b)) return false;
    if (strict && Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
    seen = seen || [];
    for (const [x, y] of seen) if (x === a && y === b) return true;
    seen = seen.concat([[a, b]]);
    if (a instanceof Date) return a.getTime() === b.getTime();
    if (a instanceof RegExp) return String(a) === String(b);
    if (a instanceof Error && b instanceof Error) return a.message === b.message;
    if (typeof a.valueOf === 'function' && (a instanceof Number || a instanceof String || a instanceof Boolean)) return Object.is(a.valueOf(), b.valueOf());
    if (a instanceof ArrayBuffer) return equals(new Uint8Array(a), new Uint8Array(b), strict, seen);
    if (ArrayBuffer.isView(a)) {
      if (a.length !== b.length) return false;
      for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
      return true;
    }
    if (a instanceof Map) {
      if (a.size !== b.size) return false;
      for (const [k, v] of a) {
        if (b.has(k)) {
          if (!equals(v, b.get(k), strict, seen)) return false;
        } else {
          let found = false;
          for (const [k2, v2] of b) if (equals(k, k2, strict, seen) && equals(v, v2, strict, seen)) found = true;
          if (!found) return false;
        }
      }
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
    // `a` is the received value, `b` the expected one.
    if (Array.isArray(a)) {
      if (a.length !== b.length) return false;
      for (let i = 0; i < a.length; i++) {
        if (strict && (i in a) !== (i in b)) return false;
        if (!equals(a[i], b[i], strict, seen, subset)) return false;
      }
      if (subset) return true;
    }
    if (subset) {
      for (const k of Object.keys(b)) {
        if (!(k in Object(a)) || !equals(a[k], b[k], strict, seen, subset)) return false;
      }
      return true;
    }
    const keys = (o) => Object.keys(o).filter((k) => strict || o[k] !== undefined);
    const ka = keys(a);
    const kb = keys(b);
    if (ka.length !== kb.length) return false;
    for (const k of ka) {
      if (!hasKey(b, k) && !(strict === false && b[k] === undefined && a[k] === undefined)) return false;
      if (!equals(a[k], b[k], strict, seen)) return false;
    }
    return true;
  }

  // ---------------------------------------------------------------- asymmetric matchers

  function asymmetric(name, sample, match, inverse, describe) {
    const matcher = {
      sample,
      inverse: !!inverse,
      asymmetricMatch: (other) => {
        const result = match(other);
        return inverse ? !result : result;
      },
      toString: () => name,
      toAsymmetricMatcher: () => (describe ? describe() : name),
      getExpectedType: () => undefined,
    };
    Object.defineProperty(matcher, AsymmetricTag, { value: true });
    Object.defineProperty(matcher, '$$typeof', { value: Symbol.for('jest.asymmetricMatcher') });
    return matcher;
  }

  function typeName(ctor) {
    return ctor && ctor.name ? ctor.name : String(ctor);
  }

  function any(ctor) {
    if (ctor === undefined) {
      throw new TypeError('any() expects to be passed a constructor function. Please pass one or use anything() to match any object.');
    }
    const primitive = { Number: 'number', String: 'string', Boolean: 'boolean', Function: 'function', Symbol: 'symbol', BigInt: 'bigint' }[ctor.name];
    return asymmetric('Any', ctor, (other) => {
      if (primitive && ctor === globalThis[ctor.name] && typeof other === primitive) return true;
      if (ctor === Object) return typeof other === 'object' && other !== null;
      return other instanceof ctor;
    }, false, () => 'Any<' + typeName(ctor) + '>');
  }

  const anything = () => asymmetric('Anything', undefined, (other) => other !== null && other !== undefined);

  const objectContaining = (inverse) => (sample) => {
    if (typeof sample !== 'object' || sample === null) {
      throw new Error("You must provide an object to " + (inverse ? 'ObjectNotContaining' : 'ObjectContaining') + ", not '" + typeof sample + "'.");
    }
    return asymmetric(inverse ? 'ObjectNotContaining' : 'ObjectContaining', sample, (other) => {
      if (other === null || other === undefined) return false;
      for (const key of Object.keys(sample)) {
        if (!(key in Object(other)) || !equals(other[key], sample[key])) return false;
      }
      return true;
    }, inverse);
  };

  const arrayContaining = (inverse) => (sample) => {
    if (!Array.isArray(sample)) {
      throw new Error('You must provide an array to ' + (inverse ? 'ArrayNotContaining' : 'ArrayContaining') + ", not '" + typeof sample + "'.");
    }
    return asymmetric(inverse ? 'ArrayNotContaining' : 'ArrayContaining', sample, (other) => {
      if (sample.length === 0) return true;
      return Array.isArray(other) && sample.every((item) => other.some((value) => equals(value, item)));
    }, inverse);
  };

  const stringContaining = (inverse) => (sample) => {
    if (typeof sample !== 'string') throw new Error('Expected is not a string');
    return asymmetric(inverse ? 'StringNotContaining' : 'StringContaining', sample, (other) => typeof other === 'string' && other.includes(sample), inverse);
  };

  const stringMatching = (inverse) => (sample) => {
    if (typeof sample !== 'string' && !(sample instanceof RegExp)) throw new Error('Expected is not a String or a RegExp');
    const regex = new RegExp(sample);
    return asymmetric(inverse ? 'StringNotMatching' : 'StringMatching', regex, (other) => typeof other === 'string' && regex.test(other), inverse);
  };

  const closeTo = (inverse) => (sample, precision = 2) => {
    if (typeof sample !== 'number') throw new Error('Expected is not a Number');
    if (typeof precision !== 'number') throw new Error('Precision is not a Number');
    const name = inverse ? 'NumberNotCloseTo' : 'NumberCloseTo';
    return asymmetric(name, sample, (other) => {
      if (typeof other !== 'number') return false;
      if (other === Infinity && sample === Infinity) return true;
      if (other === -Infinity && sample === -Infinity) return true;
      return Math.abs(sample - other) < Math.pow(10, -precision) / 2;
    }, inverse, () => name + ' ' + sample + ' (' + precision + ' digit' + (precision === 1 ? '' : 's') + ')');
  };

  // ---------------------------------------------------------------- messages

  const print = (value) => pretty().forMessage(value);

  function matcherHint(name, received = 'received', expected = 'expected', options = {}) {
    let hint = 'expect(' + received + ')';
    if (options.promise) hint += '.' + options.promise;
    if (options.isNot) hint += '.not';
    hint += '.' + name + '(' + expected + (options.secondArgument ? ', ' + options.secondArgument : '') + ')';
    if (options.comment) hint += ' // ' + options.comment;
    return hint;
  }

  // A line diff of two texts (longest common subsequence), with Jest's header.
  function lineDiff(expectedText, receivedText, labels = ['Expected', 'Received']) {
    const a = expectedText.split('\n');
    const b = receivedText.split('\n');
    if (a.length * b.length > 250000) return null;
    const table = Array.from({ length: a.length + 1 }, () => new Array(b.length + 1).fill(0));
    for (let i = a.length - 1; i >= 0; i--) {
      for (let j = b.length - 1; j >= 0; j--) {
        table[i][j] = a[i] === b[j] ? table[i + 1][j + 1] + 1 : Math.max(table[i + 1][j], table[i][j + 1]);
      }
    }
    const lines = [];
    let removed = 0;
    let added = 0;
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) {
      if (i < a.length && j < b.length && a[i] === b[j]) {
        lines.push('  ' + a[i]);
        i++;
        j++;
      } else if (i < a.length && (j === b.length || table[i + 1][j] >= table[i][j + 1])) {
        lines.push('- ' + a[i++]);
        removed++;
      } else {
        lines.push('+ ' + b[j++]);
        added++;
      }
    }
    const width = Math.max(labels[0].length, labels[1].length);
    const header = '- ' + labels[0].padEnd(width) + '  - ' + removed + '\n+ ' + labels[1].padEnd(width) + '  + ' + added + '\n\n';
    return header + lines.map((line) => line.trimEnd()).join('\n');
  }

  // Objects and multi-line strings get a diff; other values a line each.
  function diffOrStringify(expected, received, labels = ['Expected', 'Received']) {
    const diffable =
      (typeof expected === 'string' && typeof received === 'string' && (expected.includes('\n') || received.includes('\n'))) ||
      (expected && received && typeof expected === 'object' && typeof received === 'object' && !isAsymmetric(expected) && typeTag(expected) === typeTag(received));
    if (diffable) {
      const a = typeof expected === 'string' ? expected : pretty().forDiff(expected);
      const b = typeof received === 'string' ? received : pretty().forDiff(received);
      if (a !== b) {
        const diff = lineDiff(a, b, labels);
        if (diff) return diff;
      }
    }
    const width = Math.max(labels[0].length, labels[1].length) + 2;
    const shownExpected = print(expected);
    const shownReceived = print(received);
    const same = shownExpected === shownReceived;
    return (labels[0] + ': ').padEnd(width) + shownExpected + '\n' + (labels[1] + ': ').padEnd(width) + (same ? 'serializes to the same string' : shownReceived);
  }

  function typeOfValue(value) {
    if (value === null) return 'null';
    if (Array.isArray(value)) return 'array';
    return typeof value;
  }

  class MatcherError extends Error {}

  function matcherError(hint, text, what, value) {
    let message = hint + '\n\nMatcher error: ' + text;
    if (what) {
      message += '\n\n' + what + ' has type:  ' + typeOfValue(value);
      if (value !== null && value !== undefined) message += '\n' + what + ' has value: ' + print(value);
    }
    return new MatcherError(message);
  }

  const utils = {
    matcherHint,
    printReceived: print,
    printExpected: print,
    stringify: print,
    diff: (a, b) => {
      const text = diffOrStringify(a, b);
      return text;
    },
    printDiffOrStringify: (expected, received, expectedLabel, receivedLabel) => diffOrStringify(expected, received, [expectedLabel, receivedLabel]),
    EXPECTED_COLOR: (t) => t,
    RECEIVED_COLOR: (t) => t,
  };

  // ---------------------------------------------------------------- matchers

  function lengthOf(value) {
    return value !== null && value !== undefined && typeof value.length === 'number' ? value.length : undefined;
  }

  function getPath(object, path) {
    const parts = Array.isArray(path) ? path : String(path).replace(/\[(\w+)\]/g, '.$1').split('.').filter((p) => p !== '');
    let current = object;
    const walked = [];
    for (const part of parts) {
      if (current === null || current === undefined || !(part in Object(current))) return { found: false, walked, last: current };
      current = current[part];
      walked.push(part);
    }
    return { found: true, value: current, walked };
  }

  function thrownMessage(error) {
    return error && typeof error === 'object' && 'message' in error ? String(error.message) : String(error);
  }

  // Compares a thrown value with what toThrow was given; returns [pass, message lines].
  function throwCheck(thrown, expected, ctx, name, received) {
    const hint = matcherHint(name, received, expected === undefined ? '' : 'expected', ctx);
    const isNot = ctx.isNot;
    if (thrown === null) {
      return [false, () => hint + '\n\nReceived function did not throw'];
    }
    const error = thrown.value;
    const message = thrownMessage(error);
    if (expected === undefined) {
      return [true, () => hint + '\n\nError name:    ' + print(error && error.name) + '\nError message: ' + print(message)];
    }
    if (typeof expected === 'function') {
      const pass = error instanceof expected;
      return [pass, () => hint + '\n\n' + (isNot ? 'Expected constructor: not ' : 'Expected constructor: ') + typeName(expected) + '\n' + (pass ? '' : 'Received constructor: ' + typeName(error && error.constructor) + '\n') + '\nReceived message: ' + print(message)];
    }
    if (expected instanceof RegExp) {
      const pass = expected.test(message);
      return [pass, () => hint + '\n\n' + (isNot ? 'Expected pattern: not ' : 'Expected pattern: ') + print(expected) + '\nReceived message: ' + print(message)];
    }
    if (typeof expected === 'string') {
      const pass = message.includes(expected);
      return [pass, () => hint + '\n\n' + (isNot ? 'Expected substring: not ' : 'Expected substring: ') + print(expected) + '\nReceived message:   ' + print(message)];
    }
    if (isAsymmetric(expected)) {
      const pass = expected.asymmetricMatch(error);
      return [pass, () => hint + '\n\n' + (isNot ? 'Expected asymmetric matcher: not ' : 'Expected asymmetric matcher: ') + print(expected) + '\n\nReceived name:    ' + print(error && error.name) + '\nReceived message: ' + print(message)];
    }
    if (expected && typeof expected === 'object') {
      const pass = message === thrownMessage(expected);
      return [pass, () => hint + '\n\n' + (isNot ? 'Expected message: not ' : 'Expected message: ') + print(thrownMessage(expected)) + '\nReceived message: ' + print(message)];
    }
    throw matcherError(hint, 'expected value must be a string or regular expression or class or error', 'Expected', expected);
  }

  // ---- mock matchers

  function isMock(value) {
    return typeof value === 'function' && (value._isMockFunction === true || value.calls !== undefined && value.and !== undefined);
  }

  function ensureMock(received, name, ctx, expected) {
    if (!isMock(received)) {
      throw matcherError(matcherHint(name, 'received', expected, ctx), 'received value must be a mock or spy function', 'Received', received);
    }
    const mockName = received.getMockName();
    return mockName === 'jest.fn()' || !mockName ? 'jest.fn()' : mockName;
  }

  function printCalls(calls, label) {
    if (calls.length === 0) return '';
    if (calls.length === 1) return '\n' + label + ': ' + calls[0].map(print).join(', ');
    return '\n' + label + '\n' + calls.map((call, i) => '       ' + (i + 1) + ': ' + call.map(print).join(', ')).join('\n');
  }

  function callsMatcher(name, pick) {
    return function (received, ...expected) {
      const mockName = ensureMock(received, name, this, '...expected');
      const calls = received.mock.calls;
      const chosen = pick(calls, expected);
      if (chosen.error) throw matcherError(matcherHint(name, mockName, chosen.hintArgs, this), chosen.error, 'n', chosen.n);
      const args = chosen.expected;
      const checked = chosen.calls;
      const pass = checked.some((call) => equals(call, args));
      const hint = matcherHint(name, mockName, chosen.hintArgs, this);
      return {
        pass,
        message: () =>
          hint + '\n\n' +
          (this.isNot ? 'Expected: not ' : 'Expected: ') + args.map(print).join(', ') +
          (pass ? printCalls(checked.filter((call) => equals(call, args)), 'Received') : printCalls(checked, 'Received')) +
          '\n\nNumber of calls: ' + calls.length,
      };
    };
  }

  function returnsMatcher(name, pick) {
    return function (received, ...expected) {
      const mockName = ensureMock(received, name, this, 'expected');
      const results = received.mock.results;
      const chosen = pick(results, expected);
      const returned = chosen.results.filter((r) => r.type === 'return');
      const pass = returned.some((r) => equals(r.value, chosen.expected));
      const hint = matcherHint(name, mockName, chosen.hintArgs, this);
      return {
        pass,
        message: () =>
          hint + '\n\n' + (this.isNot ? 'Expected: not ' : 'Expected: ') + print(chosen.expected) +
          (returned.length ? '\nReceived: ' + returned.map((r) => print(r.value)).join(', ') : '') +
          '\n\nNumber of returns: ' + results.filter((r) => r.type === 'return').length +
          (results.length !== returned.length ? '\nNumber of calls:   ' + results.length : ''),
      };
    };
  }

  const nth = (list, n, name) => {
    if (!Number.isInteger(n) || n < 1) return { error: 'n must be a positive integer', n };
    return null;
  };

  const matchers = {
    toBe(received, expected) {
      const pass = Object.is(received, expected);
      const hint = matcherHint('toBe', undefined, undefined, Object.assign({ comment: 'Object.is equality' }, this));
      return {
        pass,
        message: () => {
          if (this.isNot) return hint + '\n\nExpected: not ' + print(expected);
          let extra = '';
          if (typeTag(received) === typeTag(expected) && received !== null && typeof received === 'object' && equals(received, expected, true)) {
            extra = '\n\nIf it should pass with deep equality, replace "toBe" with "toStrictEqual"';
          } else if (typeTag(received) === typeTag(expected) && received !== null && typeof received === 'object' && equals(received, expected)) {
            extra = '\n\nIf it should pass with deep equality, replace "toBe" with "toEqual"';
          }
          return hint + extra + '\n\n' + diffOrStringify(expected, received);
        },
      };
    },
    toEqual(received, expected) {
      const pass = equals(received, expected);
      const hint = matcherHint('toEqual', undefined, undefined, Object.assign({ comment: 'deep equality' }, this));
      return { pass, message: () => hint + '\n\n' + (this.isNot ? 'Expected: not ' + print(expected) + (print(expected) !== print(received) ? '\nReceived:     ' + print(received) : '') : diffOrStringify(expected, received)) };
    },
    toStrictEqual(received, expected) {
      const pass = equals(received, expected, true);
      const hint = matcherHint('toStrictEqual', undefined, undefined, Object.assign({ comment: 'deep equality' }, this));
      return { pass, message: () => hint + '\n\n' + (this.isNot ? 'Expected: not ' + print(expected) + (print(expected) !== print(received) ? '\nReceived:     ' + print(received) : '') : diffOrStringify(expected, received)) };
    },
    toMatchObject(received, expected) {
      const hint = matcherHint('toMatchObject', undefined, undefined, this);
      if (typeof received !== 'object' || received === null) throw matcherError(hint, 'received value must be a non-null object', 'Received', received);
      if (typeof expected !== 'object' || expected === null) throw matcherError(hint, 'expected value must be a non-null object', 'Expected', expected);
      const pass = equals(received, expected, false, [], true);
      return {
        pass,
        message: () => {
          if (this.isNot) return hint + '\n\nExpected: not ' + print(expected) + (print(expected) !== print(received) ? '\nReceived:     ' + print(received) : '');
          // Only the properties expected are compared, so only those are shown.
          return hint + '\n\n' + diffOrStringify(expected, subsetOf(received, expected));
        },
      };
    },
    toMatch(received, expected) {
      const hint = matcherHint('toMatch', undefined, undefined, this);
      if (typeof received !== 'string') throw matcherError(hint, 'received value must be a string', 'Received', received);
      if (typeof expected !== 'string' && !(expected instanceof RegExp)) throw matcherError(hint, 'expected value must be a string or regular expression', 'Expected', expected);
      const pass = typeof expected === 'string' ? received.includes(expected) : new RegExp(expected).test(received);
      const label = typeof expected === 'string' ? 'Expected substring: ' : 'Expected pattern: ';
      return { pass, message: () => hint + '\n\n' + label + (this.isNot ? 'not ' : '') + print(expected) + '\nReceived string:  ' + (typeof expected === 'string' ? '  ' : '') + print(received) };
    },
    toContain(received, expected) {
      const hint = matcherHint('toContain', undefined, undefined, this);
      if (received === null || received === undefined) throw matcherError(hint, 'received value must not be null nor undefined', 'Received', received);
      const pass = typeof received === 'string' ? received.includes(String(expected)) : Array.from(received).some((item) => item === expected || Object.is(item, expected));
      const kind = typeof received === 'string' ? 'string' : 'array';
      return { pass, message: () => hint + '\n\n' + (kind === 'string' ? 'Expected substring: ' : 'Expected value: ') + (this.isNot ? 'not ' : '') + print(expected) + '\nReceived ' + kind + ':' + (kind === 'string' ? '    ' : ' ') + print(received) };
    },
    toContainEqual(received, expected) {
      const hint = matcherHint('toContainEqual', undefined, undefined, this);
      if (received === null || received === undefined) throw matcherError(hint, 'received value must not be null nor undefined', 'Received', received);
      const pass = Array.from(received).some((item) => equals(item, expected));
      return { pass, message: () => hint + '\n\nExpected value: ' + (this.isNot ? 'not ' : '') + print(expected) + '\nReceived array: ' + print(received) };
    },
    toHaveLength(received, expected) {
      const hint = matcherHint('toHaveLength', undefined, undefined, this);
      if (lengthOf(received) === undefined) throw matcherError(hint, 'received value must have a length property whose value must be a number', 'Received', received);
      const pass = received.length === expected;
      return { pass, message: () => hint + '\n\nExpected length: ' + (this.isNot ? 'not ' : '') + print(expected) + (this.isNot ? '' : '\nReceived length: ' + print(received.length)) + '\nReceived ' + typeOfValue(received) + ':  ' + print(received) };
    },
    toHaveProperty(received, path, ...rest) {
      const hasValue = rest.length > 0;
      const value = rest[0];
      const hint = matcherHint('toHaveProperty', undefined, 'path', Object.assign({ secondArgument: hasValue ? 'value' : undefined }, this));
      if (received === null || received === undefined) throw matcherError(hint, 'received value must not be null nor undefined', 'Received', received);
      if (typeof path !== 'string' && !Array.isArray(path)) throw matcherError(hint, 'expected path must be a string or array', 'Expected', path);
      const got = getPath(received, path);
      const pass = got.found && (!hasValue || equals(got.value, value));
      return {
        pass,
        message: () => {
          let text = hint + '\n\nExpected path: ' + (this.isNot && !hasValue ? 'not ' : '') + print(path) + '\n';
          if (!got.found) {
            const walked = Array.isArray(path) ? got.walked : got.walked.join('.');
            text += 'Received path: ' + print(walked) + '\n';
            if (hasValue) text += '\nExpected value: ' + print(value) + '\n';
            text += '\nReceived value: ' + print(got.walked.length ? getPath(received, got.walked).value : received);
            return text;
          }
          if (hasValue) text += '\n' + diffOrStringify(value, got.value, [this.isNot ? 'Expected value: not' : 'Expected value', 'Received value']);
          else text += '\nReceived value: ' + print(got.value);
          return text;
        },
      };
    },
    toBeTruthy(received) {
      return { pass: !!received, message: () => matcherHint('toBeTruthy', undefined, '', this) + '\n\nReceived: ' + print(received) };
    },
    toBeFalsy(received) {
      return { pass: !received, message: () => matcherHint('toBeFalsy', undefined, '', this) + '\n\nReceived: ' + print(received) };
    },
    toBeNull(received) {
      return { pass: received === null, message: () => matcherHint('toBeNull', undefined, '', this) + '\n\nReceived: ' + print(received) };
    },
    toBeUndefined(received) {
      return { pass: received === undefined, message: () => matcherHint('toBeUndefined', undefined, '', this) + '\n\nReceived: ' + print(received) };
    },
    toBeDefined(received) {
      return { pass: received !== undefined, message: () => matcherHint('toBeDefined', undefined, '', this) + '\n\nReceived: ' + print(received) };
    },
    toBeNaN(received) {
      return { pass: Number.isNaN(received), message: () => matcherHint('toBeNaN', undefined, '', this) + '\n\nReceived: ' + print(received) };
    },
    toBeInstanceOf(received, expected) {
      const hint = matcherHint('toBeInstanceOf', undefined, undefined, this);
      if (typeof expected !== 'function') throw matcherError(hint, 'expected value must be a function', 'Expected', expected);
      const pass = received instanceof expected;
      const ctor = received !== null && received !== undefined ? Object.getPrototypeOf(Object(received)).constructor : undefined;
      return { pass, message: () => hint + '\n\nExpected constructor: ' + (this.isNot ? 'not ' : '') + typeName(expected) + '\nReceived constructor: ' + (ctor ? typeName(ctor) : '') + (ctor ? '' : '\nReceived value: ' + print(received)) };
    },
    toBeTypeOf(received, expected) {
      const pass = typeof received === expected;
      return { pass, message: () => matcherHint('toBeTypeOf', undefined, undefined, this) + '\n\nExpected type: ' + (this.isNot ? 'not ' : '') + print(expected) + '\nReceived type: ' + print(typeof received) };
    },
    toBeCloseTo(received, expected, precision = 2) {
      const hint = matcherHint('toBeCloseTo', undefined, 'expected', Object.assign({ secondArgument: arguments.length > 2 ? 'precision' : undefined }, this));
      if (typeof received !== 'number') throw matcherError(hint, 'received value must be a number', 'Received', received);
      if (typeof expected !== 'number') throw matcherError(hint, 'expected value must be a number', 'Expected', expected);
      let pass;
      let difference = 0;
      if (received === Infinity && expected === Infinity) pass = true;
      else if (received === -Infinity && expected === -Infinity) pass = true;
      else {
        difference = Math.abs(expected - received);
        pass = difference < Math.pow(10, -precision) / 2;
      }
      return { pass, message: () => hint + '\n\nExpected: ' + (this.isNot ? 'not ' : '') + print(expected) + '\nReceived: ' + (this.isNot ? '    ' : '') + print(received) + '\n\nExpected precision:  ' + (this.isNot ? '  ' : '') + precision + '\nExpected difference: ' + (this.isNot ? '>= ' : '< ') + print(Math.pow(10, -precision) / 2) + '\nReceived difference: ' + (this.isNot ? '   ' : '  ') + print(difference) };
    },
    toThrow(received, expected) {
      const hint = matcherHint('toThrow', undefined, expected === undefined ? '' : 'expected', this);
      let thrown = null;
      if (this.promise === 'rejects' || this.promise === 'resolves') {
        thrown = { value: received };
      } else {
        if (typeof received !== 'function') throw matcherError(hint, 'received value must be a function', 'Received', received);
        try {
          received();
        } catch (error) {
          thrown = { value: error };
        }
      }
      const [pass, message] = throwCheck(thrown, expected, this, 'toThrow', 'received');
      return { pass, message };
    },
    // ---- mock functions
    toHaveBeenCalled(received, ...extra) {
      const name = ensureMock(received, 'toHaveBeenCalled', this, '');
      if (extra.length) throw matcherError(matcherHint('toHaveBeenCalled', name, '', this), 'this matcher must not have an expected argument', 'Expected', extra[0]);
      const calls = received.mock.calls;
      const pass = calls.length > 0;
      return { pass, message: () => matcherHint('toHaveBeenCalled', name, '', this) + '\n\n' + (this.isNot ? 'Expected number of calls: 0\nReceived number of calls: ' + calls.length + printCalls(calls, '\nReceived').replace(/^\n/, '') : 'Expected number of calls: >= 1\nReceived number of calls:    0') };
    },
    toHaveBeenCalledTimes(received, expected) {
      const name = ensureMock(received, 'toHaveBeenCalledTimes', this, 'expected');
      const count = received.mock.calls.length;
      return { pass: count === expected, message: () => matcherHint('toHaveBeenCalledTimes', name, 'expected', this) + '\n\nExpected number of calls: ' + (this.isNot ? 'not ' : '') + print(expected) + (this.isNot ? '' : '\nReceived number of calls: ' + count) };
    },
    toHaveBeenCalledWith: callsMatcher('toHaveBeenCalledWith', (calls, expected) => ({ calls, expected, hintArgs: '...expected' })),
    toHaveBeenLastCalledWith: callsMatcher('toHaveBeenLastCalledWith', (calls, expected) => ({ calls: calls.slice(-1), expected, hintArgs: '...expected' })),
    toHaveBeenNthCalledWith: callsMatcher('toHaveBeenNthCalledWith', (calls, [n, ...expected]) => {
      const bad = nth(calls, n);
      if (bad) return Object.assign(bad, { hintArgs: 'n, ...expected' });
      return { calls: calls.length >= n ? [calls[n - 1]] : [], expected, hintArgs: 'n, ...expected' };
    }),
    toHaveReturned(received) {
      const name = ensureMock(received, 'toHaveReturned', this, '');
      const returns = received.mock.results.filter((r) => r.type === 'return').length;
      return { pass: returns > 0, message: () => matcherHint('toHaveReturned', name, '', this) + '\n\n' + (this.isNot ? 'Expected number of returns: 0\nReceived number of returns: ' + returns : 'Expected number of returns: >= 1\nReceived number of returns:    0') + (received.mock.calls.length !== returns ? '\nReceived number of calls:      ' + received.mock.calls.length : '') };
    },
    toHaveReturnedTimes(received, expected) {
      const name = ensureMock(received, 'toHaveReturnedTimes', this, 'expected');
      const returns = received.mock.results.filter((r) => r.type === 'return').length;
      return { pass: returns === expected, message: () => matcherHint('toHaveReturnedTimes', name, 'expected', this) + '\n\nExpected number of returns: ' + (this.isNot ? 'not ' : '') + print(expected) + (this.isNot ? '' : '\nReceived number of returns: ' + returns) };
    },
    toHaveReturnedWith: returnsMatcher('toHaveReturnedWith', (results, [expected]) => ({ results, expected, hintArgs: 'expected' })),
    toHaveLastReturnedWith: returnsMatcher('toHaveLastReturnedWith', (results, [expected]) => ({ results: results.slice(-1), expected, hintArgs: 'expected' })),
    toHaveNthReturnedWith: returnsMatcher('toHaveNthReturnedWith', (results, [n, expected]) => ({ results: results.slice(n - 1, n), expected, hintArgs: 'n, expected' })),
  };

  // The received object cut down to what `expected` names, for toMatchObject's diff.
  function subsetOf(received, expected, seen = []) {
    if (!received || typeof received !== 'object' || !expected || typeof expected !== 'object' || isAsymmetric(expected) || seen.includes(received)) return received;
    seen = seen.concat([received]);
    if (Array.isArray(received) && Array.isArray(expected)) {
      return received.map((item, i) => (i < expected.length ? subsetOf(item, expected[i], seen) : item));
    }
    const out = Object.create(Object.getPrototypeOf(received));
    for (const key of Object.keys(expected)) {
      if (key in Object(received)) out[key] = equals(received[key], expected[key]) ? expected[key] : subsetOf(received[key], expected[key], seen);
    }
    return out;
  }

  const aliases = {
    toThrowError: 'toThrow',
    toBeCalled: 'toHaveBeenCalled',
    toBeCalledTimes: 'toHaveBeenCalledTimes',
    toBeCalledWith: 'toHaveBeenCalledWith',
    lastCalledWith: 'toHaveBeenLastCalledWith',
    nthCalledWith: 'toHaveBeenNthCalledWith',
    toReturn: 'toHaveReturned',
    toReturnTimes: 'toHaveReturnedTimes',
    toReturnWith: 'toHaveReturnedWith',
    lastReturnedWith: 'toHaveLastReturnedWith',
    nthReturnedWith: 'toHaveNthReturnedWith',
  };
  for (const [alias, name] of Object.entries(aliases)) matchers[alias] = matchers[name];

  // Numeric comparisons.
  for (const [name, symbol, test] of [
    ['toBeGreaterThan', '>', (a, b) => a > b],
    ['toBeGreaterThanOrEqual', '>=', (a, b) => a >= b],
    ['toBeLessThan', '<', (a, b) => a < b],
    ['toBeLessThanOrEqual', '<=', (a, b) => a <= b],
  ]) {
    matchers[name] = function (received, expected) {
      const hint = matcherHint(name, undefined, undefined, this);
      const numeric = (v) => typeof v === 'number' || typeof v === 'bigint';
      if (!numeric(received)) throw matcherError(hint, 'received value must be a number or bigint', 'Received', received);
      if (!numeric(expected)) throw matcherError(hint, 'expected value must be a number or bigint', 'Expected', expected);
      const pass = test(received, expected);
      return { pass, message: () => hint + '\n\nExpected:' + (this.isNot ? ' not' : '') + ' ' + symbol + ' ' + print(expected) + '\nReceived:' + (this.isNot ? '    ' : '') + ' '.repeat(symbol.length + 2) + print(received) };
    };
  }

  // Snapshot matchers: the snapshot layer decides; the file's state lives in testing.js.
  for (const name of ['toMatchSnapshot', 'toMatchInlineSnapshot', 'toThrowErrorMatchingSnapshot', 'toThrowErrorMatchingInlineSnapshot']) {
    matchers[name] = function (received, ...args) {
      return state.snapshots().match(name, received, args, this);
    };
  }

  // ---------------------------------------------------------------- expect

  function fail(name, result, ctx) {
    const message = typeof result.message === 'function' ? result.message() : String(result.message || name + ' failed');
    const lines = message.split('\n');
    const details = { matcher: lines[0], location: ctx.site };
    const expected = /^Expected[^:]*: (.*)$/m.exec(message);
    const received = /^Received[^:]*: (.*)$/m.exec(message);
    if (expected) details.expected = expected[1].trim();
    if (received) details.received = received[1].trim();
    throw new AssertionError(message, details);
  }

  function runMatcher(name, received, args, ctx) {
    let result;
    try {
      result = matchers[name].call(ctx, received, ...args);
    } catch (error) {
      if (error instanceof MatcherError) {
        throw new AssertionError(error.message, { matcher: error.message.split('\n')[0], location: ctx.site });
      }
      throw error;
    }
    if (result && typeof result.then === 'function') {
      return result.then((settled) => {
        if (settled.pass === ctx.isNot) fail(name, settled, ctx);
      });
    }
    if (!result || typeof result.pass !== 'boolean') {
      throw new TypeError('Unexpected return from a matcher function.\nMatcher functions should return an object in the following format:\n  {message?: string | function, pass: boolean}\n' + "'" + print(result) + "' was returned");
    }
    if (result.pass === ctx.isNot) fail(name, result, ctx);
    return undefined;
  }

  function makeMatchers(received, isNot, promise, site) {
    const api = {};
    for (const name of Object.keys(matchers)) {
      api[name] = (...args) => {
        const ctx = { isNot, promise: promise || '', site, equals: (a, b) => equals(a, b), utils, expand: false };
        if (!promise) return runMatcher(name, received, args, ctx);
        return Promise.resolve(received).then(
          (value) => {
            state.expectSite = site;
            if (promise === 'rejects') {
              throw new AssertionError(matcherHint(name, 'received', '', ctx) + '\n\nReceived promise resolved instead of rejected\nResolved to value: ' + print(value), { matcher: matcherHint(name, 'received', '', ctx), location: site });
            }
            return runMatcher(name, value, args, ctx);
          },
          (error) => {
            state.expectSite = site;
            if (promise === 'resolves') {
              throw new AssertionError(matcherHint(name, 'received', '', ctx) + '\n\nReceived promise rejected instead of resolved\nRejected to value: ' + print(error), { matcher: matcherHint(name, 'received', '', ctx), location: site });
            }
            return runMatcher(name, error, args, ctx);
          },
        );
      };
    }
    return api;
  }

  function expect(received, ...extra) {
    if (extra.length) throw new Error('Expect takes at most one argument.');
    const site = internals.callSite();
    state.expectSite = site;
    state.assertionCalls++;
    const api = makeMatchers(received, false, null, site);
    api.not = makeMatchers(received, true, null, site);
    api.resolves = makeMatchers(received, false, 'resolves', site);
    api.resolves.not = makeMatchers(received, true, 'resolves', site);
    api.rejects = makeMatchers(received, false, 'rejects', site);
    api.rejects.not = makeMatchers(received, true, 'rejects', site);
    return api;
  }
  expect.assertions = (n) => {
    state.expectedAssertions = n;
  };
  expect.hasAssertions = () => {
    state.expectedAssertions = -1;
  };
  expect.any = any;
  expect.anything = anything;
  expect.objectContaining = objectContaining(false);
  expect.arrayContaining = arrayContaining(false);
  expect.stringContaining = stringContaining(false);
  expect.stringMatching = stringMatching(false);
  expect.closeTo = closeTo(false);
  expect.not = {
    objectContaining: objectContaining(true),
    arrayContaining: arrayContaining(true),
    stringContaining: stringContaining(true),
    stringMatching: stringMatching(true),
    closeTo: closeTo(true),
  };
  expect.extend = (extra) => {
    for (const [name, fn] of Object.entries(extra)) {
      if (typeof fn !== 'function') throw new TypeError('expect.extend: matcher "' + name + '" must be a function');
      matchers[name] = function (received, ...args) {
        return fn.call(this, received, ...args);
      };
      // Each custom matcher is also an asymmetric one, as in Jest.
      const make = (inverse) => (...args) =>
        asymmetric(name, args, (other) => !!fn.call({ isNot: inverse, promise: '', equals, utils }, other, ...args).pass, inverse, () => name + '<' + args.map(print).join(', ') + '>');
      expect[name] = make(false);
      expect.not[name] = make(true);
    }
  };
  expect.getState = () => ({ assertionCalls: state.assertionCalls, currentTestName: state.currentTestName, expectedAssertionsNumber: state.expectedAssertions });
  expect.setState = (update) => Object.assign(state, update);

  return { expect, AssertionError, equals, matcherHint, diffOrStringify, lineDiff, print, isMock, isAsymmetric, utils };
})
