// Every documented wx API, called at the newest base library the way app code calls it: an
// options object with callbacks, the Promise form where the API has one, listener pairs,
// *Sync forms, and every method of the objects factories return. Each must be present, must
// not throw, and an async one must complete within 2 s. The shapes come from the surface
// table (crates/wx-api/data/surface.json); the list from the inventory.
const inventory = require('../../crates/wx-policy/data/wx_api_inventory.json').apis;
const surface = require('../../crates/wx-api/data/surface.json');

const LIMIT_MS = 2000;

// Real network APIs get addresses their rules refuse before anything is sent (a host not in
// the domain lists), so that this test never leaves the machine and never scans the LAN;
// they still return their tasks.
const SAFE_OPTIONS = {
  request: { url: 'https://unlisted.wxrun.test/every-api' },
  downloadFile: { url: 'https://unlisted.wxrun.test/every-api' },
  uploadFile: { url: 'https://unlisted.wxrun.test/every-api', filePath: 'wxfile://usr/none', name: 'file' },
  connectSocket: { url: 'wss://unlisted.wxrun.test/every-api' },
  startLocalServiceDiscovery: { serviceType: '' },
};
const SAFE_METHOD_ARGS = {
  'UDPSocket.bind': [],
  'UDPSocket.connect': [{ address: '', port: 0 }],
  'UDPSocket.send': [{ address: '', port: 0, message: 'x' }],
  'TCPSocket.connect': [{ address: '', port: 0 }],
};
// Methods that end an object's life run after its others.
const LAST = ['close', 'destroy', 'terminate', 'abort', 'disconnect', 'stop'];

// A value of the first type a check names.
function sample(types) {
  switch (types && types[0]) {
    case 'String':
      return 'x';
    case 'Number':
      return 1;
    case 'Boolean':
      return true;
    case 'Array':
      return ['x'];
    case 'ArrayBuffer':
      return new ArrayBuffer(1);
    case 'Function':
      return () => {};
    case 'Object':
      return {};
    default:
      return undefined;
  }
}

function optionsFor(name, entry) {
  if (SAFE_OPTIONS[name]) return Object.assign({}, SAFE_OPTIONS[name]);
  const options = {};
  for (const [field, types] of Object.entries(entry.checks || {})) options[field] = sample(types);
  return options;
}

function argsFor(name, entry) {
  if (SAFE_METHOD_ARGS[name]) return SAFE_METHOD_ARGS[name];
  const args = (entry.args || []).filter(([, , required]) => required).map(([, types]) => sample(types));
  if (entry.callback && args.length <= entry.callback.at) args[entry.callback.at] = () => {};
  return args;
}

function within(promise, what) {
  let timer;
  const deadline = new Promise((resolve) => {
    timer = setTimeout(() => resolve('no answer within ' + LIMIT_MS + ' ms: ' + what), LIMIT_MS);
  });
  return Promise.race([promise.then(() => null, () => null), deadline]).finally(() => clearTimeout(timer));
}

// A Sync method of a real object may fail as phones fail: an Error whose message is the
// errMsg.
const platformFailure = (name, error) => /Sync$/.test(name) && error instanceof Error && /^\w+:fail /.test(error.message);

// Calls `fn` as app code calls an API of `entry`'s kind; returns what went wrong, or null.
async function exercise(name, entry, fn, self) {
  const call = (...args) => fn.apply(self, args);
  try {
    switch (entry.kind) {
      case 'async': {
        let task;
        const done = new Promise((resolve) => {
          const options = optionsFor(name, entry);
          options.complete = resolve;
          task = call(...(entry.at ? [...Array(entry.at).fill('x'), options] : [options]));
        });
        const late = await within(done, name + ' complete');
        if (late) return late;
        if (entry.returns && !visited.has(entry.returns)) {
          visited.add(entry.returns);
          const problem = await exerciseObject(entry.returns, task, name);
          if (problem) return problem;
        }
        if (entry.promise && !entry.returns) {
          const returned = call(optionsFor(name, entry));
          if (!returned || typeof returned.then !== 'function') return name + ' has a Promise form but returned ' + typeof returned;
          const settled = await within(returned, name + ' Promise');
          if (settled) return settled;
        }
        return null;
      }
      case 'on': {
        const listener = () => {};
        call(listener);
        return null;
      }
      case 'off':
        call(() => {});
        call();
        return null;
      default: {
        const value = call(...argsFor(name, entry));
        if (entry.kind === 'factory' && entry.returns && !entry.chainable) return await exerciseObject(entry.returns, value, name);
        return null;
      }
    }
  } catch (error) {
    if (platformFailure(name, error)) return null;
    return name + ' threw ' + (error && error.message);
  }
}

// Every method and property of an object of `interfaceName`, and one level of the objects
// its methods return.
const visited = new Set();
async function exerciseObject(interfaceName, object, from) {
  const description = surface.interfaces[interfaceName];
  if (!description) return from + ' returned ' + interfaceName + ', which the table does not describe';
  if (object === null || typeof object !== 'object') return from + ' returned ' + String(object) + ' instead of ' + interfaceName;
  const problems = [];
  const methods = Object.keys(description.methods).sort((a, b) => LAST.includes(a) - LAST.includes(b));
  for (const method of methods) {
    const full = interfaceName + '.' + method;
    if (typeof object[method] !== 'function') {
      problems.push(full + ' is missing');
      continue;
    }
    const entry = description.methods[method];
    const nested = entry.returns && !entry.chainable && !visited.has(entry.returns);
    if (nested) visited.add(entry.returns);
    const problem = await exercise(full, nested ? entry : Object.assign({}, entry, { kind: entry.kind === 'factory' ? 'sync' : entry.kind }), object[method], object);
    if (problem) problems.push(problem);
  }
  for (const property of Object.keys(description.properties || {})) {
    if (!(property in object)) problems.push(interfaceName + '.' + property + ' is missing');
  }
  return problems.length ? problems.join('\n') : null;
}

test('every inventory API is on wx and answers without throwing', async () => {
  const problems = [];
  const names = Object.keys(inventory).sort();
  expect(names.length).toBe(483);
  for (const name of names) {
    const entry = surface.apis[name];
    if (typeof wx[name] !== 'function') {
      problems.push('wx.' + name + ' is missing');
      continue;
    }
    if (!wx.canIUse(name)) problems.push('wx.canIUse(' + JSON.stringify(name) + ') is false');
    const problem = await exercise(name, entry, wx[name], wx);
    if (problem) problems.push(problem);
  }
  expect(problems).toEqual([]);
}, 120000);
