// Local files (spec section 7): wx.getFileSystemManager() with its callback and *Sync methods,
// and the saved-file APIs. Every path goes through the sandbox in Rust.
(function (core) {
  'use strict';
  const { native, define, later, settleNow, okResult, failResult, checkParam, asyncCall, text } = core;
  const fs = native.fs;

  class Stats {
    constructor(values) {
      this.mode = values[0];
      this.size = values[1];
      this.lastAccessedTime = values[2];
      this.lastModifiedTime = values[3];
      Object.defineProperty(this, '_dir', { value: values[4] });
    }
    isDirectory() {
      return this._dir;
    }
    isFile() {
      return !this._dir;
    }
  }

  // `position` and `length` of readFile: whole numbers of bytes, or the platform's
  // Invalid argument naming the value as given.
  function byteOffset(name, value) {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > Number.MAX_SAFE_INTEGER) {
      const error = new Error('Invalid argument, ' + name + ' ' + text(value) + ' is not a whole number of bytes from 0 to ' + Number.MAX_SAFE_INTEGER);
      error.errno = 1300022;
      throw error;
    }
    return value;
  }

  function bytesOf(data, encoding) {
    const named = encoding === undefined || encoding === null || encoding === '' ? 'utf8' : text(encoding);
    if (typeof data === 'string') return fs.encode(data, named);
    if (data instanceof ArrayBuffer) return data;
    if (ArrayBuffer.isView(data)) return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
    return fs.encode(text(data), named);
  }

  // Each operation: `check(options)` returns a parameter failure or undefined; `run(options)`
  // returns the result's fields or throws a platform failure (message + errno) from Rust.
  const operations = {
    readFile: {
      params: [['filePath', ['String']]],
      run: (o) => {
        const data = fs.read(o.filePath, byteOffset('position', o.position), byteOffset('length', o.length));
        return { data: o.encoding ? fs.decode(data, text(o.encoding)) : data };
      },
      sync: { args: ['filePath', 'encoding', 'position', 'length'], value: (r) => r.data },
    },
    writeFile: {
      params: [['filePath', ['String']]],
      run: (o) => {
        fs.write(o.filePath, bytesOf(o.data, o.encoding), false);
        return {};
      },
      sync: { args: ['filePath', 'data', 'encoding'], value: () => undefined },
    },
    appendFile: {
      params: [['filePath', ['String']]],
      run: (o) => {
        fs.write(o.filePath, bytesOf(o.data, o.encoding), true);
        return {};
      },
      sync: { args: ['filePath', 'data', 'encoding'], value: () => undefined },
    },
    access: {
      params: [['path', ['String']]],
      run: (o) => {
        fs.access(o.path);
        return {};
      },
      sync: { args: ['path'], value: () => undefined },
    },
    stat: {
      params: [['path', ['String']]],
      run: (o) => {
        const values = fs.stat(o.path, !!o.recursive);
        if (!o.recursive) return { stats: new Stats(values) };
        if (values.length === 1 && !values[0][1][4]) return { stats: new Stats(values[0][1]) };
        return { stats: values.map(([path, stats]) => ({ path, stats: new Stats(stats) })) };
      },
      sync: { args: ['path', 'recursive'], value: (r) => r.stats },
    },
    unlink: {
      params: [['filePath', ['String']]],
      run: (o) => {
        fs.unlink(o.filePath);
        return {};
      },
      sync: { args: ['filePath'], value: () => undefined },
    },
    mkdir: {
      params: [['dirPath', ['String']]],
      run: (o) => {
        fs.mkdir(o.dirPath, !!o.recursive);
        return {};
      },
      sync: { args: ['dirPath', 'recursive'], value: () => undefined },
    },
    readdir: {
      params: [['dirPath', ['String']]],
      run: (o) => ({ files: fs.readdir(o.dirPath) }),
      sync: { args: ['dirPath'], value: (r) => r.files },
    },
    rmdir: {
      params: [['dirPath', ['String']]],
      run: (o) => {
        fs.rmdir(o.dirPath, !!o.recursive);
        return {};
      },
      sync: { args: ['dirPath', 'recursive'], value: () => undefined },
    },
    copyFile: {
      params: [['srcPath', ['String']], ['destPath', ['String']]],
      run: (o) => {
        fs.copy(o.srcPath, o.destPath);
        return {};
      },
      sync: { args: ['srcPath', 'destPath'], value: () => undefined },
    },
    rename: {
      params: [['oldPath', ['String']], ['newPath', ['String']]],
      run: (o) => {
        fs.rename(o.oldPath, o.newPath);
        return {};
      },
      sync: { args: ['oldPath', 'newPath'], value: () => undefined },
    },
    saveFile: {
      params: [['tempFilePath', ['String']], ['filePath', ['String', 'Undefined']]],
      run: (o) => ({ savedFilePath: fs.save(o.tempFilePath, o.filePath) }),
      sync: { args: ['tempFilePath', 'filePath'], value: (r) => r.savedFilePath },
    },
    removeSavedFile: {
      params: [['filePath', ['String']]],
      run: (o) => {
        fs.removeSaved(o.filePath);
        return {};
      },
    },
    getSavedFileList: {
      params: [],
      run: () => ({ fileList: fs.savedList().map(([filePath, size, createTime]) => ({ filePath, size, createTime })) }),
    },
    getFileInfo: {
      params: [['filePath', ['String']]],
      run: (o) => {
        const [size, digest] = fs.info(o.filePath, o.digestAlgorithm === 'sha1' ? 'sha1' : 'md5');
        return { size, digest };
      },
    },
  };

  // --trace shows every change to the sandbox: the operation and the paths it wrote.
  const WRITES = {
    writeFile: ['filePath'],
    appendFile: ['filePath'],
    unlink: ['filePath'],
    mkdir: ['dirPath'],
    rmdir: ['dirPath'],
    copyFile: ['srcPath', 'destPath'],
    rename: ['oldPath', 'newPath'],
    saveFile: ['tempFilePath'],
    removeSavedFile: ['filePath'],
  };
  for (const [api, fields] of Object.entries(WRITES)) {
    const operation = operations[api];
    if (!operation) continue;
    const run = operation.run;
    operation.run = (o) => {
      const result = run(o);
      if (core.tracing.on) {
        const paths = fields.map((field) => o[field]).concat(result.savedFilePath ? [result.savedFilePath] : []);
        core.trace('file', api + ' ' + paths.join(' -> '));
      }
      return result;
    };
  }

  function parameterFailure(api, operation, options) {
    for (const [field, types] of operation.params) {
      const bad = checkParam(api, field, options[field], types);
      if (bad) return bad;
    }
    return undefined;
  }

  function attempt(api, operation, options) {
    const bad = parameterFailure(api, operation, options);
    if (bad) return [false, bad];
    try {
      return [true, okResult(api, operation.run(options))];
    } catch (error) {
      return [false, failResult(api, error.message, error.errno)];
    }
  }

  // The callback form: the work is done now, the callbacks come as a macrotask.
  function callbackForm(api) {
    const operation = operations[api];
    return (options) => {
      const opts = options !== null && typeof options === 'object' ? options : {};
      const [ok, result] = attempt(api, operation, opts);
      later(() => settleNow(api, opts, ok, result));
    };
  }

  // The Sync form: the value, or an Error whose message is the fail errMsg (a parameter of
  // the wrong type fails the same way, named as the callback form names it).
  function syncForm(api) {
    const operation = operations[api];
    const name = api + 'Sync';
    return (...args) => {
      const options = {};
      operation.sync.args.forEach((field, index) => {
        options[field] = args[index];
      });
      const bad = parameterFailure(name, operation, options);
      if (bad) {
        const failure = new Error(bad.errMsg);
        failure.errno = bad.errno;
        throw failure;
      }
      try {
        return operation.sync.value(operation.run(options));
      } catch (error) {
        const failure = new Error(failResult(name, error.message).errMsg);
        if (error.errno !== undefined) failure.errno = error.errno;
        throw failure;
      }
    };
  }

  class FileSystemManager {}
  for (const api of Object.keys(operations)) {
    FileSystemManager.prototype[api] = callbackForm(api);
    if (operations[api].sync) FileSystemManager.prototype[api + 'Sync'] = syncForm(api);
  }
  // Documented methods wxrun does not implement yet (file descriptors, archives) answer as
  // failures in the platform's forms: `fail` (or a rejected Promise) and a thrown Error for
  // the Sync forms, whose message names the method.
  const unsupported = ['open', 'close', 'fstat', 'ftruncate', 'read', 'write', 'truncate', 'unzip', 'readCompressedFile', 'readZipEntry'];
  for (const name of unsupported) {
    FileSystemManager.prototype[name] = (options) => asyncCall(name, options, (settle) => settle(false, core.fail(name, 'notSupported')));
  }
  for (const name of ['open', 'close', 'fstat', 'ftruncate', 'read', 'write', 'truncate', 'readCompressedFile']) {
    FileSystemManager.prototype[name + 'Sync'] = () => {
      const result = core.fail(name + 'Sync', 'notSupported');
      throw new Error(result.errMsg);
    };
  }
  let manager = null;
  define('getFileSystemManager', () => manager || (manager = new FileSystemManager()));

  // wx.saveFile and friends: the same operations, with Promise style.
  for (const api of ['saveFile', 'getSavedFileList', 'removeSavedFile', 'getFileInfo']) {
    const operation = operations[api];
    define(api, (options) => {
      const opts = options !== null && typeof options === 'object' ? options : {};
      return asyncCall(api, options, (settle) => settle(...attempt(api, operation, opts)), { promise: true });
    });
  }
})
