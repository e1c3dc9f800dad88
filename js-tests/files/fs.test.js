// Spec 7: wx.getFileSystemManager() and the saved-file APIs on the sandbox.
const { sandbox } = require('wxrun');

const fs = wx.getFileSystemManager();
const USR = wx.env.USER_DATA_PATH;
let n = 0;
const fresh = (name) => USR + '/t' + ++n + '-' + name;

function call(method, options) {
  return new Promise((resolve) => {
    const calls = [];
    fs[method](
      Object.assign({}, options, {
        success: (res) => calls.push('success'),
        fail: (res) => calls.push('fail'),
        complete: (res) => {
          calls.push('complete');
          resolve({ ok: calls.includes('success'), res, calls });
        },
      }),
    );
    calls.push('returned');
  });
}

function syncError(fn) {
  try {
    fn();
  } catch (error) {
    return { message: error.message, errno: error.errno };
  }
  throw new Error('expected the call to throw');
}

test('the manager is one object; USER_DATA_PATH is wxfile://usr', () => {
  expect(wx.getFileSystemManager()).toBe(fs);
  expect(USR).toBe('wxfile://usr');
});

describe('reading and writing', () => {
  test('writeFile / readFile: text in an encoding, or bytes as an ArrayBuffer', async () => {
    const path = fresh('a.txt');
    const written = await call('writeFile', { filePath: path, data: 'hello 你好' });
    expect(written.calls).toEqual(['returned', 'success', 'complete']);
    expect(written.res).toEqual({ errMsg: 'writeFile:ok' });
    const text = await call('readFile', { filePath: path, encoding: 'utf8' });
    expect(text.res).toEqual({ data: 'hello 你好', errMsg: 'readFile:ok' });
    const bytes = await call('readFile', { filePath: path });
    expect(bytes.res.data).toBeInstanceOf(ArrayBuffer);
    expect(bytes.res.data.byteLength).toBe(12);
    expect(fs.readFileSync(path, 'utf8', 6, 6)).toBe('你好');
  });

  test('encodings: base64, hex, latin1, ucs2 round trip', () => {
    const path = fresh('enc.bin');
    fs.writeFileSync(path, 'AAEC/w==', 'base64');
    expect(new Uint8Array(fs.readFileSync(path))).toEqual(new Uint8Array([0, 1, 2, 255]));
    expect(fs.readFileSync(path, 'hex')).toBe('000102ff');
    expect(fs.readFileSync(path, 'base64')).toBe('AAEC/w==');
    fs.writeFileSync(path, 'é', 'latin1');
    expect(fs.readFileSync(path, 'hex')).toBe('e9');
    fs.writeFileSync(path, 'hi', 'ucs2');
    expect(fs.readFileSync(path, 'hex')).toBe('68006900');
  });

  test('appendFile adds; ArrayBuffer and typed-array data are written as bytes', () => {
    const path = fresh('log.txt');
    fs.writeFileSync(path, 'a');
    fs.appendFileSync(path, new Uint8Array([98, 99]).buffer);
    fs.appendFileSync(path, new Uint8Array([0, 100, 0]).subarray(1, 2));
    expect(fs.readFileSync(path, 'utf8')).toBe('abcd');
  });

  test('a missing file: no such file or directory (1300002), with the path', async () => {
    const { ok, res } = await call('readFile', { filePath: USR + '/missing.txt' });
    expect(ok).toBe(false);
    expect(res).toEqual({ errMsg: 'readFile:fail no such file or directory, open wxfile://usr/missing.txt', errno: 1300002 });
    expect(syncError(() => fs.readFileSync(USR + '/missing.txt'))).toEqual({
      message: 'readFileSync:fail no such file or directory, open wxfile://usr/missing.txt',
      errno: 1300002,
    });
    expect((await call('appendFile', { filePath: USR + '/missing.txt', data: 'x' })).res.errno).toBe(1300002);
  });

  test('parameter errors come as fail results', async () => {
    const { ok, res } = await call('readFile', { filePath: 42 });
    expect(ok).toBe(false);
    expect(res.errMsg).toBe('readFile:fail parameter error: parameter.filePath should be String instead of Number;');
  });
});

describe('folders and metadata', () => {
  test('mkdir (recursive), readdir, stat, rmdir', async () => {
    const dir = fresh('dir');
    fs.mkdirSync(dir + '/a/b', true);
    fs.writeFileSync(dir + '/a/b/f.txt', '123');
    fs.writeFileSync(dir + '/top.txt', 'x');
    expect(fs.readdirSync(dir)).toEqual(['a', 'top.txt']);
    expect((await call('readdir', { dirPath: dir })).res.files).toEqual(['a', 'top.txt']);
    const stats = fs.statSync(dir + '/a/b/f.txt');
    expect(stats.size).toBe(3);
    expect(stats.isFile()).toBe(true);
    expect(stats.isDirectory()).toBe(false);
    expect(stats.lastModifiedTime).toBeGreaterThan(1.6e9);
    expect(fs.statSync(dir).isDirectory()).toBe(true);
    const all = fs.statSync(dir, true);
    expect(all.map((e) => e.path)).toEqual(['/', '/a', '/a/b', '/a/b/f.txt', '/top.txt']);
    expect(syncError(() => fs.rmdirSync(dir)).errno).toBe(1300066);
    expect(syncError(() => fs.mkdirSync(dir)).errno).toBe(1301005);
    expect(syncError(() => fs.readdirSync(dir + '/top.txt')).errno).toBe(1300020);
    fs.rmdirSync(dir, true);
    expect(syncError(() => fs.accessSync(dir)).errno).toBe(1300002);
  });

  test('access, unlink, copyFile, rename', async () => {
    const a = fresh('a.txt');
    const b = fresh('b.txt');
    const c = fresh('c.txt');
    fs.writeFileSync(a, 'data');
    expect((await call('access', { path: a })).ok).toBe(true);
    const copied = await call('copyFile', { srcPath: a, destPath: b });
    expect(copied.res).toEqual({ errMsg: 'copyFile:ok' });
    expect((await call('rename', { oldPath: b, newPath: c })).ok).toBe(true);
    expect(fs.readFileSync(c, 'utf8')).toBe('data');
    expect((await call('access', { path: b })).res.errno).toBe(1300002);
    fs.unlinkSync(c);
    expect((await call('unlink', { filePath: c })).res.errMsg).toBe('unlink:fail no such file or directory, unlink ' + c);
  });
});

describe('the sandbox boundary', () => {
  test('.., absolute host paths and other schemes are refused with permission denied', async () => {
    for (const path of ['wxfile://usr/../tmp_x', '/etc/passwd', 'wxfile://usr/a/../../b', 'http://tmp/a.txt', 'usr/a.txt']) {
      const { res } = await call('readFile', { filePath: path });
      expect(res).toEqual({ errMsg: 'readFile:fail permission denied, open ' + path, errno: 1300013 });
    }
    expect(syncError(() => fs.writeFileSync('/tmp/outside.txt', 'x')).message).toBe('writeFileSync:fail permission denied, open /tmp/outside.txt');
  });

  test('wxrun.sandbox.put writes fixture files; hostPath shows where they live', () => {
    sandbox.put('wxfile://usr/fixtures-put/deep/f.txt', 'put by the test');
    expect(fs.readFileSync('wxfile://usr/fixtures-put/deep/f.txt', 'utf8')).toBe('put by the test');
    expect(sandbox.hostPath('wxfile://usr/fixtures-put/deep/f.txt')).toMatch(/\/usr\/fixtures-put\/deep\/f\.txt$/);
    expect(() => sandbox.put('/etc/x', 'no')).toThrow('permission denied');
  });
});

describe('saved files', () => {
  test('saveFile moves a temp file into the store; list, info, remove', async () => {
    sandbox.put('wxfile://tmp_fixture1.txt', 'abc');
    const saved = await wx.saveFile({ tempFilePath: 'wxfile://tmp_fixture1.txt' });
    expect(saved.errMsg).toBe('saveFile:ok');
    expect(saved.savedFilePath).toMatch(/^wxfile:\/\/store_[0-9a-f]+\.txt$/);
    expect(syncError(() => fs.accessSync('wxfile://tmp_fixture1.txt')).errno).toBe(1300002);
    const list = await wx.getSavedFileList();
    const entry = list.fileList.find((f) => f.filePath === saved.savedFilePath);
    expect(entry.size).toBe(3);
    expect(entry.createTime).toBeGreaterThan(1.6e9);
    const info = await wx.getFileInfo({ filePath: saved.savedFilePath });
    expect(info).toEqual({ size: 3, digest: '900150983cd24fb0d6963f7d28e17f72', errMsg: 'getFileInfo:ok' });
    const sha1 = await wx.getFileInfo({ filePath: saved.savedFilePath, digestAlgorithm: 'sha1' });
    expect(sha1.digest).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    await wx.removeSavedFile({ filePath: saved.savedFilePath });
    expect((await wx.getSavedFileList()).fileList.find((f) => f.filePath === saved.savedFilePath)).toBeUndefined();
    const missing = await wx.removeSavedFile({ filePath: saved.savedFilePath }).catch((e) => e);
    expect(missing.errno).toBe(1300002);
  });

  test('FileSystemManager.saveFileSync with a filePath under usr', () => {
    sandbox.put('wxfile://tmp_fixture2.bin', 'x');
    const target = fresh('kept.bin');
    expect(fs.saveFileSync('wxfile://tmp_fixture2.bin', target)).toBe(target);
    expect(fs.readFileSync(target, 'utf8')).toBe('x');
  });
});

test('documented methods wxrun lacks fail in the platform forms instead of throwing', async () => {
  const failed = await new Promise((resolve) => fs.open({ filePath: 'wxfile://usr/x', fail: resolve }));
  expect(failed).toEqual({ errMsg: 'open:fail not supported by wxrun yet' });
  const unzipped = await new Promise((resolve) => fs.unzip({ zipFilePath: 'wxfile://usr/a.zip', targetPath: 'wxfile://usr/a', complete: resolve }));
  expect(unzipped.errMsg).toBe('unzip:fail not supported by wxrun yet');
  expect(() => fs.openSync({ filePath: 'wxfile://usr/x' })).toThrow('openSync:fail not supported by wxrun yet');
});
