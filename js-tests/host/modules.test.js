// CommonJS as mini-programs use it, and built-ins.
test('relative requires, extensions, folders and JSON', () => {
  expect(require('../../fixtures/run/modules/sibling').name).toBe('sibling');
  expect(require('../../fixtures/run/modules/sibling.js').name).toBe('sibling');
  expect(require('../../fixtures/run/modules/lib').name).toBe('lib-index');
  expect(require('../../fixtures/run/modules/data').name).toBe('json');
  expect(require('../../fixtures/run/modules/pkgs/use-dep').name).toBe('dep-package');
});

test('modules are cached by resolved path', () => {
  const a = require('../../fixtures/run/modules/sibling');
  const b = require('../../fixtures/run/modules/sibling.js');
  expect(a).toBe(b);
});

test('a missing module throws MODULE_NOT_FOUND naming paths and requester', () => {
  let error;
  try {
    require('./does-not-exist');
  } catch (e) {
    error = e;
  }
  expect(error.code).toBe('MODULE_NOT_FOUND');
  expect(error.message).toContain("Cannot find module './does-not-exist'");
  expect(error.message).toContain('modules.test.js');
  expect(error.message).toContain('does-not-exist.js');
});

test('__filename, __dirname and the wxrun built-in', () => {
  expect(__filename.endsWith('js-tests/host/modules.test.js')).toBe(true);
  expect(__dirname.endsWith('js-tests/host')).toBe(true);
  const wxrun = require('wxrun');
  expect(Array.isArray(wxrun.args)).toBe(true);
  expect(typeof wxrun.exit).toBe('function');
  expect(require.resolve('wxrun')).toBe('wxrun');
});
