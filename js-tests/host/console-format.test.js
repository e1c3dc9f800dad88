// console formatting (through require('wxrun').inspect / format, which console uses).
const { inspect, format } = require('wxrun');

describe('inspect', () => {
  test('primitives at the top level are raw, nested strings quoted', () => {
    expect(inspect('text')).toBe('text');
    expect(inspect(['text'])).toBe("[ 'text' ]");
    expect(inspect(-0)).toBe('-0');
    expect(inspect(10n)).toBe('10n');
    expect(inspect(undefined)).toBe('undefined');
    expect(inspect(null)).toBe('null');
    expect(inspect(Symbol('s'))).toBe('Symbol(s)');
  });

  test('objects, arrays and nesting are depth-limited', () => {
    expect(inspect({ a: 1, b: 'x' })).toBe("{ a: 1, b: 'x' }");
    expect(inspect({ a: { b: { c: { d: 1 } } } })).toBe('{ a: { b: { c: [Object] } } }');
    expect(inspect([[[[1]]]])).toBe('[ [ [ [Array] ] ] ]');
    expect(inspect({ 'needs quotes': 1 })).toBe("{ 'needs quotes': 1 }");
    expect(inspect({})).toBe('{}');
    expect(inspect([])).toBe('[]');
  });

  test('long values break across lines', () => {
    const text = inspect({ first: 'a'.repeat(30), second: 'b'.repeat(30), third: 'c'.repeat(30) });
    expect(text.split('\n')).toHaveLength(5);
    expect(text.startsWith('{\n  first:')).toBe(true);
  });

  test('circular references are marked', () => {
    const o = { name: 'loop' };
    o.self = o;
    expect(inspect(o)).toBe("{ name: 'loop', self: [Circular *1] }");
  });

  test('binary data shows its bytes', () => {
    expect(inspect(new Uint8Array([1, 2, 255]).buffer)).toBe('ArrayBuffer { [Uint8Contents]: <01 02 ff>, byteLength: 3 }');
    expect(inspect(new Uint8Array([1, 2]))).toBe('Uint8Array(2) [ 1, 2 ]');
  });

  test('collections, classes, functions, dates', () => {
    expect(inspect(new Map([['k', 1]]))).toBe("Map(1) { 'k' => 1 }");
    expect(inspect(new Set([1, 2]))).toBe('Set(2) { 1, 2 }');
    class Point {
      constructor() {
        this.x = 1;
      }
    }
    expect(inspect(new Point())).toBe('Point { x: 1 }');
    expect(inspect(function named() {})).toBe('[Function: named]');
    expect(inspect(class Thing {})).toBe('[class Thing]');
    expect(inspect(new Date(0))).toBe('1970-01-01T00:00:00.000Z');
    expect(inspect(Object.create(null))).toBe('[Object: null prototype] {}');
  });

  test('errors show name, message, extra fields and the user stack', () => {
    const error = new TypeError('bad');
    error.code = 'E_BAD';
    const text = inspect(error);
    expect(text).toMatch(/^TypeError: bad \{ code: 'E_BAD' \}\n/);
    expect(text).toContain('console-format.test.js:');
    expect(text).not.toContain('wxrun:internal');
  });
});

describe('format', () => {
  test('printf-style specifiers', () => {
    expect(format('%s is %d years', 'Bob', 42)).toBe('Bob is 42 years');
    expect(format('%i|%f|%j', 3.9, '1.5', { a: 1 })).toBe('3|1.5|{"a":1}');
    expect(format('%o', [1])).toBe('[ 1 ]');
    expect(format('100%% %s', 'done')).toBe('100% done');
    expect(format('%s', 'a', 'extra', 1)).toBe("a extra 1");
    expect(format('no specifiers', { a: 1 })).toBe('no specifiers { a: 1 }');
    expect(format('%c styled', 'color: red')).toBe(' styled');
  });
});
