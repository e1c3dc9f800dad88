// wx.cloud (docs/device.md, "wx.cloud"): the cloud development SDK of the mini-program side,
// answered without a cloud. Cloud functions are answered by scripts (device.respond) or mock
// rules (docs/mocks.md), and otherwise do not exist; files go to a store of real files in the
// sandbox; the database is an in-memory store of documents, kept in a file under the data
// folder with --data-dir (the natives are wx-api's src/cloud.rs).
(function (core) {
  'use strict';
  const { native, define, asyncCall, okResult, failResult, fail, checkParam, isPlainObject, typeName } = core;
  const sim = core.layerExports('simulated');
  const store = native.cloud;

  // ------------------------------------------------------------------ environments

  // The environment used when init() names none (chosen: a console's only environment).
  const DEFAULT_ENV = 'default';
  // The user's openid in the documents they write (chosen).
  const OPENID = 'o-wxrun-openid';
  const SERVICES = ['database', 'functions', 'storage'];

  // Per service, the environment init() chose; null before init().
  let envs = null;

  function init(options) {
    sim.record('cloud.init', [options], sim.plain(options));
    const opts = isPlainObject(options) ? options : {};
    const chosen = {};
    for (const service of SERVICES) {
      const env = opts.env;
      if (typeof env === 'string' && env) chosen[service] = env;
      else if (isPlainObject(env) && typeof env[service] === 'string' && env[service]) chosen[service] = env[service];
      else chosen[service] = DEFAULT_ENV;
    }
    envs = chosen;
  }

  // The environment a call of `service` uses: its `config.env`, else init()'s.
  function envOf(service, options) {
    const config = options && options.config;
    if (isPlainObject(config) && typeof config.env === 'string' && config.env) return config.env;
    return envs[service];
  }

  const notInitialized = (api) => (envs === null ? fail(api, 'cloudNotInitialized') : undefined);

  // ------------------------------------------------------------------ cloud functions

  let requests = 0;
  // A request id of the platform's form (chosen: a counter, so runs are repeatable).
  function requestId() {
    requests += 1;
    return '00000000-0000-4000-8000-' + String(requests).padStart(12, '0');
  }

  // The answer of one cloud function without a generic script: a script keyed by its name,
  // a mock rule, or the platform's failure for a function that does not exist.
  function functionAnswer(options) {
    const api = 'cloud.callFunction';
    const keyed = api + ':' + options.name;
    const script = sim.scripted(keyed, sim.plain(options));
    if (script && script.threw) return fail(api, 'scriptedAnswerThrew');
    if (script) {
      const answer = script.answer;
      if (answer === null || typeof answer !== 'object') return fail(api, 'scriptedAnswerThrew');
      return answer.fail !== undefined ? sim.scriptedFailure(api, answer) : Object.assign({ result: null }, answer);
    }
    const rule = store.callRule(options.name, JSON.stringify(options.data === undefined ? {} : options.data));
    if (rule === undefined) return fail(api, 'cloudFunctionNotFound');
    const [kind, payload, delay] = rule;
    const answer = kind === 'result' ? { result: JSON.parse(payload) } : failResult(api, payload);
    if (!(delay > 0)) return answer;
    return new Promise((resolve) => setTimeout(() => resolve(answer), delay));
  }

  function callFunction(options) {
    return sim.respondAsync('cloud.callFunction', options, {
      entry: sim.cloudEntryOf('callFunction'),
      check: () => notInitialized('cloud.callFunction'),
      byDefault: functionAnswer,
      onAnswered: (result) => {
        result.requestID = requestId();
      },
    });
  }

  // ------------------------------------------------------------------ files

  // A fileID names its environment and its path: `cloud://<env>.<bucket>/<cloudPath>`; the
  // bucket is chosen as `wxrun-<env>`.
  const fileIdOf = (env, cloudPath) => 'cloud://' + env + '.wxrun-' + env + '/' + cloudPath.replace(/^\//, '');
  function parseFileId(fileID) {
    const match = /^cloud:\/\/([^./]+)\.[^/]*\/(.+)$/.exec(String(fileID));
    return match ? { env: match[1], path: match[2] } : null;
  }

  // A task the file calls return when given callbacks, as the SDK does.
  const taskFor = (options, kind) => (core.isPromiseStyle(options) ? undefined : sim.instance(kind, { owner: 'cloud' }));

  function uploadFile(options) {
    const api = 'cloud.uploadFile';
    return sim.respondAsync(api, options, {
      entry: sim.cloudEntryOf('uploadFile'),
      returns: taskFor(options, 'UploadTask'),
      check: () => notInitialized(api),
      byDefault: (opts) => {
        const env = envOf('storage', opts);
        let refused;
        try {
          refused = store.upload(env, opts.cloudPath, opts.filePath);
        } catch (error) {
          return failResult(api, error.message, error.errno);
        }
        if (refused) return fail(api, refused, JSON.stringify(opts.cloudPath));
        // 204: what the storage answers an upload (chosen).
        return { fileID: fileIdOf(env, opts.cloudPath), statusCode: 204 };
      },
    });
  }

  function downloadFile(options) {
    const api = 'cloud.downloadFile';
    return sim.respondAsync(api, options, {
      entry: sim.cloudEntryOf('downloadFile'),
      returns: taskFor(options, 'DownloadTask'),
      check: () => notInitialized(api),
      byDefault: (opts) => {
        const file = parseFileId(opts.fileID);
        const tempFilePath = file && store.download(file.env, file.path);
        if (!tempFilePath) return fail(api, 'cloudFileNotFound');
        return { tempFilePath, statusCode: 200 };
      },
    });
  }

  // What each file of a `fileList` (a fileID, or `{fileID, maxAge}`) gives.
  function eachFile(list, answer) {
    return list.map((item) => {
      const fileID = isPlainObject(item) ? item.fileID : item;
      const file = parseFileId(fileID);
      if (!file || !store.exists(file.env, file.path)) {
        const [reason, , errCode] = native.failure('cloudFileItemMissing', []);
        return Object.assign({ fileID, status: -1, errMsg: reason, errCode }, answer(item, null));
      }
      return Object.assign({ fileID, status: 0, errMsg: 'ok' }, answer(item, file));
    });
  }

  function getTempFileURL(options) {
    const api = 'cloud.getTempFileURL';
    return sim.respondAsync(api, options, {
      entry: sim.cloudEntryOf('getTempFileURL'),
      check: () => notInitialized(api),
      byDefault: (opts) => ({
        fileList: eachFile(opts.fileList, (item, file) => ({
          // Chosen: a URL of the storage's form; nothing serves it (answer it with a mock rule).
          tempFileURL: file ? 'https://wxrun-' + file.env + '.tcb.qcloud.la/' + file.path : '',
          maxAge: isPlainObject(item) && typeof item.maxAge === 'number' ? item.maxAge : 7200,
        })),
      }),
    });
  }

  function deleteFile(options) {
    const api = 'cloud.deleteFile';
    return sim.respondAsync(api, options, {
      entry: sim.cloudEntryOf('deleteFile'),
      check: () => notInitialized(api),
      byDefault: (opts) => {
        const fileList = eachFile(opts.fileList, () => ({}));
        for (const item of fileList) {
          if (item.status === 0) {
            const file = parseFileId(item.fileID);
            store.remove(file.env, file.path);
          }
        }
        return { fileList };
      },
    });
  }

  // ------------------------------------------------------------------ database values

  class ServerDate {
    constructor(offset) {
      this.offset = offset;
    }
  }

  // Query operators (`_.gt(1)`), with `and`/`or` to combine them on one field.
  class QueryCommand {
    constructor(operator, operand) {
      this.operator = operator;
      this.operand = operand;
    }
    and(...others) {
      return new QueryCommand('and', [this].concat(others.flat()));
    }
    or(...others) {
      return new QueryCommand('or', [this].concat(others.flat()));
    }
  }

  // Update operators (`_.inc(1)`).
  class UpdateCommand {
    constructor(operator, operand) {
      this.operator = operator;
      this.operand = operand;
    }
  }

  const isDocumentObject = (value) => isPlainObject(value);

  // A stored value: server dates become the time of the write; plain objects and arrays are
  // copied, so the store never shares a value with the script.
  function stored(value, now) {
    if (value instanceof ServerDate) return new Date(now + value.offset);
    if (value instanceof Date) return new Date(value.getTime());
    if (value instanceof RegExp) return value;
    if (Array.isArray(value)) return value.map((item) => stored(item, now));
    if (isDocumentObject(value)) {
      const out = {};
      for (const key of Object.keys(value)) if (value[key] !== undefined) out[key] = stored(value[key], now);
      return out;
    }
    return value;
  }

  // A copy handed to the script.
  function copy(value) {
    if (value instanceof Date) return new Date(value.getTime());
    if (Array.isArray(value)) return value.map(copy);
    if (isDocumentObject(value)) {
      const out = {};
      for (const key of Object.keys(value)) out[key] = copy(value[key]);
      return out;
    }
    return value;
  }

  function pathGet(doc, path) {
    let value = doc;
    for (const part of path.split('.')) {
      if (value === null || typeof value !== 'object') return undefined;
      value = value[part];
    }
    return value;
  }

  // The object holding the last part of `path` (made on the way when `make`), and that part.
  function pathParent(doc, path, make) {
    const parts = path.split('.');
    let holder = doc;
    for (const part of parts.slice(0, -1)) {
      if (holder[part] === null || typeof holder[part] !== 'object') {
        if (!make) return [undefined, parts[parts.length - 1]];
        holder[part] = {};
      }
      holder = holder[part];
    }
    return [holder, parts[parts.length - 1]];
  }

  function sameValue(a, b) {
    if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
    if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => sameValue(item, b[i]));
    if (isDocumentObject(a) && isDocumentObject(b)) {
      const keys = Object.keys(a);
      return keys.length === Object.keys(b).length && keys.every((key) => sameValue(a[key], b[key]));
    }
    return a === b;
  }

  // `field == expected`, where an array field also matches when one of its items does.
  const equals = (actual, expected) => sameValue(actual, expected) || (Array.isArray(actual) && !Array.isArray(expected) && actual.some((item) => sameValue(item, expected)));

  // -1, 0 or 1 for values of one kind (numbers, strings, dates), else undefined.
  function order(a, b) {
    if (a instanceof Date && b instanceof Date) [a, b] = [a.getTime(), b.getTime()];
    if (!((typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string'))) return undefined;
    return a < b ? -1 : a > b ? 1 : 0;
  }

  const compare = (actual, operand, test) => {
    const one = (value) => {
      const o = order(value, operand);
      return o !== undefined && test(o);
    };
    return one(actual) || (Array.isArray(actual) && actual.some(one));
  };

  // The query values the server fills in: `'{openid}'` is the user's openid.
  const filled = (value) => (value === '{openid}' ? OPENID : value);

  // Whether `actual` (a field's value) meets `condition` (a value, a RegExp or a command).
  function fieldMatches(actual, condition) {
    if (condition instanceof QueryCommand) {
      const operand = condition.operand;
      switch (condition.operator) {
        case 'eq':
          return equals(actual, filled(operand));
        case 'neq':
          return !equals(actual, filled(operand));
        case 'gt':
          return compare(actual, operand, (o) => o > 0);
        case 'gte':
          return compare(actual, operand, (o) => o >= 0);
        case 'lt':
          return compare(actual, operand, (o) => o < 0);
        case 'lte':
          return compare(actual, operand, (o) => o <= 0);
        case 'in':
          return operand.some((value) => equals(actual, filled(value)));
        case 'nin':
          return !operand.some((value) => equals(actual, filled(value)));
        case 'exists':
          return (actual !== undefined) === Boolean(operand);
        case 'size':
          return Array.isArray(actual) && actual.length === operand;
        case 'mod':
          return typeof actual === 'number' && Array.isArray(operand) && actual % operand[0] === operand[1];
        case 'elemMatch':
          return Array.isArray(actual) && actual.some((item) => (isDocumentObject(operand) ? isDocumentObject(item) && matches(item, operand) : fieldMatches(item, operand)));
        case 'all':
          return Array.isArray(actual) && operand.every((value) => actual.some((item) => sameValue(item, value)));
        case 'and':
          return operand.every((part) => fieldMatches(actual, part));
        case 'or':
          return operand.some((part) => fieldMatches(actual, part));
        case 'nor':
          return !operand.some((part) => fieldMatches(actual, part));
        case 'not':
          return !fieldMatches(actual, operand);
        default:
          throw new InvalidQuery(condition.operator + ' is not supported by wxrun\u2019s database');
      }
    }
    if (condition instanceof RegExp) {
      const test = (value) => typeof value === 'string' && new RegExp(condition.source, condition.flags).test(value);
      return test(actual) || (Array.isArray(actual) && actual.some(test));
    }
    return equals(actual, filled(condition));
  }

  // A query the database refuses (an operator it does not have).
  class InvalidQuery extends Error {}

  // Whether `doc` matches `query`: each field's condition, nested objects naming nested
  // fields (`{a: {b: 1}}` is `'a.b': 1`), and `_.and`/`_.or` of whole queries.
  function matches(doc, query, prefix = '') {
    if (query instanceof QueryCommand) {
      const parts = query.operand;
      switch (query.operator) {
        case 'and':
          return parts.every((part) => matches(doc, part, prefix));
        case 'or':
          return parts.some((part) => matches(doc, part, prefix));
        case 'nor':
          return !parts.some((part) => matches(doc, part, prefix));
        default:
          throw new InvalidQuery(query.operator + ' cannot stand for a whole query');
      }
    }
    for (const key of Object.keys(query)) {
      const condition = query[key];
      const path = prefix + key;
      if (isDocumentObject(condition)) {
        if (!matches(doc, condition, path + '.')) return false;
      } else if (!fieldMatches(pathGet(doc, path), condition)) return false;
    }
    return true;
  }

  // Applies `data` of update() to `doc`: nested objects update nested fields, commands do
  // what they say, other values replace.
  function applyUpdate(doc, data, now, prefix = '') {
    for (const key of Object.keys(data)) {
      const value = data[key];
      const path = prefix + key;
      if (value === undefined) continue;
      if (isDocumentObject(value)) {
        applyUpdate(doc, value, now, path + '.');
        continue;
      }
      if (!(value instanceof UpdateCommand)) {
        const [holder, last] = pathParent(doc, path, true);
        holder[last] = stored(value, now);
        continue;
      }
      const operand = value.operand;
      const [holder, last] = pathParent(doc, path, value.operator !== 'remove');
      switch (value.operator) {
        case 'set':
          holder[last] = stored(operand, now);
          break;
        case 'remove':
          if (holder) delete holder[last];
          break;
        case 'inc':
          holder[last] = (typeof holder[last] === 'number' ? holder[last] : 0) + operand;
          break;
        case 'mul':
          holder[last] = (typeof holder[last] === 'number' ? holder[last] : 0) * operand;
          break;
        case 'min':
        case 'max': {
          const o = holder[last] === undefined ? undefined : order(operand, holder[last]);
          if (holder[last] === undefined || (value.operator === 'min' ? o < 0 : o > 0)) holder[last] = stored(operand, now);
          break;
        }
        case 'rename':
          if (holder && last in holder) {
            const moved = holder[last];
            delete holder[last];
            const [target, name] = pathParent(doc, String(operand), true);
            target[name] = moved;
          }
          break;
        case 'unshift': {
          const each = Array.isArray(operand) ? operand : [operand];
          holder[last] = each.map((item) => stored(item, now)).concat(Array.isArray(holder[last]) ? holder[last] : []);
          break;
        }
        case 'pullAll':
          if (Array.isArray(holder[last])) holder[last] = holder[last].filter((item) => !operand.some((gone) => sameValue(item, gone)));
          break;
        case 'push': {
          const each = isDocumentObject(operand) && Array.isArray(operand.each) ? operand.each : Array.isArray(operand) ? operand : [operand];
          const list = Array.isArray(holder[last]) ? holder[last] : [];
          const at = isDocumentObject(operand) && typeof operand.position === 'number' ? operand.position : list.length;
          list.splice(at, 0, ...each.map((item) => stored(item, now)));
          holder[last] = list;
          break;
        }
        case 'addToSet': {
          const each = isDocumentObject(operand) && Array.isArray(operand.each) ? operand.each : [operand];
          const list = Array.isArray(holder[last]) ? holder[last] : [];
          for (const item of each) if (!list.some((known) => sameValue(known, item))) list.push(stored(item, now));
          holder[last] = list;
          break;
        }
        case 'pull':
          if (Array.isArray(holder[last])) holder[last] = holder[last].filter((item) => !fieldMatches(item, operand));
          break;
        case 'pop':
          if (Array.isArray(holder[last])) holder[last].pop();
          break;
        case 'shift':
          if (Array.isArray(holder[last])) holder[last].shift();
          break;
        default:
          throw new InvalidQuery(value.operator + ' is not supported by wxrun\u2019s database');
      }
    }
  }

  // A document as `field()` shows it: `{a: true}` keeps a (and _id), `{a: false}` drops a.
  function project(doc, projection) {
    if (!projection) return copy(doc);
    const keys = Object.keys(projection);
    const including = keys.some((key) => projection[key] && key !== '_id');
    const out = including ? {} : copy(doc);
    if (including && projection._id !== false && projection._id !== 0) out._id = doc._id;
    for (const key of keys) {
      if (including && projection[key]) {
        const value = pathGet(doc, key);
        if (value !== undefined) {
          const [holder, last] = pathParent(out, key, true);
          holder[last] = copy(value);
        }
      } else if (!including || key === '_id') {
        const [holder, last] = pathParent(out, key, false);
        if (holder && !projection[key]) delete holder[last];
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ the stores

  // The documents of each environment: { collection: [document...] }, loaded from the data
  // folder when the environment is first used.
  const databases = new Map();

  // Dates survive the file as {"$date": ms}.
  function encode(collections) {
    return JSON.stringify(collections, function (key, value) {
      const raw = this[key];
      return raw instanceof Date ? { $date: raw.getTime() } : value;
    });
  }
  function decode(text) {
    return JSON.parse(text, (key, value) => {
      if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 1 && typeof value.$date === 'number') return new Date(value.$date);
      return value;
    });
  }

  function collectionsOf(env) {
    let collections = databases.get(env);
    if (!collections) {
      const text = store.loadDatabase(env);
      collections = text === undefined ? {} : decode(text);
      for (const name of Object.keys(collections)) {
        if (!Array.isArray(collections[name])) throw new Error('the cloud database of environment ' + env + ': collection ' + JSON.stringify(name) + ' should be a list of documents');
      }
      databases.set(env, collections);
    }
    return collections;
  }

  function documentsOf(env, name) {
    const collections = collectionsOf(env);
    if (!Object.prototype.hasOwnProperty.call(collections, name)) collections[name] = [];
    return collections[name];
  }

  const save = (env) => store.saveDatabase(env, encode(collectionsOf(env)));

  // A new _id: 32 hex digits, as the platform's are.
  let idCounter = 0;
  function newId() {
    idCounter += 1;
    let id = Date.now().toString(16).padStart(12, '0') + idCounter.toString(16).padStart(4, '0');
    while (id.length < 32) id += Math.floor(Math.random() * 16).toString(16);
    return id;
  }

  // ------------------------------------------------------------------ database objects

  // The mini-program side returns at most 20 documents per get, and 20 by default
  // (documented).
  const GET_LIMIT = 20;

  // One database operation: recorded, traced, answered as a macrotask (Promise style without
  // callbacks). `run(opts)` returns the success fields or a fail result; a query the database
  // refuses fails with databaseInvalidOperator.
  function operation(api, options, run) {
    const opts = isPlainObject(options) ? options : {};
    const call = sim.record(api, [options], sim.plain(opts));
    return asyncCall(api, opts, (settle) => {
      let result = notInitialized(api);
      if (!result) {
        try {
          result = run(opts);
        } catch (error) {
          if (!(error instanceof InvalidQuery)) throw error;
          result = fail(api, 'databaseInvalidOperator', error.message);
        }
      }
      const ok = !(typeof result.errMsg === 'string' && !result.errMsg.endsWith(':ok'));
      const answer = ok ? okResult(api, result) : result;
      call.result = answer;
      if (!ok) core.trace('cloud', api + ' -> ' + answer.errMsg);
      settle(ok, answer);
    }, { promise: true });
  }

  const needsData = (api, opts) => checkParam(api, 'data', opts.data, ['Object']);

  class Query {
    constructor(db, name, state) {
      this._db = db;
      this._name = name;
      this._state = state;
    }
    _with(change) {
      return new Query(this._db, this._name, Object.assign({}, this._state, change));
    }
    where(condition) {
      if (!isDocumentObject(condition) && !(condition instanceof QueryCommand)) {
        throw new TypeError('where() takes a query object such as {done: false}, not ' + typeName(condition));
      }
      return this._with({ where: this._state.where.concat([condition]) });
    }
    orderBy(fieldPath, direction) {
      if (direction !== 'asc' && direction !== 'desc') throw new TypeError('orderBy(' + JSON.stringify(fieldPath) + ', direction): direction should be "asc" or "desc"');
      return this._with({ order: this._state.order.concat([[String(fieldPath), direction]]) });
    }
    limit(max) {
      return this._with({ limit: Number(max) });
    }
    skip(offset) {
      return this._with({ skip: Number(offset) });
    }
    field(projection) {
      return this._with({ field: Object.assign({}, projection) });
    }
    // The matching documents, in order.
    _matching() {
      const env = this._db.config.env;
      const docs = documentsOf(env, this._name).filter((doc) => this._state.where.every((query) => matches(doc, query)));
      if (this._state.order.length) {
        docs.sort((a, b) => {
          for (const [path, direction] of this._state.order) {
            const [x, y] = [pathGet(a, path), pathGet(b, path)];
            // A missing field sorts first, as the lowest value.
            const o = x === undefined ? (y === undefined ? 0 : -1) : y === undefined ? 1 : order(x, y) || 0;
            if (o) return direction === 'asc' ? o : -o;
          }
          return 0;
        });
      }
      return docs;
    }
    get(options) {
      return operation('collection.get', options, () => {
        const { skip = 0, limit = GET_LIMIT, field } = this._state;
        const count = Math.max(0, Math.min(limit, GET_LIMIT));
        return { data: this._matching().slice(Math.max(0, skip), Math.max(0, skip) + count).map((doc) => project(doc, field)) };
      });
    }
    count(options) {
      return operation('collection.count', options, () => ({ total: this._matching().length }));
    }
    watch(options) {
      sim.record('collection.watch', [options], sim.plain(options));
      return sim.instance('DB.RealtimeListener', { owner: 'cloud' });
    }
  }

  class CollectionReference extends Query {
    constructor(db, name) {
      super(db, name, { where: [], order: [], skip: 0, limit: undefined, field: undefined });
      this.collectionName = name;
    }
    doc(id) {
      return new DocumentReference(this._db, this._name, id);
    }
    add(options) {
      const api = 'collection.add';
      return operation(api, options, (opts) => {
        const bad = needsData(api, opts);
        if (bad) return bad;
        const env = this._db.config.env;
        const docs = documentsOf(env, this._name);
        const data = stored(opts.data, Date.now());
        const id = data._id === undefined ? newId() : data._id;
        if (docs.some((doc) => doc._id === id)) return fail(api, 'documentDuplicateId', String(id));
        docs.push(Object.assign({ _id: id }, data, { _openid: OPENID }));
        save(env);
        return { _id: id };
      });
    }
    aggregate() {
      sim.record('collection.aggregate', [], undefined);
      return sim.instance('DB.Aggregate', { owner: 'cloud' });
    }
  }

  class DocumentReference {
    constructor(db, name, id) {
      this._db = db;
      this._name = name;
      this._id = id;
      this._field = undefined;
    }
    field(projection) {
      this._field = Object.assign({}, projection);
      return this;
    }
    _index() {
      return documentsOf(this._db.config.env, this._name).findIndex((doc) => doc._id === this._id);
    }
    get(options) {
      const api = 'document.get';
      return operation(api, options, () => {
        const index = this._index();
        if (index < 0) return fail(api, 'documentNotFound', String(this._id));
        return { data: project(documentsOf(this._db.config.env, this._name)[index], this._field) };
      });
    }
    set(options) {
      const api = 'document.set';
      return operation(api, options, (opts) => {
        const bad = needsData(api, opts);
        if (bad) return bad;
        const env = this._db.config.env;
        const docs = documentsOf(env, this._name);
        const index = this._index();
        const data = stored(opts.data, Date.now());
        delete data._id;
        const doc = Object.assign({ _id: this._id }, data, { _openid: OPENID });
        if (index < 0) docs.push(doc);
        else docs[index] = doc;
        save(env);
        return { _id: this._id, stats: { updated: index < 0 ? 0 : 1, created: index < 0 ? 1 : 0 } };
      });
    }
    update(options) {
      const api = 'document.update';
      return operation(api, options, (opts) => {
        const bad = needsData(api, opts);
        if (bad) return bad;
        const env = this._db.config.env;
        const index = this._index();
        if (index < 0) return { stats: { updated: 0 } };
        const doc = copy(documentsOf(env, this._name)[index]);
        const data = Object.assign({}, opts.data);
        delete data._id;
        applyUpdate(doc, data, Date.now());
        documentsOf(env, this._name)[index] = doc;
        save(env);
        return { stats: { updated: 1 } };
      });
    }
    remove(options) {
      return operation('document.remove', options, () => {
        const env = this._db.config.env;
        const index = this._index();
        if (index < 0) return { stats: { removed: 0 } };
        documentsOf(env, this._name).splice(index, 1);
        save(env);
        return { stats: { removed: 1 } };
      });
    }
    watch(options) {
      sim.record('document.watch', [options], sim.plain(options));
      return sim.instance('DB.RealtimeListener', { owner: 'cloud' });
    }
  }

  const commands = {
    eq: (value) => new QueryCommand('eq', value),
    neq: (value) => new QueryCommand('neq', value),
    gt: (value) => new QueryCommand('gt', value),
    gte: (value) => new QueryCommand('gte', value),
    lt: (value) => new QueryCommand('lt', value),
    lte: (value) => new QueryCommand('lte', value),
    in: (values) => new QueryCommand('in', Array.from(values)),
    nin: (values) => new QueryCommand('nin', Array.from(values)),
    exists: (value) => new QueryCommand('exists', value),
    size: (value) => new QueryCommand('size', value),
    all: (values) => new QueryCommand('all', Array.from(values)),
    not: (condition) => new QueryCommand('not', condition),
    // `_.and(a, b)` or `_.and([a, b])`, of field conditions or of whole queries.
    and: (...parts) => new QueryCommand('and', parts.flat()),
    or: (...parts) => new QueryCommand('or', parts.flat()),
    nor: (...parts) => new QueryCommand('nor', parts.flat()),
    set: (value) => new UpdateCommand('set', value),
    remove: () => new UpdateCommand('remove'),
    inc: (value) => new UpdateCommand('inc', value),
    mul: (value) => new UpdateCommand('mul', value),
    push: (value) => new UpdateCommand('push', value),
    pull: (value) => new UpdateCommand('pull', value),
    pop: () => new UpdateCommand('pop'),
    shift: () => new UpdateCommand('shift'),
    addToSet: (value) => new UpdateCommand('addToSet', value),
    min: (value) => new UpdateCommand('min', value),
    max: (value) => new UpdateCommand('max', value),
    rename: (value) => new UpdateCommand('rename', value),
    unshift: (value) => new UpdateCommand('unshift', value),
    pullAll: (values) => new UpdateCommand('pullAll', Array.from(values)),
    mod: (divisorAndRemainder) => new QueryCommand('mod', divisorAndRemainder),
    elemMatch: (condition) => new QueryCommand('elemMatch', condition),
  };

  // The other documented commands (geo, bit) exist, so that building a query never throws;
  // the query then fails with databaseInvalidOperator, as one the database refuses.
  const command = Object.assign({}, commands);
  for (const [name, entry] of Object.entries(sim.interfaceOf('DB.DatabaseCommand').methods)) {
    if (!(name in command)) command[name] = (operand) => (entry.kind === 'factory' ? new QueryCommand(name, operand) : new UpdateCommand(name, operand));
  }
  Object.freeze(command);

  function database(config) {
    sim.record('cloud.database', config === undefined ? [] : [config], sim.plain(config));
    const env = isPlainObject(config) && typeof config.env === 'string' && config.env ? config.env : envs ? envs.database : DEFAULT_ENV;
    const db = {
      config: { env, traceUser: Boolean(isPlainObject(config) && config.traceUser) },
      command,
      collection: (name) => new CollectionReference(db, String(name)),
      serverDate: (options) => new ServerDate(isPlainObject(options) && typeof options.offset === 'number' ? options.offset : 0),
      RegExp: (options) => new RegExp(options.regexp, options.options || ''),
    };
    // Opening the database reads its file now, so a damaged one is reported at once.
    if (envs !== null) collectionsOf(env);
    return db;
  }

  // ------------------------------------------------------------------ wx.cloud

  // The members the typings list that nothing above answers (callContainer, CloudID, ...)
  // answer by their kind, as the simulated device's generic members do.
  function generic(name) {
    const entry = sim.cloudEntryOf(name);
    if (entry.kind === 'async') return (options) => sim.respondAsync('cloud.' + name, options, { entry, check: () => notInitialized('cloud.' + name) });
    return (...args) => sim.respondSync('cloud.' + name, args, { entry });
  }

  sim.own('collection', 'cloud');
  sim.own('document', 'cloud');
  const cloud = { init, callFunction, uploadFile, downloadFile, getTempFileURL, deleteFile, database };
  for (const name of native.surface('cloud')) {
    if (!(name in cloud)) cloud[name] = generic(name);
  }
  define('cloud', cloud);
  return { cloud };
})
