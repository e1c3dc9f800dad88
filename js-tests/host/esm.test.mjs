// ES modules: imports of the built-in, CommonJS and JSON, and top-level await before tests.
import { test, expect, inspect } from 'wxrun';
import cjs, { name } from '../../fixtures/run/esm/cjs.js';
import data from '../../fixtures/run/esm/data.json';
import { twice } from '../../fixtures/run/esm/util.mjs';

const loaded = await new Promise((resolve) => setTimeout(() => resolve('after await'), 5));

test('imports of every kind', () => {
  expect(twice(21)).toBe(42);
  expect(cjs.name).toBe('commonjs');
  expect(name).toBe('commonjs');
  expect(data).toEqual({ ok: true });
  expect(inspect([1])).toBe('[ 1 ]');
});

test('tests registered after top-level await run', () => {
  expect(loaded).toBe('after await');
});
