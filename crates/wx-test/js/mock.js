// Jest's `jest` object: mock functions and spies, module mocks (`jest.mock` with a factory,
// automatic mocks, `__mocks__` folders, `requireActual`), the module registry, and the fake
// timers (their own layer). Loaded the first time a test file touches `jest`.
(function (internals, deps) {
  'use strict';

  // ---------------------------------------------------------------- mock functions

  const mocks = new Set();
  const spies = new Set();
  let callOrder = 0;

  function freshState() {
    const mockState = { calls: [], instances: [], contexts: [], invocationCallOrder: [], results: [] };
    Object.defineProperty(mockState, 'lastCall', {
      get: () => (mockState.calls.length ? mockState.calls[mockState.calls.length - 1] : undefined),
      enumerable: true,
      configurable: true,
    });
    return mockState;
  }

  function fn(implementation) {
    if (implementation !== undefined && typeof implementation !== 'function') {
      throw new TypeError('jest.fn() expects a function as its implementation, received ' + internals.inspect(implementation));
    }
    let mockState = freshState();
    const config = { impl: implementation, once: [], name: 'jest.fn()', restore: null };
    const mock = function (...args) {
      const state = mockState;
      state.calls.push(args);
      const instance = state.instances.length;
      state.instances.push(this);
      state.contexts.push(this);
      state.invocationCallOrder.push(++callOrder);
      const result = { type: 'incomplete', value: undefined };
      state.results.push(result);
      const impl = config.once.length ? config.once.shift() : config.impl;
      try {
        let value;
        if (impl === undefined) value = undefined;
        else if (new.target && impl.prototype) {
          // `new` of a function or class implementation makes its instance.
          value = Reflect.construct(impl, args, new.target);
          state.instances[instance] = value;
        } else value = impl.apply(this, args);
        result.type = 'return';
        result.value = value;
        return value;
      } catch (error) {
        result.type = 'throw';
        result.value = error;
        throw error;
      }
    };
    Object.defineProperty(mock, '_isMockFunction', { value: true });
    Object.defineProperty(mock, 'mock', {
      get: () => mockState,
      set: (value) => {
        mockState = value;
      },
      configurable: true,
    });
    const chain = (update) => (...args) => {
      update(...args);
      return mock;
    };
    Object.assign(mock, {
      getMockImplementation: () => config.impl,
      getMockName: () => config.name,
      mockName: chain((name) => {
        config.name = String(name);
      }),
      mockImplementation: chain((impl) => {
        config.impl = impl;
      }),
      mockImplementationOnce: chain((impl) => {
        config.once.push(impl);
      }),
      mockReturnValue: chain((value) => {
        config.impl = () => value;
      }),
      mockReturnValueOnce: chain((value) => {
        config.once.push(() => value);
      }),
      mockResolvedValue: chain((value) => {
        config.impl = () => Promise.resolve(value);
      }),
      mockResolvedValueOnce: chain((value) => {
        config.once.push(() => Promise.resolve(value));
      }),
      mockRejectedValue: chain((value) => {
        config.impl = () => Promise.reject(value);
      }),
      mockRejectedValueOnce: chain((value) => {
        config.once.push(() => Promise.reject(value));
      }),
      mockReturnThis: chain(() => {
        config.impl = function () {
          return this;
        };
      }),
      mockClear: chain(() => {
        mockState = freshState();
      }),
      mockReset: chain(() => {
        mockState = freshState();
        config.impl = undefined;
        config.once = [];
        config.name = 'jest.fn()';
      }),
      mockRestore: chain(() => {
        mock.mockReset();
        if (config.restore) {
          config.restore();
          config.restore = null;
          spies.delete(mock);
        }
      }),
      withImplementation(impl, callback) {
        const saved = config.impl;
        const savedOnce = config.once;
        config.impl = impl;
        config.once = [];
        const done = () => {
          config.impl = saved;
          config.once = savedOnce;
        };
        let result;
        try {
          result = callback();
        } catch (error) {
          done();
          throw error;
        }
        if (result && typeof result.then === 'function') return result.then(done, (error) => {
          done();
          throw error;
        });
        done();
        return undefined;
      },
    });
    Object.defineProperty(mock, '__restore', { value: (restore) => (config.restore = restore) });
    mocks.add(mock);
    return mock;
  }

  function isMockFunction(value) {
    return typeof value === 'function' && value._isMockFunction === true;
  }

  function describeValue(value) {
    return value === null ? 'null' : typeof value;
  }

  function spyOn(object, key, accessType) {
    if (object === null || (typeof object !== 'object' && typeof object !== 'function')) {
      throw new Error('Cannot use spyOn on a primitive value; ' + describeValue(object) + ' given');
    }
    if (accessType === 'get' || accessType === 'set') return spyOnAccessor(object, key, accessType);
    const original = object[key];
    if (isMockFunction(original)) return original;
    if (original === undefined && !(key in object)) {
      throw new Error('Property `' + String(key) + '` does not exist in the provided object');
    }
    if (typeof original !== 'function') {
      throw new Error('Cannot spy on the `' + String(key) + '` property because it is not a function; ' + describeValue(original) + ' given instead');
    }
    // Read after `original`: a lazily made member (wx's API families) is a plain value by now.
    const own = Object.prototype.hasOwnProperty.call(object, key);
    const descriptor = Object.getOwnPropertyDescriptor(object, key);
    const mock = fn(function (...args) {
      return new.target ? Reflect.construct(original, args, new.target) : original.apply(this, args);
    });
    for (const name of Object.getOwnPropertyNames(original)) {
      if (!(name in mock)) {
        try {
          mock[name] = original[name];
        } catch (error) {
          // A read-only property of the original stays behind.
        }
      }
    }
    mock.__restore(() => {
      if (own && descriptor) Object.defineProperty(object, key, descriptor);
      else delete object[key];
    });
    if (descriptor && !descriptor.writable && !descriptor.set && descriptor.configurable === false) {
      throw new Error('Cannot spy on the `' + String(key) + '` property because it is not writable nor configurable');
    }
    if (own && descriptor && descriptor.configurable) {
      Object.defineProperty(object, key, { value: mock, writable: true, enumerable: descriptor.enumerable, configurable: true });
    } else {
      object[key] = mock;
    }
    spies.add(mock);
    return mock;
  }

  function spyOnAccessor(object, key, accessType) {
    let owner = object;
    let descriptor = Object.getOwnPropertyDescriptor(owner, key);
    while (!descriptor && Object.getPrototypeOf(owner)) {
      owner = Object.getPrototypeOf(owner);
      descriptor = Object.getOwnPropertyDescriptor(owner, key);
    }
    if (!descriptor) throw new Error('Property `' + String(key) + '` does not exist in the provided object');
    if (!descriptor.configurable) throw new Error('Property `' + String(key) + '` is not declared configurable');
    const original = descriptor[accessType];
    if (!original) throw new Error('Property `' + String(key) + '` does not have access type ' + accessType);
    const mock = fn(function (...args) {
      return original.apply(this, args);
    });
    const own = owner === object;
    mock.__restore(() => {
      if (own) Object.defineProperty(object, key, descriptor);
      else delete object[key];
    });
    Object.defineProperty(object, key, Object.assign({}, descriptor, { [accessType]: mock }));
    spies.add(mock);
    return mock;
  }

  function replaceProperty(object, key, value) {
    if (object === null || (typeof object !== 'object' && typeof object !== 'function')) {
      throw new Error('replaceProperty could not find an object on which to replace ' + String(key));
    }
    const descriptor = Object.getOwnPropertyDescriptor(object, key);
    if (!descriptor) throw new Error('Property `' + String(key) + '` does not exist in the provided object');
    if (descriptor.get || descriptor.set) throw new Error('Cannot replace the `' + String(key) + '` property because it has a getter or setter; use `jest.spyOn` instead');
    const restore = () => Object.defineProperty(object, key, descriptor);
    const replaced = {
      restore: () => {
        restore();
        spies.delete(replaced);
      },
      replaceValue: (next) => {
        object[key] = next;
        return replaced;
      },
      mockRestore: () => replaced.restore(),
    };
    object[key] = value;
    spies.add(replaced);
    return replaced;
  }

  // ---------------------------------------------------------------- module mocks

  // Mocks by resolved path (or `virtual:name`): { factory } | { automock } | { exports } | { unmock }.
  const moduleMocks = new Map();
  const madeMocks = new Map();

  // The file of the code that called a `jest` function, to resolve its paths from.
  function caller() {
    const site = internals.callSite();
    const match = /^(.*):\d+:\d+$/.exec(site);
    return match ? match[1] : null;
  }

  function keyOf(specifier, from) {
    try {
      return internals.resolveFrom(specifier, from);
    } catch (error) {
      return 'virtual:' + specifier;
    }
  }

  function isBare(specifier) {
    return !/^(\.|\/)/.test(specifier);
  }

  // A manual mock beside the module (`__mocks__/name.js`), or for a package in the root's
  // `__mocks__` folder.
  function manualMock(specifier, path) {
    const candidates = [];
    if (isBare(specifier) && deps.rootDir) candidates.push([deps.rootDir + '/__mocks__/' + specifier, deps.rootDir + '/.']);
    if (path && !path.startsWith('virtual:')) {
      const slash = path.lastIndexOf('/');
      const base = path.slice(slash + 1).replace(/\.(js|ts|json)$/, '');
      candidates.push([path.slice(0, slash) + '/__mocks__/' + base, path]);
    }
    for (const [candidate, from] of candidates) {
      try {
        const found = internals.resolveFrom(candidate, from);
        if (found !== path) return found;
      } catch (error) {
        // No manual mock there.
      }
    }
    return null;
  }

  function automock(value, seen = new Map()) {
    if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return value;
    if (seen.has(value)) return seen.get(value);
    if (Array.isArray(value)) return [];
    let out;
    if (typeof value === 'function') {
      out = fn();
      if (value.name) out.mockName(value.name);
      seen.set(value, out);
      if (value.prototype) {
        for (const name of Object.getOwnPropertyNames(value.prototype)) {
          if (name === 'constructor') continue;
          const descriptor = Object.getOwnPropertyDescriptor(value.prototype, name);
          if (descriptor && typeof descriptor.value === 'function') out.prototype[name] = fn();
        }
      }
      for (const name of Object.getOwnPropertyNames(value)) {
        if (['length', 'name', 'prototype', 'arguments', 'caller'].includes(name)) continue;
        const descriptor = Object.getOwnPropertyDescriptor(value, name);
        if (descriptor && 'value' in descriptor) out[name] = automock(descriptor.value, seen);
      }
      return out;
    }
    out = {};
    seen.set(value, out);
    for (let o = value; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
      for (const name of Object.getOwnPropertyNames(o)) {
        if (name === 'constructor' || name in out) continue;
        let member;
        try {
          member = value[name];
        } catch (error) {
          continue;
        }
        out[name] = automock(member, seen);
      }
    }
    if (value.__esModule) Object.defineProperty(out, '__esModule', { value: true });
    return out;
  }

  // Runs `callback` with a module registry of its own (and no mocks made yet), as Jest runs
  // isolateModules and the module an automatic mock is generated from.
  function isolated(callback) {
    const saved = internals.resetModules();
    const savedMocks = new Map(madeMocks);
    madeMocks.clear();
    try {
      return callback();
    } finally {
      internals.restoreModules(saved);
      madeMocks.clear();
      for (const [k, v] of savedMocks) madeMocks.set(k, v);
    }
  }

  // An automatic mock of the module, generated from it run in isolation.
  const automockOf = (specifier, from) => automock(isolated(() => internals.requireFrom(specifier, from)));

  function mockExports(key, entry, specifier, from) {
    if (madeMocks.has(key)) return madeMocks.get(key);
    let exports;
    if ('exports' in entry) exports = entry.exports;
    else if (entry.factory) exports = entry.factory();
    else {
      const manual = manualMock(specifier, key);
      exports = manual ? internals.requireFrom(manual, null) : automockOf(specifier, from);
    }
    madeMocks.set(key, exports);
    return exports;
  }

  // Answers `require` (installed as the host's require hook): a mocked module, a mapped one
  // (moduleNameMapper), a package's manual mock in the root's `__mocks__`, or null.
  function requireHook(specifier, from, original) {
    if (moduleMocks.size || deps.rootDir) {
      const key = keyOf(specifier, from);
      const entry = moduleMocks.get(key);
      if (entry) {
        if (!entry.unmock) return { exports: mockExports(key, entry, specifier, from) };
      } else if (isBare(specifier) && deps.rootDir && !specifier.startsWith('wxrun') && !key.startsWith('virtual:') && key.includes('/')) {
        const manual = manualMock(specifier, null);
        if (manual) return { exports: mockExports(key, { factory: () => internals.requireFrom(manual, null) }, specifier, from) };
      }
    }
    if (specifier !== original) return { exports: internals.requireFrom(specifier, from) };
    return null;
  }

  function installHook() {
    if (!internals.hooks.require) internals.hooks.require = (specifier, from) => requireHook(specifier, from, specifier);
  }

  function mock(specifier, factory, options) {
    if (factory !== undefined && typeof factory !== 'function') {
      throw new TypeError('The second argument of jest.mock must be an inline function, received ' + internals.inspect(factory));
    }
    const from = caller();
    const key = keyOf(specifier, from);
    if (key.startsWith('virtual:') && !(options && options.virtual) && !factory) {
      // Resolution fails the same way a require would.
      internals.resolveFrom(specifier, from);
    }
    moduleMocks.set(key, factory ? { factory } : { automock: true });
    madeMocks.delete(key);
    installHook();
    return jestObject;
  }

  function unmock(specifier) {
    const key = keyOf(specifier, caller());
    moduleMocks.set(key, { unmock: true });
    madeMocks.delete(key);
    return jestObject;
  }

  const jestObject = {
    fn,
    spyOn,
    replaceProperty,
    isMockFunction,
    mocked: (value) => value,
    clearAllMocks() {
      for (const m of mocks) m.mockClear();
      return jestObject;
    },
    resetAllMocks() {
      for (const m of mocks) m.mockReset();
      return jestObject;
    },
    restoreAllMocks() {
      for (const spy of Array.from(spies)) (spy.mockRestore || spy.restore)();
      spies.clear();
      return jestObject;
    },
    mock,
    doMock: mock,
    unmock,
    dontMock: unmock,
    deepUnmock: unmock,
    setMock(specifier, exports) {
      const key = keyOf(specifier, caller());
      moduleMocks.set(key, { exports });
      madeMocks.set(key, exports);
      installHook();
      return jestObject;
    },
    requireActual: (specifier) => internals.requireFrom(specifier, caller()),
    requireMock(specifier) {
      const from = caller();
      const key = keyOf(specifier, from);
      return mockExports(key, moduleMocks.get(key) || { automock: true }, specifier, from);
    },
    createMockFromModule: (specifier) => automockOf(specifier, caller()),
    genMockFromModule: (specifier) => automockOf(specifier, caller()),
    resetModules() {
      internals.resetModules();
      madeMocks.clear();
      return jestObject;
    },
    isolateModules(callback) {
      isolated(callback);
      return jestObject;
    },
    setTimeout(ms) {
      deps.setTestTimeout(ms);
      return jestObject;
    },
    requireHook,
  };

  // Fake timers live in their own layer, made on first use.
  for (const name of [
    'useFakeTimers',
    'useRealTimers',
    'advanceTimersByTime',
    'advanceTimersByTimeAsync',
    'advanceTimersToNextTimer',
    'advanceTimersToNextTimerAsync',
    'runAllTimers',
    'runAllTimersAsync',
    'runOnlyPendingTimers',
    'runOnlyPendingTimersAsync',
    'runAllTicks',
    'clearAllTimers',
    'getTimerCount',
    'now',
    'setSystemTime',
    'getRealSystemTime',
    'isFakeTimers',
  ]) {
    jestObject[name] = (...args) => {
      const result = deps.fakeTimers()[name](...args);
      return result === undefined ? jestObject : result;
    };
  }
  return jestObject;
})
