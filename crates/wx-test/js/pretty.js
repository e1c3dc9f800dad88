// Values printed as Jest prints them (its pretty-format): in snapshots, in failure messages
// (one line, `min`) and in diffs (`Object {`, `Array [`). Loaded on first use.
(function () {
  'use strict';

  const AsymmetricTag = Symbol.for('wxrun.asymmetric');

  function constructorName(value) {
    return (typeof value.constructor === 'function' && value.constructor.name) || 'Object';
  }

  function printString(text, config) {
    return config.escapeString ? '"' + text.replace(/"|\\/g, '\\$&') + '"' : '"' + text + '"';
  }

  function printNumber(value) {
    return Object.is(value, -0) ? '-0' : String(value);
  }

  function printFunction(value, config) {
    if (value._isMockFunction === true) {
      const name = value.getMockName();
      return name === 'jest.fn()' ? '[MockFunction]' : '[MockFunction ' + name + ']';
    }
    return config.printFunctionName ? '[Function ' + (value.name || 'anonymous') + ']' : '[Function]';
  }

  function printBasic(value, config) {
    if (value === null) return 'null';
    if (value === undefined) return 'undefined';
    if (value === true || value === false) return String(value);
    switch (typeof value) {
      case 'number':
        return printNumber(value);
      case 'bigint':
        return String(value) + 'n';
      case 'string':
        return printString(value, config);
      case 'symbol':
        return String(value);
      case 'function':
        return value._isMockFunction === true ? null : printFunction(value, config);
      default:
        break;
    }
    const tag = Object.prototype.toString.call(value);
    if (tag === '[object Date]') return isNaN(value.getTime()) ? 'Date { NaN }' : value.toISOString();
    if (tag === '[object RegExp]') return config.escapeRegex ? String(value).replace(/[\\^$*+?.()|[\]{}]/g, '\\$&') : String(value);
    if (tag === '[object Error]' || value instanceof Error) return '[' + Error.prototype.toString.call(value) + ']';
    return null;
  }

  function keysOf(value) {
    const keys = Object.keys(value).sort();
    const symbols = Object.getOwnPropertySymbols(value).filter((s) => Object.getOwnPropertyDescriptor(value, s).enumerable);
    return keys.concat(symbols);
  }

  function printKey(key, config) {
    return typeof key === 'symbol' ? String(key) : printString(key, config);
  }

  function items(list, indentation, depth, refs, config, printItem) {
    if (list.length === 0) return '';
    if (config.min) return list.map((item) => printItem(item, indentation, depth, refs)).join(', ');
    const inner = indentation + config.indent;
    return '\n' + list.map((item) => inner + printItem(item, inner, depth, refs) + ',').join('\n') + '\n' + indentation;
  }

  function printComplex(value, indentation, depth, refs, config) {
    if (refs.includes(value)) return '[Circular]';
    refs = refs.concat([value]);
    const hitMaxDepth = ++depth > config.maxDepth;
    const tag = Object.prototype.toString.call(value);
    const prefix = (name, basic) => (config.min || (!config.printBasicPrototype && name === basic) ? '' : name + ' ');
    const print = (v, ind, d, r) => printValue(v, ind, d, r, config);
    if (value[AsymmetricTag]) {
      // Asymmetric matchers print as their name and sample: `ObjectContaining {...}`.
      const name = value.toString();
      if (name === 'ArrayContaining' || name === 'ArrayNotContaining') {
        return hitMaxDepth ? '[' + name + ']' : name + ' [' + items(Array.from(value.sample), indentation, depth, refs, config, print) + ']';
      }
      if (name === 'ObjectContaining' || name === 'ObjectNotContaining') {
        return hitMaxDepth ? '[' + name + ']' : name + ' {' + items(keysOf(value.sample), indentation, depth, refs, config, (key, ind, d, r) => printKey(key, config) + ': ' + print(value.sample[key], ind, d, r)) + '}';
      }
      if (/^String(Not)?(Matching|Containing)$/.test(name)) return name + ' ' + print(value.sample, indentation, depth, refs);
      return value.toAsymmetricMatcher();
    }
    if (typeof value === 'function') {
      // A called mock function shows its calls and results.
      const name = printFunction(value, config);
      if (value.mock.calls.length === 0) return name;
      const fields = { calls: value.mock.calls, results: value.mock.results };
      if (hitMaxDepth) return name;
      return name + ' {' + items(Object.keys(fields), indentation, depth, refs, config, (key, ind, d, r) => printKey(key, config) + ': ' + print(fields[key], ind, d, r)) + '}';
    }
    if (tag === '[object Arguments]') {
      return hitMaxDepth ? '[Arguments]' : (config.min ? '' : 'Arguments ') + '[' + items(Array.from(value), indentation, depth, refs, config, print) + ']';
    }
    if (Array.isArray(value) || ArrayBuffer.isView(value)) {
      const name = constructorName(value);
      if (hitMaxDepth) return '[' + name + ']';
      return prefix(name, 'Array') + '[' + items(Array.from(value), indentation, depth, refs, config, print) + ']';
    }
    if (tag === '[object Map]') {
      if (hitMaxDepth) return '[Map]';
      return 'Map {' + items(Array.from(value.entries()), indentation, depth, refs, config, ([k, v], ind, d, r) => print(k, ind, d, r) + ' => ' + print(v, ind, d, r)) + '}';
    }
    if (tag === '[object Set]') {
      if (hitMaxDepth) return '[Set]';
      return 'Set {' + items(Array.from(value.values()), indentation, depth, refs, config, print) + '}';
    }
    const name = constructorName(value);
    if (hitMaxDepth) return '[' + name + ']';
    return prefix(name, 'Object') + '{' + items(keysOf(value), indentation, depth, refs, config, (key, ind, d, r) => printKey(key, config) + ': ' + print(value[key], ind, d, r)) + '}';
  }

  function printValue(value, indentation, depth, refs, config) {
    const basic = printBasic(value, config);
    if (basic !== null) return basic;
    return printComplex(value, indentation, depth, refs, config);
  }

  const defaults = { indent: '  ', maxDepth: Infinity, min: false, escapeString: true, escapeRegex: false, printFunctionName: true, printBasicPrototype: true };

  function format(value, options) {
    const config = Object.assign({}, defaults, options);
    config.indent = config.min ? '' : config.indent;
    return printValue(value, '', 0, [], config);
  }

  // The forms Jest uses: snapshots (Jest 29's snapshotFormat), messages (one line, at most 10
  // levels deep), and diffs.
  const forSnapshot = (value) => format(value, { escapeString: false, printBasicPrototype: false, escapeRegex: true, printFunctionName: false });
  const forMessage = (value) => {
    let text = format(value, { min: true, maxDepth: 10 });
    for (let depth = 9; text.length > 10000 && depth > 0; depth--) text = format(value, { min: true, maxDepth: depth });
    return text;
  };
  const forDiff = (value) => format(value, { indent: '  ' });

  return { format, forSnapshot, forMessage, forDiff, AsymmetricTag };
})
