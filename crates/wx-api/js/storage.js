// Storage: setStorage/getStorage/removeStorage/clearStorage/getStorageInfo, their Sync forms and
// the batch functions, over one store per appid (native.storage) with the phone's limits.
//
// Values are kept as text: JSON for what JSON can hold, and a one-letter tag for the two kinds
// the platform keeps that JSON cannot: a Date ("D" + milliseconds) and undefined ("U").
// JSON text never starts with either letter.
(function (core) {
  'use strict';
  const { native, define, asyncCall, okResult, failResult, checkParam, failNow } = core;
  // The store, with --trace showing every write: the keys and the size of what was stored.
  // Keys reach it as USV strings (wx-bridge's Text): a key with a lone surrogate is kept, and
  // found again, under its U+FFFD form.
  const raw = native.storage;
  const traced = (text) => core.tracing.on && core.trace('storage', text);
  const store = {
    get: (key) => raw.get(key),
    info: () => raw.info(),
    set(keys, texts) {
      const reason = raw.set(keys, texts);
      traced('set ' + keys.map((key, i) => key + ' (' + texts[i].length + ' chars)').join(', ') + (reason ? ' -> fail ' + reason : ''));
      return reason;
    },
    remove(key) {
      raw.remove(key);
      traced('remove ' + key);
    },
    clear() {
      raw.clear();
      traced('clear');
    },
  };

  function encode(data) {
    if (data === undefined) return 'U';
    if (data instanceof Date) return 'D' + data.getTime();
    const text = JSON.stringify(data);
    // Functions and symbols on their own stringify to undefined; phones keep nothing for them.
    return text === undefined ? 'U' : text;
  }

  function decode(text) {
    if (text === 'U') return undefined;
    if (text[0] === 'D') return new Date(Number(text.slice(1)));
    return JSON.parse(text);
  }

  // The encoded value, or why it cannot be encoded (a cycle, a BigInt).
  function tryEncode(data) {
    try {
      return { text: encode(data) };
    } catch (error) {
      return { unstorable: String(error && error.message) };
    }
  }

  const succeeded = (result) => result.errMsg.endsWith(':ok');

  // Sync forms throw an Error whose message is the errMsg, as on phones.
  function orThrow(result) {
    if (succeeded(result)) return result;
    const error = new Error(result.errMsg);
    if (result.errno !== undefined) error.errno = result.errno;
    throw error;
  }

  // The async form of `run(opts) → result`: answered as a macrotask, Promise style when no
  // callback is given.
  function answered(api, options, run) {
    const opts = options || {};
    return asyncCall(api, opts, (settle) => {
      const result = run(opts);
      settle(succeeded(result), result);
    }, { promise: true });
  }

  // A key that is not a string fails at once (async forms) or throws (sync forms).
  function keyed(api, run) {
    return (options) => {
      const opts = options || {};
      const bad = checkParam(api, 'key', opts.key, ['String']);
      if (bad) return failNow(api, opts, bad);
      return answered(api, opts, run);
    };
  }
  function syncKey(api, key) {
    const bad = checkParam(api, 'key', key, ['String']);
    if (bad) orThrow(bad);
  }

  // Stored text → value; a key never set reads as an empty string, as on phones.
  function read(key) {
    const text = store.get(key);
    return text === undefined || text === null ? undefined : { value: decode(text) };
  }

  function setOne(api, key, data) {
    const encoded = tryEncode(data);
    if (encoded.unstorable !== undefined) return core.fail(api, 'storageEncode', encoded.unstorable);
    const reason = store.set([key], [encoded.text]);
    return reason ? failResult(api, reason) : okResult(api);
  }

  function getOne(api, key) {
    const found = read(key);
    return found ? okResult(api, { data: found.value }) : core.fail(api, 'storageNotFound');
  }

  // Batches are all or nothing: an item over the limit sets none of them.
  function batchSet(api, kvList) {
    const bad = checkParam(api, 'kvList', kvList, ['Array']);
    if (bad) return bad;
    const keys = [];
    const texts = [];
    for (const item of kvList) {
      if (!item || typeof item.key !== 'string') return core.fail(api, 'storageKvListKey');
      const encoded = tryEncode(item.value);
      if (encoded.unstorable !== undefined) return core.fail(api, 'storageEncode', encoded.unstorable);
      keys.push(item.key);
      texts.push(encoded.text);
    }
    const reason = store.set(keys, texts);
    return reason ? failResult(api, reason) : okResult(api);
  }

  function batchGet(api, keyList) {
    const bad = checkParam(api, 'keyList', keyList, ['Array']);
    if (bad) return bad;
    return okResult(api, { dataList: keyList.map((key) => (read(core.text(key)) || { value: '' }).value) });
  }

  define('setStorage', keyed('setStorage', (opts) => setOne('setStorage', opts.key, opts.data)));
  define('getStorage', keyed('getStorage', (opts) => getOne('getStorage', opts.key)));
  define('removeStorage', keyed('removeStorage', (opts) => {
    store.remove(opts.key);
    return okResult('removeStorage');
  }));
  define('clearStorage', (options) => answered('clearStorage', options, () => {
    store.clear();
    return okResult('clearStorage');
  }));
  define('getStorageInfo', (options) => answered('getStorageInfo', options, () => okResult('getStorageInfo', store.info())));
  define('batchSetStorage', (options) => answered('batchSetStorage', options, (opts) => batchSet('batchSetStorage', opts.kvList)));
  define('batchGetStorage', (options) => answered('batchGetStorage', options, (opts) => batchGet('batchGetStorage', opts.keyList)));

  define('setStorageSync', (key, data) => {
    syncKey('setStorageSync', key);
    orThrow(setOne('setStorageSync', key, data));
  });
  define('getStorageSync', (key) => {
    syncKey('getStorageSync', key);
    return (read(key) || { value: '' }).value;
  });
  define('removeStorageSync', (key) => {
    syncKey('removeStorageSync', key);
    store.remove(key);
  });
  define('clearStorageSync', () => store.clear());
  define('getStorageInfoSync', () => store.info());
  define('batchSetStorageSync', (kvList) => {
    orThrow(batchSet('batchSetStorageSync', kvList));
  });
  define('batchGetStorageSync', (keyList) => orThrow(batchGet('batchGetStorageSync', keyList)).dataList);
})
