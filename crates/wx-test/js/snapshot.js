// Snapshots of one test file in Jest's format: `__snapshots__/<file>.snap` beside the test
// file (existing files are read as Jest wrote them), inline snapshots written back into the
// test source, `-u` to update, CI behaviour (a missing snapshot fails instead of being
// written), and the obsolete ones counted. Loaded on first use.
(function (internals, native, deps) {
  'use strict';

  const { pretty, expect, state } = deps;
  const HEADER = '// Jest Snapshot v1, https://goo.gl/fbAQLP';
  const file = deps.file;
  const slash = file.lastIndexOf('/');
  const snapPath = file.slice(0, slash) + '/__snapshots__/' + file.slice(slash + 1) + '.snap';
  const update = deps.update; // 'all' (-u), 'new' (default) or 'none' (CI)

  // What the file held, what this run made of it, and what was checked.
  let stored = null;
  const data = {};
  const checked = new Set();
  const counters = new Map();
  const counts = { added: 0, updated: 0, matched: 0, unmatched: 0 };
  let dirty = false;
  const inline = [];

  function printBacktickString(text) {
    return '`' + text.replace(/`|\\|\$\{/g, '\\$&') + '`';
  }

  const normalizeNewlines = (text) => text.replace(/\r\n|\r/g, '\n');
  const addExtraLineBreaks = (text) => (text.includes('\n') ? '\n' + text + '\n' : text);

  function read() {
    if (stored) return;
    stored = {};
    const text = native.readFile(snapPath);
    if (text === undefined) return;
    const version = /^\/\/ Jest Snapshot v(\d+)/.exec(text);
    if (version && version[1] !== '1') {
      throw new Error(snapPath + ': snapshot file version ' + version[1] + ' is not supported (Jest writes v1); update it with -u');
    }
    const exported = {};
    try {
      new Function('exports', text)(exported);
    } catch (error) {
      throw new Error(snapPath + ': cannot read the snapshot file: ' + error.message);
    }
    Object.assign(stored, exported);
    Object.assign(data, exported);
  }

  // Jest's natural order of keys: numbers inside names compare as numbers.
  function naturalCompare(a, b) {
    const chunks = (s) => s.match(/(\d+|\D+)/g) || [];
    const x = chunks(a);
    const y = chunks(b);
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      if (x[i] === y[i]) continue;
      const nx = /^\d/.test(x[i]);
      const ny = /^\d/.test(y[i]);
      if (nx && ny) return Number(x[i]) - Number(y[i]) || (x[i] < y[i] ? -1 : 1);
      return x[i] < y[i] ? -1 : 1;
    }
    return x.length - y.length;
  }

  function serialize(value) {
    return normalizeNewlines(pretty.forSnapshot(value));
  }

  // Received, with the asymmetric property matchers put in the places they matched.
  function merged(received, matchers) {
    if (!received || typeof received !== 'object' || !matchers || typeof matchers !== 'object' || expect.isAsymmetric(matchers)) {
      return matchers !== undefined && expect.isAsymmetric(matchers) ? matchers : received;
    }
    const out = Array.isArray(received) ? received.slice() : Object.assign(Object.create(Object.getPrototypeOf(received)), received);
    for (const key of Object.keys(matchers)) out[key] = merged(received[key], matchers[key]);
    return out;
  }

  // Jest's stripAddedIndentation: the indentation an inline snapshot got in the source.
  function stripIndentation(snapshot) {
    const match = /^([^\S\n]*)\S/m.exec(snapshot);
    if (!match || !match[1]) return snapshot;
    const indentation = match[1];
    const lines = snapshot.split('\n');
    if (lines.length <= 2 || lines[0].trim() !== '' || lines[lines.length - 1].trim() !== '') return snapshot;
    for (let i = 1; i < lines.length - 1; i++) {
      if (lines[i] === '') continue;
      if (lines[i].indexOf(indentation) !== 0) return snapshot;
      lines[i] = lines[i].slice(indentation.length);
    }
    lines[lines.length - 1] = '';
    return lines.join('\n');
  }

  function nameOf(hint) {
    const test = state.currentTestName;
    if (test === undefined) throw new Error('Snapshot matchers cannot be used outside of a test');
    const base = hint ? test + ': ' + hint : test;
    const count = (counters.get(base) || 0) + 1;
    counters.set(base, count);
    return base + ' ' + count;
  }

  function thrownBy(received, ctx) {
    if (ctx.promise === 'rejects') return { value: received };
    if (typeof received !== 'function') return null;
    try {
      received();
    } catch (error) {
      return { value: error };
    }
    return null;
  }

  function result(pass, message) {
    return { pass, message: () => message };
  }

  function match(matcher, received, args, ctx) {
    const isInline = matcher.endsWith('InlineSnapshot');
    const throwing = matcher.startsWith('toThrowError');
    const hintArgs = [];
    let propertyMatchers;
    let hint;
    let inlineSnapshot;
    if (throwing) {
      if (isInline) inlineSnapshot = args[0];
      else hint = args[0];
    } else if (typeof args[0] === 'object' && args[0] !== null) {
      propertyMatchers = args[0];
      hintArgs.push('properties');
      if (isInline) inlineSnapshot = args[1];
      else hint = args[1];
    } else if (isInline) inlineSnapshot = args[0];
    else hint = args[0];
    if (hint !== undefined) hintArgs.push('hint');
    if (isInline && inlineSnapshot !== undefined) hintArgs.push('snapshot');
    const header = expect.matcherHint(matcher, 'received', hintArgs.join(', '), ctx);
    if (ctx.isNot) {
      return result(false, header + '\n\nMatcher error: Snapshot matchers cannot be used with not');
    }
    if (isInline && inlineSnapshot !== undefined && typeof inlineSnapshot !== 'string') {
      throw new Error(header + '\n\nMatcher error: Inline snapshot must be a string');
    }
    let value = received;
    if (throwing) {
      const thrown = thrownBy(received, ctx);
      if (!thrown) return result(false, header + '\n\nReceived function did not throw');
      value = thrown.value && typeof thrown.value === 'object' && 'message' in thrown.value ? thrown.value.message : thrown.value;
    }
    const key = nameOf(hint);
    if (propertyMatchers) {
      if (!expect.equals(value, propertyMatchers, false, [], true)) {
        counts.unmatched++;
        checked.add(key);
        return result(false, header + '\n\nSnapshot name: `' + key + '`\n\n' + expect.diffOrStringify(propertyMatchers, value, ['Expected properties', 'Received value']));
      }
      value = merged(value, propertyMatchers);
    }
    const serialized = serialize(value);
    const receivedText = addExtraLineBreaks(serialized);
    let expected;
    if (isInline) {
      expected = inlineSnapshot === undefined ? undefined : stripIndentation(normalizeNewlines(inlineSnapshot));
    } else {
      read();
      expected = data[key];
    }
    checked.add(key);
    const exists = expected !== undefined;
    const pass = exists && expected === (isInline && !expected.includes('\n') ? serialized : receivedText);
    const write = (exists && !pass && update === 'all') || (!exists && (update === 'new' || update === 'all'));
    if (pass) {
      counts.matched++;
      return result(true, '');
    }
    if (write) {
      if (exists) counts.updated++;
      else counts.added++;
      if (isInline) {
        const site = internals.callSite();
        const at = /^(.*):(\d+):(\d+)$/.exec(site);
        if (!at) throw new Error('cannot tell where the inline snapshot is to be written (' + site + ')');
        inline.push({ file: at[1], line: Number(at[2]), column: Number(at[3]), snapshot: serialized });
      } else {
        data[key] = receivedText;
        dirty = true;
      }
      return result(true, '');
    }
    counts.unmatched++;
    if (!exists) {
      return result(
        false,
        header + '\n\nSnapshot name: `' + key + '`\n\nNew snapshot was not written. The update flag must be explicitly passed to write a new snapshot.\n\n' +
          (deps.ci ? 'This is likely because this test is run in a continuous integration (CI) environment in which snapshots are not written by default.\n\n' : '') +
          'Received:' + (serialized.includes('\n') ? '\n' : ' ') + serialized,
      );
    }
    const stripped = expected.startsWith('\n') && expected.endsWith('\n') ? expected.slice(1, -1) : expected;
    return result(false, header + '\n\nSnapshot name: `' + key + '`\n\n' + expect.lineDiff(stripped, serialized, ['Snapshot', 'Received']));
  }

  // After the file's tests: writes what changed and reports the counts. `kept` names the tests
  // that did not run or failed, whose snapshots are not obsolete.
  function finish(kept) {
    read();
    const keptNames = new Set(kept);
    const obsolete = Object.keys(data).filter((key) => !checked.has(key) && !keptNames.has(key.replace(/ \d+$/, '')) && !keptNames.has(key.replace(/: .* \d+$/, '')));
    let removed = 0;
    if (update === 'all' && obsolete.length) {
      for (const key of obsolete) delete data[key];
      removed = obsolete.length;
      dirty = true;
    }
    let fileRemoved = false;
    if (dirty) {
      const keys = Object.keys(data).sort(naturalCompare);
      if (keys.length === 0) {
        fileRemoved = native.removeFile(snapPath);
      } else {
        const body = keys.map((key) => 'exports[' + printBacktickString(key) + '] = ' + printBacktickString(normalizeNewlines(data[key])) + ';').join('\n\n');
        native.writeFile(snapPath, HEADER + '\n\n' + body + '\n');
      }
    }
    if (inline.length) {
      const byFile = new Map();
      for (const entry of inline) {
        if (!byFile.has(entry.file)) byFile.set(entry.file, []);
        byFile.get(entry.file).push(entry);
      }
      for (const [target, entries] of byFile) native.writeInlineSnapshots(target, JSON.stringify(entries));
    }
    return {
      added: counts.added,
      updated: counts.updated,
      matched: counts.matched,
      unmatched: counts.unmatched,
      obsolete: update === 'all' ? [] : obsolete,
      removed,
      fileRemoved,
      file: snapPath,
    };
  }

  return { match, finish };
})
